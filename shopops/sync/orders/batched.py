"""Batched reads (increments): the staged orders many at a time, as Tryton re-reads open orders.

One ``SyncGetOrders`` query asks for several orders by id (``query: "id:1 OR id:2"``) with the first page of
every connection; how many fit is computed from the query's requested cost (under Shopify's 1,000), not
set as a constant. Then only the few orders that need more are read further: their next pages of lines,
shipping lines and fulfillment orders; the lines of their refunds, many refunds a call; and a second
read with longer lists for an order that filled its list of transactions or refunds.

    for order_id, raw in read_orders(client, [1001, 1002, 1003]):
        ...   # raw is the order as SyncGetOrder answers it (every connection complete), or None when gone
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from shopops.shopify import operations
from shopops.shopify.query_cost import largest_first
from shopops.sync.orders.fetch import add_refund_lines, complete_order, fetch_order
from shopops.sync.orders.parse import order_gid
from shopops.sync.values import shopify_id

#: The nested page sizes of a batch (the typical order: a few lines, one shipping line, one fulfillment
#: order, a payment or two); an order with more gets its further pages read.
NESTED = {
    "linesFirst": 5,
    "shippingFirst": 1,
    "transactionsFirst": 5,
    "foFirst": 2,
    "foLinesFirst": 5,
    "refundsFirst": 10,
}
#: The lists an order that filled them is read again with: transactions and refunds have no next page.
LONG_LISTS = {"transactionsFirst": 100, "refundsFirst": 60}
#: Orders per search at most (a long ``id:`` search is slow for Shopify to parse).
MAX_IDS = 50


def batch_size(nested: dict[str, int] | None = None) -> int:
    """How many orders one ``SyncGetOrders`` query may ask for with these nested page sizes."""
    return _fitting(tuple(sorted((nested or NESTED).items())))


@cache
def _fitting(nested: tuple[tuple[str, int], ...]) -> int:
    return max(1, min(MAX_IDS, largest_first(operations.load("SyncGetOrders"), {"query": "", **dict(nested)})))


def _filled_a_list(order: dict[str, Any], nested: dict[str, int]) -> bool:
    return (
        len(order.get("transactions") or []) >= nested["transactionsFirst"]
        or len(order.get("refunds") or []) >= nested["refundsFirst"]
    )


def _search(order_ids: Sequence[int]) -> str:
    return " OR ".join(f"id:{i}" for i in order_ids)


def read_orders(client: Any, order_ids: Sequence[int]) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Each of ``order_ids`` in full, in batches; ``None`` for an order Shopify no longer has."""
    document = operations.load("SyncGetOrders")
    size = batch_size()
    for start in range(0, len(order_ids), size):
        chunk = list(order_ids[start : start + size])
        data = client.execute(document, {"first": len(chunk), "query": _search(chunk), **NESTED})
        found = {shopify_id(node["id"]): node for node in data["orders"]["nodes"]}
        ready: list[tuple[int, dict[str, Any] | None]] = []
        for order_id in chunk:
            order = found.get(order_id)
            if order is None:  # not in the search (gone, or the index is behind): ask for it by id
                ready.append((order_id, fetch_order(client, order_gid(order_id))))
                continue
            if _filled_a_list(order, NESTED):
                longer = {**NESTED, **LONG_LISTS}
                again = client.execute(document, {"first": 1, "query": _search([order_id]), **longer})["orders"]
                order = (again["nodes"] or [order])[0]
            ready.append((order_id, order))
        add_refund_lines(client, [order for _, order in ready if order is not None])
        for order_id, order in ready:
            yield order_id, None if order is None else complete_order(client, order)
