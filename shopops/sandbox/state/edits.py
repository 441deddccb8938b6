"""Order edits as data: a staged edit of an order (Shopify's CalculatedOrder), what it would make of
the order's lines and sums, and committing it.

A session stores only the changes: the new quantity of an existing line (with the wish to restock)
and the variants added (each with a LineItem number reserved up front, so that the
``gid://shopify/CalculatedLineItem/N`` a client stages is the ``LineItem/N`` the commit makes; an
existing line's calculated id carries the line's own number). :func:`staged` prices those changes
with the rules of :mod:`~shopops.sandbox.state.order_totals`, :func:`commit` applies them:

* a lowered line keeps its LineItem; its ``currentQuantity`` goes down and so do its fulfillment
  order lines (units already fulfilled cannot be removed);
* a raised line keeps its unit price, discount and taxes per unit; the extra units join an open
  fulfillment order line of it, or a new fulfillment order;
* an added variant becomes a new LineItem at the variant's price, taxed at the order's rates (those of
  its first taxed line), on a new fulfillment order;
* the order is ``edited``, its sums are recomputed and ``updatedAt`` moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopops.sandbox.resolvers.inventory import adjust_available
from shopops.sandbox.state import orders_model as om
from shopops.sandbox.state.order_totals import Sums, cents, money_moves, order_sums
from shopops.sandbox.state.store import Record, ShopState, gid, parse_gid

SESSION_TYPES = ("CalculatedOrder", "OrderEditSession")


def new_session(state: ShopState, order: Record) -> Record:
    """Begin an edit of ``order``: a CalculatedOrder with no changes yet."""
    return state.insert(
        "CalculatedOrder",
        {"orderId": order["id"], "committed": False, "_quantities": {}, "_added": [], "_version": 0},
    )


def find_session(state: ShopState, session_id: str | None) -> Record | None:
    """The session a CalculatedOrder or OrderEditSession global ID names (they share their number)."""
    parsed = parse_gid(session_id)
    if parsed is None or parsed[0] not in SESSION_TYPES:
        return None
    return state.table("CalculatedOrder").get(parsed[1])


def calculated_line_id(num: int) -> str:
    """The CalculatedLineItem global ID of a line number."""
    return gid("CalculatedLineItem", num)


def order_tax_rates(state: ShopState, order: Record) -> list[dict[str, Any]]:
    """The tax lines an added line gets: the titles and rates of the order's first taxed line, unpriced."""
    for line_id in order["lineItemIds"]:
        line = state.get(line_id, "LineItem")
        if line and line["_taxLines"]:
            return [{"title": t["title"], "rate": t["rate"], "price": None} for t in line["_taxLines"]]
    return []


def grown(line: Record, quantity: int) -> Record:
    """A copy of a line raised to ``quantity`` current units: the same unit price, and its discount and
    taxes per unit, for the extra units too."""
    delta = quantity - line["currentQuantity"]
    before, after = line["quantity"], line["quantity"] + delta
    copy = dict(line, quantity=after, currentQuantity=quantity)
    copy["_discount"] = str(cents(om.D(line["_discount"]) * after / before))
    copy["_taxLines"] = [dict(t, price=str(cents(om.D(t["price"]) * after / before))) for t in line["_taxLines"]]
    return copy


def _added_spec(state: ShopState, order: Record, added: dict[str, Any]) -> dict[str, Any]:
    variant = state.get(added["variantId"], "ProductVariant") or {}
    product = state.get(variant.get("productId"), "Product") or {}
    return {
        "variantId": added["variantId"],
        "quantity": added["quantity"],
        "taxLines": order_tax_rates(state, order) if variant.get("taxable", True) else [],
        "giftCard": bool(product.get("isGiftCard")),
    }


def added_line(state: ShopState, order: Record, added: dict[str, Any]) -> Record:
    """The line an added variant would be (not stored), with its calculated id."""
    line = om.line_record(state, order, _added_spec(state, order, added))
    line["id"] = calculated_line_id(added["num"])
    return line


@dataclass(frozen=True)
class Staged:
    """An order as its edit would leave it."""

    order: Record
    existing: list[tuple[Record, Record]]  # (stored line, staged copy)
    added: list[tuple[dict[str, Any], Record]]  # (the session's entry, staged line)
    sums: Sums
    received: Decimal
    refunded: Decimal


