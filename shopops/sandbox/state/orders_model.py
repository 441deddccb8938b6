"""Orders as data: creating an order with its lines, fulfillment orders and transactions, and
recomputing totals and statuses after every change. Used by ``orderCreate`` and by seeding.

Money is Decimal, stored as MoneyBag dicts (shop and presentment currency) on the records.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shopops.sandbox.resolvers.common import bag
from shopops.sandbox.resolvers.inventory import adjust_available, level_of
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
ZERO = Decimal("0")
CENT = Decimal("0.01")


def rate(shop_currency: str, presentment: str) -> Decimal:
    """How many presentment units one shop-currency unit is worth."""
    return RATES.get(presentment, Decimal(1)) / RATES.get(shop_currency, Decimal(1))


def obag(order: Record, amount: Decimal) -> dict[str, Any]:
    """A MoneyBag in the order's currencies."""
    return bag(amount, order["currencyCode"], order["presentmentCurrencyCode"], order["_rate"])


def cents(value: Decimal) -> Decimal:
    """An amount rounded to the cent, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_current(line: Record, quantity: int | None = None) -> tuple[Decimal, Decimal]:
    """(subtotal after discounts, tax) of ``quantity`` units of a line (its current quantity by default),
    each rounded to the cent. A refund takes the difference between before and after, so the current
    totals and the refunds always add up to the original, as on Shopify."""
    qty = line["quantity"]
    cur = line["currentQuantity"] if quantity is None else quantity
    if not qty:
        return ZERO, ZERO
    subtotal = D(line["_price"]) * cur - cents(D(line["_discount"]) * cur / qty)
    tax = cents(sum((D(t["price"]) for t in line["_taxLines"]), ZERO) * cur / qty)
    return subtotal, tax


def D(value: Any) -> Decimal:
    """Decimal from a stored amount."""
    return Decimal(str(value)) if value not in (None, "") else ZERO


def new_line(state: ShopState, order: Record, spec: dict[str, Any]) -> Record:
    """A line item; ``spec``: variantId or title, quantity, price, discount, taxLines, giftCard."""
    variant = state.get(spec.get("variantId"), "ProductVariant")
    product = state.get(variant["productId"], "Product") if variant else None
    price = D(spec.get("price") if spec.get("price") is not None else (variant or {}).get("price"))
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
            "_discount": str(D(spec.get("discount"))),
            "_taxLines": list(spec.get("taxLines") or []),
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


def line_money(order: Record, line: Record) -> None:
    """Fill a line's MoneyBags and quantities from its stored figures."""
    price, qty, cur = D(line["_price"]), line["quantity"], line["currentQuantity"]
    discount = D(line["_discount"])
    per_unit_discount = (discount / qty) if qty else ZERO
    line["originalUnitPriceSet"] = obag(order, price)
    line["originalTotalSet"] = obag(order, price * qty)
    line["discountedUnitPriceSet"] = obag(order, price - per_unit_discount)
    line["discountedUnitPriceAfterAllDiscountsSet"] = line["discountedUnitPriceSet"]
    line["discountedTotalSet"] = obag(order, price * qty - discount)
    line["totalDiscountSet"] = obag(order, discount)
    line["originalUnitPrice"] = str(price)
    line["taxLines"] = [dict(t, priceSet=obag(order, D(t["price"]))) for t in line["_taxLines"]]
    line["discountAllocations"] = (
        [{"allocatedAmountSet": obag(order, discount), "discountApplication": order["discountApplications"][0]}]
        if discount and order["discountApplications"]
        else []
    )
    line["fulfillableQuantity"] = max(cur - line["_fulfilled"], 0) if line["requiresShipping"] else 0
    line["unfulfilledQuantity"] = line["fulfillableQuantity"]
    line["refundableQuantity"] = cur
    line["nonFulfillableQuantity"] = line["quantity"] - cur
    line["fulfillmentStatus"] = "fulfilled" if line["_fulfilled"] >= cur and cur else "unfulfilled"


