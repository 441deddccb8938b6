"""``ordersCount`` with its precision, and the searches the backlog reader relies on: updated_at windows,
``status:open`` and ``id:1 OR id:2 OR ...`` with many ids, over real HTTP."""

from __future__ import annotations

from typing import Any

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def _all_orders(client: Client, query: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    after = None
    while True:
        page = client.data(docs.ORDERS_PAGE, {"first": 100, "after": after, "query": query})["orders"]
        out.extend(e["node"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


def _count(client: Client, query: str | None, **limit: int | None) -> dict[str, Any]:
    if limit:
        result: dict[str, Any] = client.data(docs.ORDERS_COUNT, {"query": query, **limit})["ordersCount"]
    else:
        result = client.data(docs.ORDERS_COUNT_DEFAULT_LIMIT, {"query": query})["ordersCount"]
    return result


def test_count_is_exact_under_the_limit_and_at_least_over_it(client: Client, sandbox: Sandbox) -> None:
    total = len(sandbox.state.table("Order"))
    assert _count(client, None) == {"count": total, "precision": "EXACT"}  # the default limit is 10,000
    assert _count(client, None, limit=10) == {"count": 10, "precision": "AT_LEAST"}
    assert _count(client, None, limit=total) == {"count": total, "precision": "EXACT"}
    assert client.data(docs.ORDERS_COUNT, {"query": None, "limit": None})["ordersCount"]["count"] == total


def test_an_updated_at_window_counts_what_orders_returns(client: Client, sandbox: Sandbox) -> None:
    stamps = sorted({o["updatedAt"] for o in sandbox.state.table("Order").values()})
    low, high = stamps[len(stamps) // 4], stamps[len(stamps) // 2]
    window = f"updated_at:>='{low}' updated_at:<'{high}'"
    listed = _all_orders(client, window)
    assert {o["updatedAt"] for o in listed} == {s for s in stamps if low <= s < high}  # >= and < at the edges
    assert _count(client, window) == {"count": len(listed), "precision": "EXACT"}
    open_listed = _all_orders(client, f"{window} status:open")
    assert all(not o["closed"] and not o["cancelledAt"] for o in open_listed)
    assert _count(client, f"{window} status:open")["count"] == len(open_listed) < len(listed)


def test_many_ids_joined_with_or(client: Client, sandbox: Sandbox) -> None:
    orders = sorted(sandbox.state.table("Order").values(), key=lambda o: int(o["legacyResourceId"]))
    wanted = orders[::2][:60]
    query = " OR ".join(f"id:{o['legacyResourceId']}" for o in wanted)
    assert {o["id"] for o in _all_orders(client, query)} == {o["id"] for o in wanted}
    assert _count(client, query) == {"count": 60, "precision": "EXACT"}
    gids = " OR ".join(f"id:{o['id']}" for o in wanted[:3])
    assert _count(client, gids)["count"] == 3


def test_count_needs_read_orders(client: Client, sandbox: Sandbox) -> None:
    token = sandbox.shop.add_token(["read_products"])
    body = client.run(docs.ORDERS_COUNT_DEFAULT_LIMIT, {"query": None}, token=token)
    assert body["data"]["ordersCount"] is None
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
