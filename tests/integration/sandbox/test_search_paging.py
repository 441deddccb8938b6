"""Search filters, sort keys and cursor paging (forward, backward, edges and nodes)."""

from __future__ import annotations

from typing import Any

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def _all_orders(
    client: Client, query: str | None = None, sort: str | None = None, reverse: bool = False, first: int = 25
) -> list[dict[str, Any]]:
    out, after = [], None
    while True:
        page = client.data(
            docs.ORDERS_PAGE, {"first": first, "after": after, "query": query, "sortKey": sort, "reverse": reverse}
        )["orders"]
        out += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


def test_cursor_paging_visits_every_order_once(client: Client, sandbox: Sandbox) -> None:
    ids = [o["id"] for o in _all_orders(client, sort="ID")]
    assert ids == [o["id"] for o in sandbox.state.table("Order").values()]


def test_sort_keys_and_reverse(client: Client) -> None:
    by_updated = _all_orders(client, sort="UPDATED_AT", reverse=True, first=50)
    stamps = [o["updatedAt"] for o in by_updated]
    assert stamps == sorted(stamps, reverse=True)
    by_processed = [o["processedAt"] for o in _all_orders(client, first=50)]  # default PROCESSED_AT
    assert by_processed == sorted(by_processed)


def test_updated_at_filter_for_incremental_sync(client: Client, sandbox: Sandbox) -> None:
    orders = sorted(sandbox.state.table("Order").values(), key=lambda o: o["updatedAt"])
    cursor = orders[len(orders) // 2]["updatedAt"]
    found = _all_orders(client, query=f"updated_at:>'{cursor}'", sort="UPDATED_AT")
    assert found and all(o["updatedAt"] > cursor for o in found)
    expected = [o for o in sandbox.state.table("Order").values() if o["updatedAt"] > cursor]
    assert len(found) == len(expected)


def test_status_and_financial_and_fulfillment_filters(client: Client, sandbox: Sandbox) -> None:
    orders = list(sandbox.state.table("Order").values())
    cancelled = _all_orders(client, query="status:cancelled")
    assert {o["id"] for o in cancelled} == {o["id"] for o in orders if o["cancelledAt"]}
    open_ = _all_orders(client, query="status:open")
    assert all(not o["closed"] and not o["cancelledAt"] for o in open_)
    paid = _all_orders(client, query="financial_status:paid")
    assert paid and all(o["displayFinancialStatus"] == "PAID" for o in paid)
    unshipped = _all_orders(client, query="fulfillment_status:unshipped")
    assert unshipped and all(o["displayFulfillmentStatus"] == "UNFULFILLED" for o in unshipped)
    both = _all_orders(client, query="financial_status:paid AND fulfillment_status:shipped")
    assert all(o["displayFinancialStatus"] == "PAID" and o["displayFulfillmentStatus"] == "FULFILLED" for o in both)
    either = _all_orders(client, query="financial_status:pending OR financial_status:authorized")
    assert {o["displayFinancialStatus"] for o in either} == {"PENDING", "AUTHORIZED"}
    not_paid = _all_orders(client, query="-financial_status:paid")
    assert len(not_paid) + len(paid) == len(orders)


def test_id_range_created_at_and_email(client: Client, sandbox: Sandbox) -> None:
    orders = list(sandbox.state.table("Order").values())
    pivot = int(orders[40]["legacyResourceId"])
    ranged = _all_orders(client, query=f"id:>={pivot} id:<{pivot + 10}")
    assert [int(o["id"].rsplit("/", 1)[1]) for o in ranged] == list(range(pivot, pivot + 10))
    created = _all_orders(client, query="created_at:>=2026-10-01 created_at:<'2026-10-15T00:00:00Z'")
    assert created and all("2026-10-01" <= o["createdAt"] < "2026-10-15" for o in created)
    email = next(o["email"] for o in orders if o["email"])
    assert all(o["email"] == email for o in _all_orders(client, query=f'email:"{email}"'))


def test_sku_filter_on_orders_and_products(client: Client, sandbox: Sandbox) -> None:
    line = next(iter(sandbox.state.table("LineItem").values()))
    found = _all_orders(client, query=f"sku:{line['sku']}")
    assert line["orderId"] in {o["id"] for o in found}
    products = client.data(docs.PRODUCTS_PAGE, {"first": 5, "query": f"sku:{line['sku']}"})["products"]["edges"]
    assert [e["node"]["id"] for e in products] == [line["productId"]]


def test_backward_paging(client: Client, sandbox: Sandbox) -> None:
    page = client.data(docs.PRODUCTS_BACKWARD, {"last": 3})["products"]
    ids = [p["id"] for p in sandbox.state.table("Product").values()]
    assert [n["id"] for n in page["nodes"]] == ids[-3:]
    assert page["pageInfo"]["hasPreviousPage"] is True
    previous = client.data(docs.PRODUCTS_BACKWARD, {"last": 3, "before": page["pageInfo"]["startCursor"]})
    assert [n["id"] for n in previous["products"]["nodes"]] == ids[-6:-3]


def test_product_sort_by_title_and_status_filter(client: Client) -> None:
    edges = client.data(docs.PRODUCTS_PAGE, {"first": 6, "sortKey": "TITLE", "query": "status:active"})
    titles = [e["node"]["title"].lower() for e in edges["products"]["edges"]]
    assert titles == sorted(titles)
    assert all(e["node"]["status"] == "ACTIVE" for e in edges["products"]["edges"])
