"""Classifying answers into typed errors, and the messages they carry."""

from __future__ import annotations

from shopops.shopify import classify as c
from shopops.shopify import errors as e


def test_throttled_computes_wait_from_cost_block() -> None:
    body = {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {
            "cost": {
                "requestedQueryCost": 70,
                "actualQueryCost": None,
                "throttleStatus": {"maximumAvailable": 1000, "currentlyAvailable": 66, "restoreRate": 50},
            }
        },
    }
    err = c.graphql_error_from_body(body)
    assert isinstance(err, e.ThrottledError)
    assert err.retryable
    assert err.retry_after is not None and abs(err.retry_after - 0.08) < 1e-9


def test_max_cost_exceeded_says_what_to_do() -> None:
    body = {
        "errors": [
            {
                "message": "Query cost is 2003",
                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": 2003, "maxCost": 1000},
            }
        ]
    }
    err = c.graphql_error_from_body(body)
    assert isinstance(err, e.MaxCostExceededError)
    assert not err.retryable
    assert err.cost == 2003 and err.max_cost == 1000
    assert "bulk operation" in str(err) and "first" in str(err)


def test_access_denied_names_scope_and_path() -> None:
    body = {
        "data": {"shop": {"name": "x"}, "translatableResource": None},
        "errors": [
            {
                "message": "Access denied for translatableResource field. Required access: "
                "`read_translations` access scope.",
                "path": ["translatableResource"],
                "extensions": {"code": "ACCESS_DENIED", "requiredAccess": "`read_translations` access scope."},
            }
        ],
    }
    err = c.graphql_error_from_body(body, request_id="abc")
    assert isinstance(err, e.AccessDeniedError)
    assert "read_translations" in str(err) and "translatableResource" in str(err)
    assert err.data == body["data"]
    assert "abc" in str(err)


def test_generic_graphql_error_keeps_paths() -> None:
    body = {
        "errors": [
            {
                "message": "Field 'x' doesn't exist on type 'Order'",
                "path": ["query", "orders", 0, "x"],
                "extensions": {"code": "undefinedField"},
            }
        ]
    }
    err = c.graphql_error_from_body(body)
    assert type(err) is e.GraphQLError
    assert err.paths == [("query", "orders", 0, "x")]
    assert "query.orders.0.x" in str(err)


def test_internal_server_error_is_retryable() -> None:
    err = c.graphql_error_from_body({"errors": [{"message": "boom", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]})
    assert isinstance(err, e.InternalServerError) and err.retryable


def test_no_errors_gives_none() -> None:
    assert c.graphql_error_from_body({"data": {}}) is None


def test_http_statuses_map_to_types() -> None:
    assert isinstance(c.http_error(401, '{"errors":"[API] Invalid"}'), e.AuthenticationError)
    assert isinstance(c.http_error(402, ""), e.PaymentRequiredError)
    assert isinstance(c.http_error(403, ""), e.ForbiddenError)
    assert isinstance(c.http_error(404, ""), e.NotFoundError)
    assert isinstance(c.http_error(423, ""), e.ShopLockedError)
    assert isinstance(c.http_error(400, ""), e.BadRequestError)
    five = c.http_error(503, "")
    assert isinstance(five, e.ServerError) and five.retryable
    r = c.http_error(429, "", retry_after="7")
    assert isinstance(r, e.RateLimitedError) and r.retry_after == 7.0 and r.retryable
    assert not c.http_error(401, "").retryable
    assert "token" in str(c.http_error(401, ""))


def test_retry_after_parsing() -> None:
    assert c.parse_retry_after(None) is None
    assert c.parse_retry_after("2.5") == 2.5
    assert c.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None


def test_find_user_errors() -> None:
    data = {
        "inventorySetQuantities": {
            "inventoryAdjustmentGroup": None,
            "userErrors": [
                {"code": "INVALID_LOCATION", "field": ["input", "quantities", "0", "locationId"], "message": "bad"}
            ],
        },
        "other": None,
    }
    found = c.find_user_errors(data)
    assert found == [
        e.UserError("bad", ("input", "quantities", "0", "locationId"), "INVALID_LOCATION", "inventorySetQuantities")
    ]
    exc = e.UserErrorsError(found)
    assert "INVALID_LOCATION" in str(exc) and "input.quantities.0.locationId" in str(exc)
    assert c.find_user_errors({"x": {"userErrors": []}}) == []
    assert c.find_user_errors(None) == []
