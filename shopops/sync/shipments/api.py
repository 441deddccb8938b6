"""sync-shipments' calls to Shopify: read an order's fulfillment orders fresh, send one ``fulfillmentCreate``,
and settle a request whose answer never came without ever fulfilling twice.

``fulfillmentCreate`` has no idempotency support in 2026-07 (the ``@idempotent`` directive validates on
any field, but Shopify honours it only on mutations whose description says so, and this one's does not),
so the client never retries it: a timeout, reset or 5xx raises ``MutationNotRetriedError`` and the
request may or may not have been applied. :func:`settle` then waits for a request still in flight to
land, re-reads the fulfillment orders and decides from the remaining quantities:

* lowered by exactly the request's units: it was applied; the fulfillment is looked up and its id kept;
* unchanged: it was not applied; it is sent once more (and a second unknown outcome is an error);
* anything else: someone else fulfilled meanwhile; an error for a person to check, nothing is resent.

No database transaction is open while any of this runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shopops.shopify import operations
from shopops.shopify.classify import find_user_errors
from shopops.shopify.errors import MutationNotRetriedError, ShopifyError
from shopops.sync.shipments.plan import FulfillmentOrderLine, FulfillmentRequest, applied, parse_fulfillment_orders
from shopops.sync.values import shopify_id

#: Fulfillment orders per page and lines per fulfillment order in the first read (cost about 530 points).
FULFILLMENT_ORDERS_FIRST = 5
LINES_FIRST = 50
#: Page size for the further lines of a long fulfillment order.
MORE_LINES_FIRST = 200
#: Seconds to wait after an unknown outcome before re-reading, so that a request still being processed
#: by Shopify has landed (longer than Shopify's own request timeout would be safer still).
SETTLE_SECONDS = 5.0


@dataclass(frozen=True)
class SendOutcome:
    """What one request came to: a fulfillment id, or an error text (Shopify's own message)."""

    fulfillment_id: int | None = None
    error: str | None = None
    how: str = "created"  # created, user_error, found_after_timeout, resent_after_timeout, unclear, failed


def read_fulfillment_orders(client: Any, order_gid: str) -> list[FulfillmentOrderLine] | None:
    """Every line of every fulfillment order of the order, as Shopify shows it now; None if the order
    is gone. Long fulfillment orders are paged to the end."""
    nodes: list[dict[str, Any]] = []
    variables = {"id": order_gid, "first": FULFILLMENT_ORDERS_FIRST, "lineItemsFirst": LINES_FIRST}
    found = False
    for page in client.pages(
        operations.load("GetOrderFulfillmentOrders"), variables, path=("order", "fulfillmentOrders")
    ):
        found = True
        nodes.extend(page.nodes)
    if not found:
        return None
    for fo in nodes:
        lines = fo.get("lineItems") or {}
        info = lines.get("pageInfo") or {}
        if info.get("hasNextPage") and info.get("endCursor"):
            more = client.paginate(
                operations.load("SyncGetFulfillmentOrderLines"),
                {"id": fo["id"], "first": MORE_LINES_FIRST, "after": info["endCursor"]},
                path=("fulfillmentOrder", "lineItems"),
            )
            fo["lineItems"] = {"nodes": [*(lines.get("nodes") or []), *more]}
    return parse_fulfillment_orders(nodes)


def create(client: Any, request: FulfillmentRequest) -> SendOutcome:
    """Send one ``fulfillmentCreate``; userErrors come back as the outcome's error (the run goes on).

    ``MutationNotRetriedError`` (the outcome is unknown) is left to the caller, who settles it.
    """
    data = client.execute(operations.load("FulfillmentCreate"), request.variables(), user_errors="return")
    errors = find_user_errors(data)
    payload = (data or {}).get("fulfillmentCreate") or {}
    fulfillment = payload.get("fulfillment")
    if errors or not fulfillment:
        message = "; ".join(e.message for e in errors) or "Fulfillment was not created in Shopify"
        return SendOutcome(error=message, how="user_error")
    return SendOutcome(fulfillment_id=shopify_id(fulfillment["id"]))


def find_fulfillment(client: Any, request: FulfillmentRequest, known: set[int]) -> int | None:
    """The newest fulfillment of the request's fulfillment orders whose line items and quantities are
    the request's and whose id no shipment holds yet; None when there is none."""
    wanted: dict[str, int] = {}
    for p in request.picks:
        wanted[p.line_item_id] = wanted.get(p.line_item_id, 0) + p.quantity
    for fo_id in dict.fromkeys(p.fulfillment_order_id for p in request.picks):
        data = client.execute(operations.load("ShipmentFulfillmentOrderFulfillments"), {"id": fo_id})
        nodes = ((data.get("fulfillmentOrder") or {}).get("fulfillments") or {}).get("nodes") or []
        for node in nodes:
            got: dict[str, int] = {}
            for item in (node.get("fulfillmentLineItems") or {}).get("nodes") or []:
                key = str((item.get("lineItem") or {}).get("id") or "")
                got[key] = got.get(key, 0) + int(item.get("quantity") or 0)
            number = shopify_id(node["id"])
            if got == wanted and number is not None and number not in known:
                return number
    return None


def settle(
    client: Any,
    order_gid: str,
    request: FulfillmentRequest,
    before: Mapping[str, int],
    known: set[int],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> SendOutcome:
    """Decide the fate of a request whose answer never came, and finish it without fulfilling twice."""
    sleep(SETTLE_SECONDS)
    after = read_fulfillment_orders(client, order_gid) or []
    verdict = applied(request, before, after)
    if verdict == "yes":
        found = find_fulfillment(client, request, known)
        if found is None:
            return SendOutcome(
                error="Shopify applied the fulfillment but it could not be found; check the order in Shopify",
                how="unclear",
            )
        return SendOutcome(fulfillment_id=found, how="found_after_timeout")
    if verdict == "unclear":
        return SendOutcome(
            error="the answer to fulfillmentCreate never came and the order changed meanwhile; "
            "check the order's fulfillments in Shopify, then reset the shipment",
            how="unclear",
        )
    try:
        outcome = create(client, request)
    except MutationNotRetriedError as exc:
        return SendOutcome(
            error=f"fulfillmentCreate failed twice with no answer ({exc.cause}); check Shopify, then reset",
            how="unclear",
        )
    except ShopifyError as exc:
        return SendOutcome(error=str(exc), how="failed")
    return outcome if outcome.error else SendOutcome(fulfillment_id=outcome.fulfillment_id, how="resent_after_timeout")
