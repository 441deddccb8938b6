"""The Shopify client against the sandbox over real HTTP: auth, scopes, throttling, faults, mutations."""

from __future__ import annotations

import logging
import time
import uuid
from decimal import Decimal
from typing import Any

import pytest

from shopops.shopify import RetryPolicy, ShopifyClient, errors, find_user_errors, operations

ORDERS_PAGE = """
query Orders($first: Int!, $after: String) {
  orders(first: $first, after: $after, sortKey: ID) {
    nodes { id name totalPriceSet { shopMoney { amount } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ORDER_CREATE = operations.load("OrderCreate")


def order_input(title: str) -> dict[str, Any]:
    return {
        "order": {
            "currency": "USD",
            "lineItems": [
                {"title": title, "quantity": 1, "priceSet": {"shopMoney": {"amount": "12.50", "currencyCode": "USD"}}}
            ],
        }
    }


def client_for(sb: Any, token: str | None = None, **kw: Any) -> ShopifyClient:
    kw.setdefault("retry", RetryPolicy.fast(max_retries=10))
    return ShopifyClient(sb.url, token or sb.token, **kw)


def read_all(client: ShopifyClient, page_size: int = 250) -> tuple[int, set[str], Decimal]:
    ids: set[str] = set()
    count, total = 0, Decimal(0)
    for node in client.paginate(ORDERS_PAGE, {"first": page_size}, path=("orders",)):
        count += 1
        ids.add(node["id"])
        total += Decimal(node["totalPriceSet"]["shopMoney"]["amount"])
    return count, ids, total


def test_get_shop_and_endpoint(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed="tiny")
    client = client_for(sb, log_mode="all")
    data = client.execute(operations.load("GetShop"))
    assert data["shop"]["name"]
    assert client.endpoint.endswith("/admin/api/2026-07/graphql.json")
    assert client.stats.calls == 1 and client.stats.requested_cost > 0


def test_bad_token_is_an_authentication_error_without_the_token(
    sandbox_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sb = sandbox_factory(seed="tiny")
    secret = "shpat_wrong_" + uuid.uuid4().hex
    entries: list[Any] = []
    client = client_for(sb, secret, log_mode="all", log_sink=entries.append)
    with caplog.at_level(logging.DEBUG, logger="shopops.shopify"), pytest.raises(errors.AuthenticationError) as exc:
        client.execute(operations.load("GetShop"))
    assert exc.value.status == 401
    assert secret not in str(exc.value) and secret not in repr(exc.value) and secret not in repr(client)
    assert secret not in caplog.text and secret not in repr(entries)
    assert entries and entries[0].request_id, "Shopify's X-Request-Id is kept in the log entry"
    assert client.stats.calls == 1, "401 is not retried"


def test_missing_scope_names_the_scope(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed="tiny")
    products_only = sb.shop.add_token(["read_products"])
    client = client_for(sb, products_only)
    with pytest.raises(errors.AccessDeniedError) as exc:
        client.execute(ORDERS_PAGE, {"first": 5})
    assert "read_orders" in str(exc.value)
    assert client.stats.calls == 1
    # the same token reads products fine
    assert client.execute(operations.load("GetProductVariants"), {"first": 5})["productVariants"] is not None


def test_max_cost_exceeded(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed="tiny")
    client = client_for(sb)
    with pytest.raises(errors.MaxCostExceededError) as exc:
        client.execute(operations.load("GetOrders"), {"first": 250, "lineItemsFirst": 250})
    assert exc.value.cost and exc.value.cost > 1000
    assert client.stats.calls == 1


def test_tiny_bucket_paced_without_throttled_storm(sandbox_factory: Any) -> None:
    # bucket 300, restore 600/s: a 25-order page (~77 points) fits 3 times, then the pacer must wait
    sb = sandbox_factory(seed={"orders": 400}, plan=(600.0, 300.0))
    client = client_for(sb)
    count, ids, _ = read_all(client, page_size=25)
    assert count == len(ids) == len(sb.state.table("Order"))
    assert client.stats.throttled <= 1, f"THROTTLED storm: {client.stats}"
    assert client.stats.throttle_waits >= 5, "the pacer should have waited for the bucket"


def test_paged_read_of_10k_orders_with_20_percent_faults_is_exact(big_sandbox: Any) -> None:
    sb = big_sandbox  # a roomy custom plan: this test is about faults, not pacing (see the tiny-bucket test)
    clean = client_for(sb)
    expected = read_all(clean)
    assert expected[0] == len(sb.state.table("Order")) == 10_000
    sb.faults.rate = 0.2
    sb.faults.slow_seconds = 0.3
    sb.faults.reseed(3)  # every fault kind within the first 40 pages, whatever drew from the plan before
    faulty = client_for(sb, timeout=(2.0, 0.15), retry=RetryPolicy.fast(max_retries=12))
    try:
        got = read_all(faulty)
    finally:
        sb.faults.rate = 0.0
    assert got == expected
    injected = sb.faults.injected
    assert injected >= 5, f"the plan should have injected faults: {injected}"
    # every injected fault costs one retry; a page slower than the read timeout under load may add one more
    assert faulty.stats.retries >= injected, f"{injected} faults should have been retried: {faulty.stats}"
    assert faulty.stats.errors == 0


def test_mutation_without_key_never_sent_twice(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed="tiny")
    orders_before = len(sb.state.table("Order"))
    # faults before execution: not applied, not resent
    sb.faults.rate, sb.faults.kinds = 1.0, ("http_503", "reset", "internal_error")
    client = client_for(sb)
    for _ in range(3):
        with pytest.raises(errors.MutationNotRetriedError):
            client.execute(ORDER_CREATE, order_input("never twice"))
    assert client.stats.calls == 3 and client.stats.retries == 0
    assert len(sb.state.table("Order")) == orders_before
    # the response is lost after the server applied it (read timeout): still sent exactly once
    sb.faults.kinds, sb.faults.slow_seconds = ("slow",), 0.4
    client = client_for(sb, timeout=(2.0, 0.1))
    with pytest.raises(errors.MutationNotRetriedError, match="may or may not"):
        client.execute(ORDER_CREATE, order_input("lost answer"))
    assert client.stats.calls == 1
    time.sleep(0.6)
    assert len(sb.state.table("Order")) == orders_before + 1


def test_idempotent_mutation_retried_with_the_same_key(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed="tiny")
    client = client_for(sb)
    level = client.execute(operations.load("GetInventoryItems"), {"first": 1})["inventoryItems"]["nodes"][0]
    item_id = level["id"]
    location_id = level["inventoryLevels"]["nodes"][0]["location"]["id"]
    sb.faults.rate, sb.faults.kinds = 0.5, ("http_500", "reset")
    sb.faults.reseed(3)
    data = client.execute(
        operations.load("InventorySetQuantities"),
        {
            "idempotencyKey": str(uuid.uuid4()),
            "input": {
                "name": "available",
                "reason": "correction",
                "referenceDocumentUri": "gid://shopops/Test/1",
                "quantities": [
                    {"inventoryItemId": item_id, "locationId": location_id, "quantity": 77, "changeFromQuantity": None}
                ],
            },
        },
    )
    assert data["inventorySetQuantities"]["userErrors"] == []
    sb.faults.rate = 0.0
    after = client.execute(operations.load("GetInventoryItems"), {"first": 1})["inventoryItems"]["nodes"][0]
    quantities = {q["name"]: q["quantity"] for q in after["inventoryLevels"]["nodes"][0]["quantities"]}
    assert quantities["available"] == 77


def test_user_errors_raised_or_returned(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed="tiny")
    client = client_for(sb)
    variables = {
        "idempotencyKey": str(uuid.uuid4()),
        "input": {
            "name": "available",
            "reason": "correction",
            "quantities": [
                {
                    "inventoryItemId": "gid://shopify/InventoryItem/999999",
                    "locationId": "gid://shopify/Location/999999",
                    "quantity": 1,
                    "changeFromQuantity": None,
                }
            ],
        },
    }
    with pytest.raises(errors.UserErrorsError) as exc:
        client.execute(operations.load("InventorySetQuantities"), variables)
    assert exc.value.user_errors[0].code
    variables["idempotencyKey"] = str(uuid.uuid4())
    data = client.execute(operations.load("InventorySetQuantities"), variables, user_errors="return")
    assert find_user_errors(data)