def staged(state: ShopState, session: Record) -> Staged:
    """Price a session's changes with the order's own rules, without storing anything."""
    order = state.get(session["orderId"], "Order")
    assert order is not None
    open_edit = not session["committed"]  # a committed edit is in the order already
    quantities: dict[str, Any] = session["_quantities"] if open_edit else {}
    existing = []
    for line_id in order["lineItemIds"]:
        line = state.get(line_id, "LineItem")
        if line is None:
            continue
        change = quantities.get(line["id"])
        copy = dict(line)
        if change is not None and change["quantity"] < line["currentQuantity"]:
            copy["currentQuantity"] = change["quantity"]
        elif change is not None and change["quantity"] > line["currentQuantity"]:
            copy = grown(line, change["quantity"])
        existing.append((line, copy))
    added = [(entry, added_line(state, order, entry)) for entry in session["_added"] if open_edit]
    money = money_moves(state, order)
    lines = [copy for _line, copy in existing] + [line for _entry, line in added]
    sums = order_sums(order, lines, money.refunds)
    return Staged(order, existing, added, sums, money.received, money.refunded)


def staged_changes(state: ShopState, session: Record) -> list[dict[str, Any]]:
    """The session's changes as OrderStagedChange values (none once committed)."""
    changes: list[dict[str, Any]] = []
    if session["committed"]:
        return changes
    for line_id, change in session["_quantities"].items():
        line = state.get(line_id, "LineItem") or {}
        delta = change["quantity"] - line.get("currentQuantity", 0)
        kind = "OrderStagedChangeIncrementItem" if delta > 0 else "OrderStagedChangeDecrementItem"
        entry = {"__typename": kind, "delta": abs(delta), "lineItemId": line_id, "restock": change["restock"]}
        changes.append(entry)
    for entry in session["_added"]:
        changes.append(
            {
                "__typename": "OrderStagedChangeAddVariant",
                "quantity": entry["quantity"],
                "variantId": entry["variantId"],
                "_num": entry["num"],
            }
        )
    return [
        dict(c, id=f"gid://shopify/OrderStagedChange/{session['legacyResourceId']}{i}") for i, c in enumerate(changes)
    ]


def below_fulfilled(state: ShopState, session: Record) -> str | None:
    """A staged quantity that is now below what its line has fulfilled (fulfilled since it was staged)."""
    for line_id, change in session["_quantities"].items():
        line = state.get(line_id, "LineItem")
        if line is not None and change["quantity"] < min(line["_fulfilled"], line["currentQuantity"]):
            return line_id
    return None


def commit(state: ShopState, session: Record) -> Record:
    """Apply a session's changes to its order (see the module docstring); returns the order."""
    order = state.get(session["orderId"], "Order")
    assert order is not None
    now = state.now()
    for line_id, change in session["_quantities"].items():
        line = state.get(line_id, "LineItem")
        if line is None:
            continue
        delta = change["quantity"] - line["currentQuantity"]
        if delta < 0:
            line["currentQuantity"] = change["quantity"]
            for fo, units in om.reduce_fulfillment_orders(state, order, line, -delta):
                if change["restock"]:
                    _restock(state, line, change.get("locationId") or fo["assignedLocationId"], units)
        elif delta > 0:
            line.update(grown(line, change["quantity"]))
            _add_units(state, order, line, delta, now)
        state.touch(line)
    for entry in session["_added"]:
        line = om.new_line(state, order, _added_spec(state, order, entry), now, entry["num"])
        order["lineItemIds"].append(line["id"])
        where = entry.get("locationId")
        om.open_fulfillment_orders(state, order, [(line, entry["quantity"])], location_id=where, stamp=now)
    session["committed"] = True
    order["edited"] = True
    om.recompute(state, order)
    state.touch(order)
    return order


def _restock(state: ShopState, line: Record, location_id: str, units: int) -> None:
    """Removed units that are restocked stop being committed and are available again."""
    variant = state.get(line.get("variantId"), "ProductVariant") or {}
    item = state.get(variant.get("inventoryItemId"), "InventoryItem")
    if item is not None:
        adjust_available(state, item, location_id, units, committed=-units)


def _add_units(state: ShopState, order: Record, line: Record, units: int, stamp: str) -> None:
    """Extra units of a line join its open fulfillment order line, else a new fulfillment order."""
    for fo_id in order["fulfillmentOrderIds"]:
        fo = state.get(fo_id, "FulfillmentOrder")
        if fo is None or fo["status"] not in ("OPEN", "IN_PROGRESS"):
            continue
        for item in fo["_lineItems"]:
            if item["lineItemId"] == line["id"]:
                item["totalQuantity"] += units
                item["remainingQuantity"] += units
                variant = state.get(line.get("variantId"), "ProductVariant") or {}
                inventory = state.get(variant.get("inventoryItemId"), "InventoryItem")
                if inventory is not None:
                    adjust_available(state, inventory, fo["assignedLocationId"], 0, committed=units)
                state.touch(fo)
                return
    om.open_fulfillment_orders(state, order, [(line, units)], stamp=stamp)
