"""sync-shipments' planning, without I/O: which fulfillment-order lines a posted shipment fulfils, and the
``fulfillmentCreate`` requests that follow (one per Shopify location, at most 250 line items each).

BC's rules (ShpfyExportShipments): a shipment line counts when it is an item line with a Shopify order
line id and a positive quantity; its quantity (rounded, Shopify counts whole units) is spread over the
fulfillment-order lines of the same **line item id** whose fulfillment order can still be fulfilled
(OPEN or IN_PROGRESS) and which have a remaining quantity; the picks are grouped per location, because
one ``fulfillmentCreate`` may only touch fulfillment orders of one order and one location.

Kept pure so the allocation can be read, tested and dry-run without a shop or a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shopops.erp import PostedShipment, ShippingAgent

#: Fulfillment-order statuses that can take a fulfillment (Shopify: fulfil the OPEN / IN_PROGRESS ones).
FULFILLABLE_STATUSES = frozenset({"OPEN", "IN_PROGRESS"})
#: Fulfillment orders waiting for a fulfillment service to accept them are not ours to fulfil.
AWAITING_ACCEPTANCE = frozenset({"SUBMITTED", "CANCELLATION_REQUESTED"})
#: Shopify's cap on input arrays; BC sends at most this many line items per request.
MAX_LINE_ITEMS_PER_REQUEST = 250


@dataclass
class FulfillmentOrderLine:
    """One line of a fulfillment order as Shopify shows it now (``remaining`` is what can still ship)."""

    fulfillment_order_id: str
    id: str
    line_item_id: str
    location_id: str
    status: str
    request_status: str
    total: int
    remaining: int

    @property
    def fulfillable(self) -> bool:
        """Whether this line can take a quantity in a fulfillment now."""
        return (
            self.status in FULFILLABLE_STATUSES
            and self.request_status not in AWAITING_ACCEPTANCE
            and self.remaining > 0
        )


@dataclass(frozen=True)
class Pick:
    """A quantity of one fulfillment-order line that this shipment fulfils."""

    fulfillment_order_id: str
    fulfillment_order_line_id: str
    line_item_id: str
    location_id: str
    quantity: int


@dataclass(frozen=True)
class Tracking:
    """What ``trackingInfo`` carries: company, number and URL (sent only with a number, as BC does)."""

    company: str
    number: str
    url: str

    def as_input(self) -> dict[str, str] | None:
        """The ``FulfillmentTrackingInput``, or None when the shipment has no tracking no."""
        if not self.number:
            return None
        out = {"number": self.number}
        if self.company:
            out["company"] = self.company
        if self.url:
            out["url"] = self.url
        return out


@dataclass
class FulfillmentRequest:
    """One ``fulfillmentCreate``: the picks of one location, with tracking and the notify flag."""

    location_id: str
    picks: list[Pick]
    tracking: Tracking
    notify_customer: bool
    result_id: int | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def quantity(self) -> int:
        """Units this request fulfils."""
        return sum(p.quantity for p in self.picks)

    def variables(self) -> dict[str, Any]:
        """The ``FulfillmentCreate`` variables."""
        by_fo: dict[str, list[dict[str, Any]]] = {}
        for p in self.picks:
            by_fo.setdefault(p.fulfillment_order_id, []).append(
                {"id": p.fulfillment_order_line_id, "quantity": p.quantity}
            )
        fulfillment: dict[str, Any] = {
            "lineItemsByFulfillmentOrder": [
                {"fulfillmentOrderId": fo, "fulfillmentOrderLineItems": items} for fo, items in by_fo.items()
            ],
            "notifyCustomer": self.notify_customer,
        }
        tracking = self.tracking.as_input()
        if tracking is not None:
            fulfillment["trackingInfo"] = tracking
        return {"fulfillment": fulfillment}


def parse_fulfillment_orders(nodes: Iterable[Mapping[str, Any]]) -> list[FulfillmentOrderLine]:
    """Flatten Shopify fulfillment-order nodes (with every page of their lines) into lines."""
    out: list[FulfillmentOrderLine] = []
    for fo in nodes:
        location = ((fo.get("assignedLocation") or {}).get("location") or {}).get("id") or ""
        for line in (fo.get("lineItems") or {}).get("nodes") or []:
            out.append(
                FulfillmentOrderLine(
                    fulfillment_order_id=str(fo["id"]),
                    id=str(line["id"]),
                    line_item_id=str((line.get("lineItem") or {}).get("id") or ""),
                    location_id=str(location),
                    status=str(fo.get("status") or ""),
                    request_status=str(fo.get("requestStatus") or ""),
                    total=int(line.get("totalQuantity") or 0),
                    remaining=int(line.get("remainingQuantity") or 0),
                )
            )
    return out


def line_item_gid(line_id: int) -> str:
    """The GID of an order line item from the numeric id kept on the shipment line."""
    return f"gid://shopify/LineItem/{line_id}"


def shipped_quantities(shipment: PostedShipment) -> dict[str, int]:
    """Units shipped per Shopify line item GID: item lines with a Shopify line id and a quantity > 0."""
    out: dict[str, int] = {}
    for line in shipment.lines:
        if line.type != "item" or not line.shopify_order_line_id or line.quantity <= 0:
            continue
        units = int(Decimal(line.quantity).to_integral_value(rounding=ROUND_HALF_UP))
        if units > 0:
            key = line_item_gid(line.shopify_order_line_id)
            out[key] = out.get(key, 0) + units
    return out


def allocate(wanted: Mapping[str, int], lines: Sequence[FulfillmentOrderLine]) -> tuple[list[Pick], dict[str, int]]:
    """Spread the shipped units over the fulfillable lines of the same line item, in Shopify's order.

    Returns the picks and what could not be placed per line item (nothing left to fulfil there).
    The ``remaining`` of the given lines is lowered as units are placed, so two shipments planned in a
    row against the same read do not take the same units.
    """
    picks: list[Pick] = []
    short: dict[str, int] = {}
    for line_item_id, units in wanted.items():
        left = units
        for fo_line in lines:
            if left <= 0:
                break
            if fo_line.line_item_id != line_item_id or not fo_line.fulfillable:
                continue
            take = min(left, fo_line.remaining)
            fo_line.remaining -= take
            left -= take
            picks.append(Pick(fo_line.fulfillment_order_id, fo_line.id, line_item_id, fo_line.location_id, take))
        if left > 0:
            short[line_item_id] = left
    return picks, short


def tracking_for(shipment: PostedShipment, agent: ShippingAgent | None) -> Tracking:
    """Company = the agent's Shopify tracking company, else its name, else its code; URL = the one
    posted on the shipment, else the agent's address with the number put in."""
    number = shipment.tracking_no.strip()
    company = agent.tracking_company if agent is not None else shipment.shipping_agent_code
    url = shipment.tracking_url or (agent.tracking_url(number) if agent is not None else "")
    return Tracking(company=company or "", number=number, url=url or "")


