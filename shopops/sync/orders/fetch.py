"""Read one order in full from Shopify: the header query, then every further page of its lines,
fulfillment orders (and their lines) and refund lines, so that an order with 300 lines is complete.

Only API calls happen here; the caller holds no database transaction while this runs.
"""

from __future__ import annotations

from typing import Any

from shopops.shopify import operations

#: Lines read with the header; the rest is paged with ``SyncGetOrderLines``.
FIRST_LINES = 10
#: Page size of the follow-up line queries.
NEXT_LINES = 50


def _rest(client: Any, document: str, variables: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    nodes: list[Any] = []
    for page in client.pages(operations.load(document), variables, path=path):
        nodes.extend(page.nodes)
    return nodes


def _complete(connection: dict[str, Any] | None, fetch_rest: Any) -> None:
    """Append the remaining pages of a connection in place (``fetch_rest(end_cursor)`` returns nodes)."""
    if not connection:
        return
    info = connection.get("pageInfo") or {}
    if info.get("hasNextPage") and info.get("endCursor"):
        connection["nodes"] = list(connection.get("nodes") or []) + fetch_rest(info["endCursor"])
        connection["pageInfo"] = {"hasNextPage": False, "endCursor": None}


def fetch_order(client: Any, gid: str) -> dict[str, Any] | None:
    """The order ``gid`` with every connection fully paged; None when Shopify no longer has it."""
    order: dict[str, Any] | None = client.execute(
        operations.load("SyncGetOrder"), {"id": gid, "linesFirst": FIRST_LINES}
    )["order"]
    if order is None:
        return None
    _complete(
        order.get("lineItems"),
        lambda after: _rest(
            client, "SyncGetOrderLines", {"id": gid, "first": NEXT_LINES, "after": after}, ("order", "lineItems")
        ),
    )
    _complete(
        order.get("fulfillmentOrders"),
        lambda after: _rest(
            client,
            "GetOrderFulfillmentOrders",
            {"id": gid, "first": 5, "after": after, "lineItemsFirst": 25},
            ("order", "fulfillmentOrders"),
        ),
    )
    for fo in (order.get("fulfillmentOrders") or {}).get("nodes") or []:
        fo_id = fo["id"]
        _complete(
            fo.get("lineItems"),
            lambda after, fo_id=fo_id: _rest(
                client,
                "SyncGetFulfillmentOrderLines",
                {"id": fo_id, "first": 200, "after": after},
                ("fulfillmentOrder", "lineItems"),
            ),
        )
    for refund in order.get("refunds") or []:
        refund_id = refund["id"]
        _complete(
            refund.get("refundLineItems"),
            lambda after, refund_id=refund_id: _rest(
                client,
                "SyncGetRefundLines",
                {"id": refund_id, "first": NEXT_LINES, "after": after},
                ("node", "refundLineItems"),
            ),
        )
    return order
