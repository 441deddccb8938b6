"""Read orders in full: the per-order query (the baseline, as BC reads), and the follow-up pages every read
path shares, so that an order with 300 lines or 12 refunds is complete whichever path read its first page.

Only API calls happen here; the caller holds no database transaction while this runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from shopops.shopify import operations
from shopops.shopify.query_cost import MAX_QUERY_COST, requested_cost

#: Lines read with the header; the rest is paged with ``SyncGetOrderLines``.
FIRST_LINES = 10
#: Page size of the follow-up line queries.
NEXT_LINES = 50
#: Refund lines read with each refund by ``SyncGetRefunds``; the rest is paged with ``SyncGetRefundLines``.
REFUND_LINES = 10


def _rest(client: Any, document: str, variables: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    nodes: list[Any] = []
    for page in client.pages(operations.load(document), variables, path=path):
        nodes.extend(page.nodes)
    return nodes


def _pager(client: Any, document: str, variables: dict[str, Any], path: tuple[str, ...]) -> Callable[[str], list[Any]]:
    """``fetch_rest`` for ``_complete``: the pages of ``document`` after a cursor."""
    return lambda after: _rest(client, document, {**variables, "after": after}, path)


def _complete(connection: dict[str, Any] | None, fetch_rest: Callable[[str], list[Any]]) -> None:
    """Append the remaining pages of a connection in place (``fetch_rest(end_cursor)`` returns nodes)."""
    if not connection:
        return
    info = connection.get("pageInfo") or {}
    if info.get("hasNextPage") and info.get("endCursor"):
        connection["nodes"] = list(connection.get("nodes") or []) + fetch_rest(info["endCursor"])
        connection["pageInfo"] = {"hasNextPage": False, "endCursor": None}


def complete_order(client: Any, order: dict[str, Any]) -> dict[str, Any]:
    """Read the further pages of an order's lines, shipping lines, fulfillment orders (and their lines) and
    refund lines into ``order`` in place; returns it."""
    gid = order["id"]
    line_pages = _pager(client, "SyncGetOrderLines", {"id": gid, "first": NEXT_LINES}, ("order", "lineItems"))
    _complete(order.get("lineItems"), line_pages)
    shipping = ("order", "shippingLines")
    _complete(order.get("shippingLines"), _pager(client, "SyncGetOrderShippingLines", {"id": gid}, shipping))
    fo_path = ("order", "fulfillmentOrders")
    fo_pages = _pager(client, "SyncGetOrderFulfillmentOrders", {"id": gid, "first": 5, "linesFirst": 25}, fo_path)
    _complete(order.get("fulfillmentOrders"), fo_pages)
    for fo in (order.get("fulfillmentOrders") or {}).get("nodes") or []:
        fo_lines = ("fulfillmentOrder", "lineItems")
        pages = _pager(client, "SyncGetFulfillmentOrderLines", {"id": fo["id"], "first": 200}, fo_lines)
        _complete(fo.get("lineItems"), pages)
    for refund in order.get("refunds") or []:
        variables = {"id": refund["id"], "first": NEXT_LINES}
        pages = _pager(client, "SyncGetRefundLines", variables, ("node", "refundLineItems"))
        _complete(refund.get("refundLineItems"), pages)
    return order


@cache
def refunds_per_call() -> int:
    """How many refunds one ``SyncGetRefunds`` call may ask for under the cost limit."""
    one = requested_cost(operations.load("SyncGetRefunds"), {"ids": ["x"], "linesFirst": REFUND_LINES})
    return max(1, MAX_QUERY_COST // one)


def add_refund_lines(client: Any, orders: Iterable[dict[str, Any]]) -> None:
    """Give the refunds of ``orders`` (read as a list without their connections) their first page of lines
    and shipping lines, many refunds a call; ``complete_order`` reads any further pages."""
    refunds = {r["id"]: r for order in orders for r in order.get("refunds") or [] if "refundLineItems" not in r}
    ids = list(refunds)
    size = refunds_per_call()
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        data = client.execute(operations.load("SyncGetRefunds"), {"ids": chunk, "linesFirst": REFUND_LINES})
        for node in data.get("nodes") or []:
            if node and node.get("id") in refunds:
                refunds[node["id"]]["refundShippingLines"] = node.get("refundShippingLines") or {"nodes": []}
                refunds[node["id"]]["refundLineItems"] = node.get("refundLineItems") or {"nodes": []}
    for refund in refunds.values():  # a refund Shopify no longer answers for: no lines rather than a guess
        refund.setdefault("refundShippingLines", {"nodes": []})
        refund.setdefault("refundLineItems", {"nodes": []})


def fetch_order(client: Any, gid: str) -> dict[str, Any] | None:
    """The order ``gid`` with every connection fully paged; None when Shopify no longer has it."""
    order: dict[str, Any] | None = client.execute(
        operations.load("SyncGetOrder"), {"id": gid, "linesFirst": FIRST_LINES}
    )["order"]
    if order is None:
        return None
    return complete_order(client, order)