def requests_for(picks: Sequence[Pick], tracking: Tracking, notify_customer: bool) -> list[FulfillmentRequest]:
    """One request per location (in the order locations first appear), split at 250 line items."""
    by_location: dict[str, list[Pick]] = {}
    for p in picks:
        by_location.setdefault(p.location_id, []).append(p)
    out: list[FulfillmentRequest] = []
    for location, group in by_location.items():
        for start in range(0, len(group), MAX_LINE_ITEMS_PER_REQUEST):
            chunk = list(group[start : start + MAX_LINE_ITEMS_PER_REQUEST])
            out.append(FulfillmentRequest(location, chunk, tracking, notify_customer))
    return out


def remaining_by_line(lines: Iterable[FulfillmentOrderLine]) -> dict[str, int]:
    """Remaining quantity per fulfillment-order line id (a snapshot, before ``allocate`` lowers it)."""
    return {x.id: x.remaining for x in lines}


def applied(request: FulfillmentRequest, before: Mapping[str, int], after: Sequence[FulfillmentOrderLine]) -> str:
    """After an answer that never came: did Shopify apply ``request``? "yes", "no" or "unclear".

    Compares each picked line's remaining quantity in the read before the request and in a fresh read:
    lowered by exactly the picked units on every line is "yes", unchanged on every line is "no", and
    anything else (someone else fulfilled meanwhile) is "unclear", which must not be sent again blindly.
    """
    was = before
    now = remaining_by_line(after)
    drops = []
    for p in request.picks:
        if p.fulfillment_order_line_id not in was or p.fulfillment_order_line_id not in now:
            return "unclear"
        drops.append((was[p.fulfillment_order_line_id] - now[p.fulfillment_order_line_id], p.quantity))
    if all(drop == qty for drop, qty in drops):
        return "yes"
    if all(drop == 0 for drop, _qty in drops):
        return "no"
    return "unclear"
