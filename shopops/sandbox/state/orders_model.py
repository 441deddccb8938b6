"""Orders as data: creating an order with its lines, fulfillment orders and transactions. Used by
``orderCreate``, order edits and seeding; the sums and statuses after every change are
:mod:`shopops.sandbox.state.order_totals`'s (re-exported here as ``recompute``, ``obag``, ``D``).

Money is Decimal, stored as MoneyBag dicts (shop and presentment currency) on the records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopops.sandbox.resolvers.inventory import adjust_available, level_of
from shopops.sandbox.state.order_totals import ZERO as ZERO
from shopops.sandbox.state.order_totals import D as D
from shopops.sandbox.state.order_totals import obag as obag
from shopops.sandbox.state.order_totals import price_taxes
from shopops.sandbox.state.order_totals import recompute as recompute
from shopops.sandbox.state.store import Record, ShopState

#: Units of each currency per US dollar (for presentment amounts of multi-currency orders).
RATES: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "CAD": Decimal("1.36"),
    "DKK": Decimal("6.88"),
    "AUD": Decimal("1.52"),
    "SEK": Decimal("10.6"),
    "JPY": Decimal("151"),
}


def rate(shop_currency: str, presentment: str) -> Decimal:
    """How many presentment units one shop-currency unit is worth."""
    return RATES.get(presentment, Decimal(1)) / RATES.get(shop_currency, Decimal(1))


def line_record(state: ShopState, order: Record, spec: dict[str, Any]) -> Record:
    """A line item not yet stored; ``spec``: variantId or title, quantity, price, discount, taxLines,
    giftCard. (An order edit prices staged lines with it before anything is committed.)

    Tax lines without a price are priced from their rate on the line after its discount, as net or
    gross prices want it (the order's ``taxesIncluded``)."""
    variant = state.get(spec.get("variantId"), "ProductVariant")
    product = state.get(variant["productId"], "Product") if variant else None
    price = D(spec.get("price") if spec.get("price") is not None else (variant or {}).get("price"))
    discount = D(spec.get("discount"))
    taxes = price_taxes(
        list(spec.get("taxLines") or []), price * int(spec["quantity"]) - discount, order["taxesIncluded"]
    )
    return {
        "orderId": order["id"],
        "variantId": variant["id"] if variant else None,
        "productId": product["id"] if product else None,
        "title": spec.get("title") or (product or {}).get("title") or "Custom item",
        "variantTitle": (variant or {}).get("title") if variant else spec.get("variantTitle"),
        "name": spec.get("title") or (product or {}).get("title") or "Custom item",
        "sku": spec.get("sku") or (variant or {}).get("sku"),
        "vendor": (product or {}).get("vendor"),
        "quantity": int(spec["quantity"]),
        "currentQuantity": int(spec["quantity"]),
        "_price": str(price),
        "_discount": str(discount),
        "_taxLines": taxes,
        "customAttributes": list(spec.get("properties") or []),
        "requiresShipping": spec.get("requiresShipping", variant is not None) and not spec.get("giftCard"),
        "isGiftCard": bool(spec.get("giftCard")),
        "taxable": spec.get("taxable", True),
        "_fulfilled": 0,
        "_discountCode": spec.get("discountCode"),
    }


def new_line(
    state: ShopState, order: Record, spec: dict[str, Any], stamp: str | None = None, num: int | None = None
) -> Record:
    """Store a line item of ``order`` (see :func:`line_record`); ``num`` is an id reserved earlier."""
    return state.insert("LineItem", line_record(state, order, spec), stamp or order["createdAt"], num)


def new_transaction(
    state: ShopState,
    order: Record,
    kind: str,
    amount: Decimal,
    gateway: str,
    status: str = "SUCCESS",
    parent: str | None = None,
    stamp: str | None = None,
) -> Record:
    """Record a payment transaction on an order."""
    tx = state.insert(
        "OrderTransaction",
        {
            "orderId": order["id"],
            "kind": kind,
            "status": status,
            "gateway": gateway,
            "formattedGateway": gateway.replace("_", " ").title(),
            "_amount": str(amount),
            "amountSet": obag(order, amount),
            "parentTransactionId": parent,
            "test": order.get("test", False),
            "processedAt": stamp or order["processedAt"],
            "paymentId": f"pay-{state.sequences['OrderTransaction']}",
            "authorizationCode": "AUTH1234" if kind in ("AUTHORIZATION", "SALE") else None,
        },
        stamp or order["processedAt"],
    )
    order["transactionIds"].append(tx["id"])
    return tx


def assign_location(state: ShopState, line: Record) -> str:
    """The location a line ships from: the first stocking it, else the first active location."""
    locations = [loc for loc in state.table("Location").values() if loc.get("isActive", True)]
    variant = state.get(line.get("variantId"), "ProductVariant")
    item = state.get((variant or {}).get("inventoryItemId"), "InventoryItem")
    if item is not None:
        for loc in locations:
            level = level_of(state, item, loc["id"])
            if level is not None and level["quantities"].get("available", 0) >= line["quantity"]:
                return str(loc["id"])
        for loc in locations:
            if level_of(state, item, loc["id"]) is not None:
                return str(loc["id"])
    return str(locations[0]["id"]) if locations else ""


def create_fulfillment_orders(state: ShopState, order: Record, decrement: bool = False) -> None:
    """Split shippable lines into one OPEN fulfillment order per assigned location."""
    lines = [ln for ln in (state.get(g, "LineItem") for g in order["lineItemIds"]) if ln]
    open_fulfillment_orders(state, order, [(ln, ln["quantity"]) for ln in lines], decrement)


def open_fulfillment_orders(
    state: ShopState,
    order: Record,
    picks: list[tuple[Record, int]],
    decrement: bool = False,
    location_id: str | None = None,
    stamp: str | None = None,
) -> list[Record]:
    """OPEN fulfillment orders for (line, quantity) picks: one per location (``location_id``, else the
    location each shippable line is assigned to); the stock is committed, and taken from available
    when ``decrement``. Returns the new fulfillment orders."""
    groups: dict[str, list[tuple[Record, int]]] = {}
    for line, quantity in picks:
        if line["requiresShipping"] and quantity > 0:
            groups.setdefault(location_id or assign_location(state, line), []).append((line, quantity))
    made = []
    for where, lines in groups.items():
        location = state.get(where, "Location") or {}
        items = []
        for line, quantity in lines:
            variant = state.get(line.get("variantId"), "ProductVariant") or {}
            items.append(fulfillment_order_line(state, line, quantity))
            item = state.get(variant.get("inventoryItemId"), "InventoryItem")
            if item is not None:
                adjust_available(state, item, where, -quantity if decrement else 0, committed=quantity)
        fo = state.insert(
            "FulfillmentOrder",
            {
                "orderId": order["id"],
                "orderName": order["name"],
                "orderProcessedAt": order["processedAt"],
                "status": "OPEN",
                "requestStatus": "UNSUBMITTED",
                "assignedLocationId": where,
                "assignedLocation": {
                    "name": location.get("name"),
                    "locationId": where,
                    **(location.get("address") or {}),
                },
                "destination": order.get("shippingAddress"),
                "_lineItems": items,
                "fulfillmentIds": [],
            },
            stamp or order["createdAt"],
        )
        order["fulfillmentOrderIds"].append(fo["id"])
        made.append(fo)
    return made


def fulfillment_order_line(state: ShopState, line: Record, quantity: int) -> Record:
    """A fulfillment order's line for ``quantity`` units of an order line."""
    _num, fgid = state.next_id("FulfillmentOrderLineItem")
    variant = state.get(line.get("variantId"), "ProductVariant") or {}
    return {
        "id": fgid,
        "lineItemId": line["id"],
        "totalQuantity": quantity,
        "remainingQuantity": quantity,
        "sku": line.get("sku"),
        "variantId": line.get("variantId"),
        "productTitle": line["title"],
        "variantTitle": line.get("variantTitle"),
        "vendor": line.get("vendor"),
        "inventoryItemId": variant.get("inventoryItemId"),
        "requiresShipping": True,
    }


def reduce_fulfillment_orders(state: ShopState, order: Record, line: Record, quantity: int) -> list[tuple[Record, int]]:
    """Take ``quantity`` units of a line off its fulfillment orders (what is still to be fulfilled);
    a fulfillment order with nothing left closes. Returns (fulfillment order, units taken) pairs."""
    left, taken = quantity, []
    for fo_id in order["fulfillmentOrderIds"]:
        fo = state.get(fo_id, "FulfillmentOrder")
        if fo is None:
            continue
        for item in fo["_lineItems"]:
            if item["lineItemId"] == line["id"] and left:
                take = min(item["remainingQuantity"], left)
                item["remainingQuantity"] -= take
                item["totalQuantity"] -= take
                left -= take
                if take:
                    taken.append((fo, take))
        if fo["status"] in ("OPEN", "IN_PROGRESS") and all(i["remainingQuantity"] == 0 for i in fo["_lineItems"]):
            fo["status"] = "CLOSED"
        state.touch(fo)
    return taken


def new_order(state: ShopState, spec: dict[str, Any], stamp: str | None = None) -> Record:
    """Create an order from a normalised spec (see ``orders.order_spec_from_input``)."""
    currency = state.info.currency
    presentment = spec.get("presentmentCurrency") or currency
    number = len(state.table("Order")) + 1001
    order = state.insert(
        "Order",
        {
            "name": spec.get("name") or f"#{number}",
            "number": number,
            "email": spec.get("email"),
            "phone": spec.get("phone"),
            "customerId": spec.get("customerId"),
            "currencyCode": currency,
            "presentmentCurrencyCode": presentment,
            "_rate": str(rate(currency, presentment)),
            "note": spec.get("note"),
            "tags": list(spec.get("tags") or []),
            "test": bool(spec.get("test")),
            "sourceName": spec.get("sourceName") or "web",
            "customAttributes": list(spec.get("customAttributes") or []),
            "billingAddress": spec.get("billingAddress"),
            "shippingAddress": spec.get("shippingAddress"),
            "closed": False,
            "closedAt": None,
            "cancelledAt": None,
            "cancelReason": None,
            "confirmed": True,
            "lineItemIds": [],
            "shippingLines": [],
            "discountApplications": [],
            "discountCodes": [],
            "transactionIds": [],
            "fulfillmentOrderIds": [],
            "fulfillmentIds": [],
            "refundIds": [],
            "_tip": str(D(spec.get("tip"))),
            "taxesIncluded": bool(spec.get("taxesIncluded")),
            "edited": False,
            "_financialOverride": spec.get("financialStatus"),
        },
        stamp,
    )
    order["processedAt"] = spec.get("processedAt") or order["createdAt"]
    for code in spec.get("discountCodes") or []:
        order["discountCodes"].append(code["code"])
        order["discountCode"] = code["code"]
        order["discountApplications"].append(
            {
                "__typename": "DiscountCodeApplication",
                "code": code["code"],
                "index": len(order["discountApplications"]),
                "allocationMethod": "ACROSS",
                "targetSelection": "ALL",
                "targetType": code.get("target", "LINE_ITEM"),
                "value": (
                    {"__typename": "PricingPercentageValue", "percentage": float(code["percentage"])}
                    if code.get("percentage") is not None
                    else {"__typename": "MoneyV2", "amount": str(D(code.get("amount"))), "currencyCode": currency}
                ),
            }
        )
    for line_spec in spec.get("lineItems") or []:
        order["lineItemIds"].append(new_line(state, order, line_spec)["id"])
    for i, ship in enumerate(spec.get("shippingLines") or []):
        price, discount = D(ship["price"]), D(ship.get("discount"))
        order["shippingLines"].append(
            {
                "id": f"gid://shopify/ShippingLine/{order['number']}{i}",
                "title": ship["title"],
                "code": ship.get("code") or ship["title"],
                "source": ship.get("source") or "shopify",
                "_price": str(price),
                "_discount": str(discount),
                "_taxLines": price_taxes(list(ship.get("taxLines") or []), price - discount, order["taxesIncluded"]),
                "custom": False,
            }
        )
    order["shippingLine"] = order["shippingLines"][0] if order["shippingLines"] else None
    for tx in spec.get("transactions") or []:
        new_transaction(
            state,
            order,
            tx.get("kind") or "SALE",
            D(tx["amount"]),
            tx.get("gateway") or "manual",
            tx.get("status") or "SUCCESS",
        )
    create_fulfillment_orders(state, order, decrement=bool(spec.get("decrementInventory")))
    recompute(state, order)
    return order


def order_matches_status(order: Record, value: str) -> bool:
    """The ``status:`` search key (open, closed, cancelled, not_closed, any)."""
    value = value.lower()
    if value == "any":
        return True
    if value == "cancelled":
        return bool(order.get("cancelledAt"))
    if value == "closed":
        return bool(order.get("closed"))
    if value in ("open", "not_closed"):
        return not order.get("closed") and (value == "not_closed" or not order.get("cancelledAt"))
    return False