def recompute(state: ShopState, order: Record) -> None:
    """Totals, MoneyBags and display statuses of an order after any change; moves updatedAt."""
    lines = [ln for ln in (state.get(g, "LineItem") for g in order["lineItemIds"]) if ln]
    for line in lines:
        line_money(order, line)
    subtotal = sum((D(ln["_price"]) * ln["quantity"] - D(ln["_discount"]) for ln in lines), ZERO)
    current_subtotal = sum((line_current(ln)[0] for ln in lines), ZERO)
    shipping = sum((D(s["_price"]) for s in order["shippingLines"]), ZERO)
    for s in order["shippingLines"]:
        s["originalPriceSet"] = s["discountedPriceSet"] = s["currentDiscountedPriceSet"] = obag(order, D(s["_price"]))
        s["taxLines"] = [dict(t, priceSet=obag(order, D(t["price"]))) for t in s.get("_taxLines", [])]
    # Shopify's "current" amounts leave out what was removed (refunded lines and shipping), not money paid back
    refunds = [r for r in (state.get(g, "Refund") for g in order.get("refundIds", [])) if r]
    current_shipping = max(shipping - sum((D(r.get("_shipping")) for r in refunds), ZERO), ZERO)
    taxes = [t for ln in lines for t in ln["_taxLines"]] + [
        t for s in order["shippingLines"] for t in s.get("_taxLines", [])
    ]
    tax_total = sum((D(t["price"]) for t in taxes), ZERO)
    # the tax still owed: each line's tax in proportion to what is left of it, and all shipping tax
    current_tax = sum((line_current(ln)[1] for ln in lines), ZERO)
    shipping_tax = sum((D(t["price"]) for s in order["shippingLines"] for t in s.get("_taxLines", [])), ZERO)
    current_tax += (shipping_tax * current_shipping / shipping).quantize(Decimal("0.01")) if shipping else ZERO
    discounts = sum((D(ln["_discount"]) for ln in lines), ZERO)
    tip = D(order.get("_tip"))
    total = subtotal + shipping + tax_total + tip
    txs = [t for t in (state.get(g, "OrderTransaction") for g in order["transactionIds"]) if t]
    ok = [t for t in txs if t["status"] == "SUCCESS"]
    received = sum((D(t["_amount"]) for t in ok if t["kind"] in ("SALE", "CAPTURE")), ZERO)
    refunded = sum((D(t["_amount"]) for t in ok if t["kind"] == "REFUND"), ZERO)
    authorized = sum((D(t["_amount"]) for t in ok if t["kind"] == "AUTHORIZATION"), ZERO)
    by_title: dict[tuple[str, str], Decimal] = {}
    for t in taxes:
        key = (t["title"], str(t["rate"]))
        by_title[key] = by_title.get(key, ZERO) + D(t["price"])
    order["taxLines"] = [
        {
            "title": k[0],
            "rate": float(k[1]),
            "ratePercentage": float(k[1]) * 100,
            "price": str(v),
            "priceSet": obag(order, v),
            "channelLiable": False,
        }
        for k, v in by_title.items()
    ]
    order["currentTaxLines"] = order["taxLines"]
    for name, amount in (
        ("subtotalPriceSet", subtotal),
        ("currentSubtotalPriceSet", current_subtotal),
        ("totalShippingPriceSet", shipping),
        ("currentShippingPriceSet", current_shipping),
        ("totalTaxSet", tax_total),
        ("currentTotalTaxSet", current_tax),
        ("totalDiscountsSet", discounts),
        ("currentTotalDiscountsSet", discounts),
        ("cartDiscountAmountSet", ZERO),
        ("totalPriceSet", total),
        ("originalTotalPriceSet", total),
        ("currentTotalPriceSet", current_subtotal + current_shipping + current_tax + tip),
        ("totalReceivedSet", received),
        ("totalRefundedSet", refunded),
        ("netPaymentSet", received - refunded),
        ("totalTipReceivedSet", tip),
        ("totalOutstandingSet", max(total - received, ZERO)),
        ("totalCapturableSet", authorized),
    ):
        order[name] = obag(order, amount)
    order["totalPrice"] = str(total)
    order["subtotalLineItemsQuantity"] = sum(ln["quantity"] for ln in lines)
    order["currentSubtotalLineItemsQuantity"] = sum(ln["currentQuantity"] for ln in lines)
    if order.get("_financialOverride"):
        status = order["_financialOverride"]
    elif order.get("cancelledAt") and refunded == 0 and received == 0:
        status = "VOIDED"
    elif refunded and refunded >= received:
        status = "REFUNDED"
    elif refunded:
        status = "PARTIALLY_REFUNDED"
    elif received >= total and total > 0:
        status = "PAID"
    elif received > 0:
        status = "PARTIALLY_PAID"
    elif authorized > 0:
        status = "AUTHORIZED"
    else:
        status = "PAID" if total == 0 else "PENDING"
    order["displayFinancialStatus"] = status
    shippable = [ln for ln in lines if ln["requiresShipping"] and ln["currentQuantity"]]
    done = sum(min(ln["_fulfilled"], ln["currentQuantity"]) for ln in shippable)
    need = sum(ln["currentQuantity"] for ln in shippable)
    if need and done >= need:
        order["displayFulfillmentStatus"] = "FULFILLED"
    elif done:
        order["displayFulfillmentStatus"] = "PARTIALLY_FULFILLED"
    else:
        order["displayFulfillmentStatus"] = "UNFULFILLED"
    order["fullyPaid"] = received >= total
    order["unpaid"] = received == 0 and total > 0
    order["fulfillable"] = bool(need and done < need) and not order.get("cancelledAt")
    order["refundable"] = received > refunded
    order["canMarkAsPaid"] = status in ("PENDING", "PARTIALLY_PAID", "AUTHORIZED")
    order["capturable"] = authorized > 0
    order["totalTipReceived"] = {"amount": str(tip), "currencyCode": order["currencyCode"]}


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
            "taxesIncluded": False,
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
        order["shippingLines"].append(
            {
                "id": f"gid://shopify/ShippingLine/{order['number']}{i}",
                "title": ship["title"],
                "code": ship.get("code") or ship["title"],
                "source": ship.get("source") or "shopify",
                "_price": str(D(ship["price"])),
                "_taxLines": list(ship.get("taxLines") or []),
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
