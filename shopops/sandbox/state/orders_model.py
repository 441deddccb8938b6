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


def new_line(state: ShopState, order: Record, spec: dict[str, Any]) -> Record:
    """A line item; ``spec``: variantId or title, quantity, price, discount, taxLines, giftCard.

    Tax lines without a price are priced from their rate on the line after its discount, as net or
    gross prices want it (the order's ``taxesIncluded``)."""
    variant = state.get(spec.get("variantId"), "ProductVariant")
    product = state.get(variant["productId"], "Product") if variant else None
    price = D(spec.get("price") if spec.get("price") is not None else (variant or {}).get("price"))
    discount = D(spec.get("discount"))
    taxes = price_taxes(
        list(spec.get("taxLines") or []), price * int(spec["quantity"]) - discount, order["taxesIncluded"]
    )
    line = state.insert(
        "LineItem",
        {
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
        },
        order["createdAt"],
    )
    return line


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
    groups: dict[str, list[Record]] = {}
    for gid_ in order["lineItemIds"]:
        line = state.get(gid_, "LineItem")
        if line and line["requiresShipping"]:
            groups.setdefault(assign_location(state, line), []).append(line)
    for location_id, lines in groups.items():
        location = state.get(location_id, "Location") or {}
        items = []
        for line in lines:
            _num, fgid = state.next_id("FulfillmentOrderLineItem")
            variant = state.get(line.get("variantId"), "ProductVariant") or {}
            items.append(
                {
                    "id": fgid,
                    "lineItemId": line["id"],
                    "totalQuantity": line["quantity"],
                    "remainingQuantity": line["quantity"],
                    "sku": line.get("sku"),
                    "variantId": line.get("variantId"),
                    "productTitle": line["title"],
                    "variantTitle": line.get("variantTitle"),
                    "vendor": line.get("vendor"),
                    "inventoryItemId": variant.get("inventoryItemId"),
                    "requiresShipping": True,
                }
            )
            item = state.get(variant.get("inventoryItemId"), "InventoryItem")
            if item is not None:
                adjust_available(
                    state, item, location_id, -line["quantity"] if decrement else 0, committed=line["quantity"]
                )
        fo = state.insert(
            "FulfillmentOrder",
            {
                "orderId": order["id"],
                "orderName": order["name"],
                "orderProcessedAt": order["processedAt"],
                "status": "OPEN",
                "requestStatus": "UNSUBMITTED",
                "assignedLocationId": location_id,
                "assignedLocation": {
                    "name": location.get("name"),
                    "locationId": location_id,
                    **(location.get("address") or {}),
                },
                "destination": order.get("shippingAddress"),
                "_lineItems": items,
                "fulfillmentIds": [],
            },
            order["createdAt"],
        )
        order["fulfillmentOrderIds"].append(fo["id"])


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
