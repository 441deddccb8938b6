"""The client's retry/raise decisions, with a scripted transport (no network)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from shopops.shopify import RetryPolicy, errors
from shopops.shopify.errors import TransportError

from .conftest import CONN_RESET, TOKEN, answer, ok

QUERY = "query GetShop { shop { name } }"
CREATE = "mutation C($i: CustomerInput!) { customerCreate(input: $i) { customer { id } userErrors { field message } } }"
SETQ = (
    "mutation S($input: InventorySetQuantitiesInput!, $k: String!) { inventorySetQuantities(input: $input) "
    "@idempotent(key: $k) { userErrors { code field message } } }"
)
THROTTLED = answer(
    {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {
            "cost": {
                "requestedQueryCost": 50,
                "actualQueryCost": None,
                "throttleStatus": {"maximumAvailable": 2000, "currentlyAvailable": 10, "restoreRate": 100},
            }
        },
    }
)


def test_returns_data_and_counts_cost(make_client: Any) -> None:
    client, fake = make_client([ok({"shop": {"name": "Demo"}}, requested=3, actual=2)])
    assert client.execute(QUERY) == {"shop": {"name": "Demo"}}
    assert fake.sent[0] == {"query": QUERY, "variables": {}}
    assert client.stats.calls == 1 and client.stats.requested_cost == 3 and client.stats.actual_cost == 2


def test_query_retried_through_faults(make_client: Any, sleeps: list[float]) -> None:
    client, fake = make_client(
        [
            CONN_RESET,
            answer("oops", status=502),
            THROTTLED,
            answer({"errors": [{"message": "x", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}),
            answer("slow down", status=429, headers={"Retry-After": "1"}),
            ok({"shop": {"name": "Demo"}}),
        ]
    )
    assert client.execute(QUERY)["shop"]["name"] == "Demo"
    assert len(fake.sent) == 6
    assert client.stats.retries == 5 and client.stats.throttled == 1 and client.stats.calls == 6
    assert 1.0 in sleeps  # Retry-After honoured
    assert 0.4 <= min(s for s in sleeps if s >= 0.4) <= 0.5  # THROTTLED: (50-10)/100 s + jitter


def test_mutation_without_key_is_never_sent_twice(make_client: Any) -> None:
    for failure in (CONN_RESET, answer("", status=503), THROTTLED):
        client, fake = make_client([failure, ok({"customerCreate": {"customer": {"id": "1"}, "userErrors": []}})])
        with pytest.raises(errors.MutationNotRetriedError, match="NOT sent again") as exc:
            client.execute(CREATE, {"i": {"email": "a@b.c"}})
        assert len(fake.sent) == 1
        assert exc.value.cause.retryable


def test_idempotent_mutation_retried_with_same_key(make_client: Any) -> None:
    client, fake = make_client([CONN_RESET, answer("", status=500), ok({"inventorySetQuantities": {"userErrors": []}})])
    variables = {"input": {"name": "available"}, "k": "key-1"}
    client.execute(SETQ, variables)
    assert len(fake.sent) == 3
    assert {p["variables"]["k"] for p in fake.sent} == {"key-1"}
    assert all(p["query"] == SETQ for p in fake.sent)


def test_retries_exhausted(make_client: Any) -> None:
    client, fake = make_client([answer("", status=503)] * 4, retry=RetryPolicy.fast(max_retries=3))
    with pytest.raises(errors.RetriesExhaustedError) as exc:
        client.execute(QUERY)
    assert len(fake.sent) == 4 and exc.value.attempts == 4
    assert isinstance(exc.value.last, errors.ServerError)
    assert client.stats.errors == 1


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, errors.AuthenticationError),
        (402, errors.PaymentRequiredError),
        (404, errors.NotFoundError),
        (423, errors.ShopLockedError),
    ],
)
def test_fatal_statuses_raise_at_once(make_client: Any, status: int, kind: type) -> None:
    client, fake = make_client([answer('{"errors":"no"}', status=status)])
    with pytest.raises(kind) as exc:
        client.execute(QUERY)
    assert len(fake.sent) == 1
    assert exc.value.status == status and exc.value.request_id == "req-1"


def test_user_errors_raise_or_return(make_client: Any) -> None:
    bad = {"customerCreate": {"customer": None, "userErrors": [{"field": ["input", "email"], "message": "taken"}]}}
    client, _ = make_client([ok(bad), ok(bad)])
    with pytest.raises(errors.UserErrorsError, match=r"input\.email"):
        client.execute(CREATE, {"i": {}})
    assert client.execute(CREATE, {"i": {}}, user_errors="return") == bad


def test_non_json_200_is_retried(make_client: Any) -> None:
    client, fake = make_client([answer("<html>proxy</html>"), ok({"shop": {"name": "x"}})])
    client.execute(QUERY)
    assert len(fake.sent) == 2


def test_pacer_waits_before_second_call(make_client: Any, sleeps: list[float]) -> None:
    client, _ = make_client(
        [
            ok({"shop": {}}, requested=500, actual=500, available=100),
            ok({"shop": {}}, requested=500, actual=500, available=0),
        ]
    )
    client.execute(QUERY)
    client.execute(QUERY)
    assert sleeps and 3.9 < sleeps[0] <= 4.02  # (500 + margin - 100) / 100, less the ms elapsed
    assert client.stats.throttle_waits == 1


def test_log_mode_errors_logs_failed_attempts_only(make_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    got: list[Any] = []
    client, _ = make_client([TransportError(f"reset by {TOKEN}"), ok({"shop": {}})], log_sink=got.append)
    with caplog.at_level(logging.DEBUG, logger="shopops.shopify"):
        client.execute(QUERY)
    assert [e.outcome for e in got] == ["retry"]
    assert TOKEN not in caplog.text and TOKEN not in repr(got)


def test_log_mode_all_and_off(make_client: Any) -> None:
    got: list[Any] = []
    client, _ = make_client([ok({"shop": {}})], log_mode="all", log_sink=got.append)
    client.execute(QUERY)
    assert len(got) == 1 and got[0].outcome == "ok" and got[0].request_id == "req-1"
    got.clear()
    client, _ = make_client([answer("", status=503), ok({"shop": {}})], log_mode="off", log_sink=got.append)
    client.execute(QUERY)
    assert got == []
