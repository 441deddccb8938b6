"""Seeded orders: discounts, shipping, taxes, tips, gift-card payments, presentment currencies, full
and partial fulfilment, refunds, cancellations and closed orders (see :mod:`shopops.sandbox.state.seed`).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from shopops.sandbox.resolvers.fulfillments import create_fulfillment
from shopops.sandbox.state import orders_model as om
from shopops.sandbox.state.store import Record, ShopState, iso

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
COUNTRIES = [
    ("US", "United States", "New York", "10001", Decimal("0.08")),
    ("DK", "Denmark", "Aarhus", "8000", Decimal("0.25")),
    ("DE", "Germany", "Hamburg", "20095", Decimal("0.19")),
    ("GB", "United Kingdom", "Leeds", "LS1 1UR", Decimal("0.20")),
    ("CA", "Canada", "Toronto", "M5H 2N2", Decimal("0.13")),
]
CURRENCY_BY_COUNTRY = {"US": "USD", "DK": "DKK", "DE": "EUR", "GB": "GBP", "CA": "CAD"}
SHIPPING = [
    ("Standard", "STANDARD", Decimal("4.95")),
    ("Express", "EXPRESS", Decimal("14.95")),
    ("Free shipping", "FREE", Decimal("0")),
]
CARRIERS = ["UPS", "USPS", "FedEx", "DHL Express", "PostNord DK", "GLS"]


def stamp_before(rng: random.Random, max_days: int, min_days: int = 0) -> str:
    return iso(ANCHOR - timedelta(days=rng.uniform(min_days, max_days), seconds=rng.randint(0, 3600)))


def later(stamp: str, rng: random.Random, max_days: float) -> str:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(days=rng.uniform(0.01, max_days))
    return iso(min(moment, ANCHOR))


def seed_orders(state: ShopState, rng: random.Random, count: int, customers: list[Record]) -> None:
    """Orders with the whole range of states a sync must handle."""
    variants = [v for v in state.table("ProductVariant").values()]
    if not variants:
        return
    for i in range(count):
        stamp = iso(ANCHOR - timedelta(days=120 * (count - i) / max(count, 1), seconds=rng.randint(0, 600)))
        state.fixed_now = stamp
        customer = rng.choice(customers) if customers and rng.random() < 0.9 else None
        address = (customer or {}).get("defaultAddress") or {"countryCodeV2": "US"}
        code = address.get("countryCodeV2") or "US"
        tax_rate = next((c[4] for c in COUNTRIES if c[0] == code), Decimal("0.08"))
        presentment = CURRENCY_BY_COUNTRY.get(code, "USD") if rng.random() < 0.35 else state.info.currency
        lines = []
        for v in rng.sample(variants, min(len(variants), rng.randint(1, 4))):
            qty = rng.randint(1, 3)
            product = state.get(v["productId"], "Product") or {}
            tax = (Decimal(v["price"]) * qty * tax_rate).quantize(Decimal("0.01"))
            lines.append(
                {
                    "variantId": v["id"],
                    "quantity": qty,
                    "giftCard": bool(product.get("isGiftCard")),
                    "requiresShipping": not product.get("isGiftCard"),
                    "taxLines": [
                        {"title": "VAT" if code != "US" else "Sales tax", "rate": str(tax_rate), "price": str(tax)}
                    ],
                }
            )
        codes = []
        if rng.random() < 0.2:
            pct = rng.choice([10, 15, 20])
            codes.append({"code": f"SAVE{pct}", "percentage": pct})
            for line in lines:
                price = Decimal((state.get(line["variantId"], "ProductVariant") or {})["price"])
                line["discount"] = (price * line["quantity"] * pct / 100).quantize(Decimal("0.01"))
                # Shopify taxes what the customer pays: the line after its discount
                taxed = price * line["quantity"] - line["discount"]
                for tax_line in line["taxLines"]:
                    tax_line["price"] = str((taxed * Decimal(tax_line["rate"])).quantize(Decimal("0.01")))
        ship = rng.choice(SHIPPING)
        spec: dict[str, Any] = {
            "lineItems": lines,
            "customerId": (customer or {}).get("id"),
            "email": (customer or {}).get("email") or (f"guest{i}@example.net" if rng.random() < 0.8 else None),
            "presentmentCurrency": presentment,
            "discountCodes": codes,
            "processedAt": stamp,
            "shippingAddress": address if customer else None,
            "billingAddress": address if customer else None,
            "shippingLines": [
                {
                    "title": ship[0],
                    "code": ship[1],
                    "price": ship[2],
                    "taxLines": [
                        {
                            "title": "Shipping tax",
                            "rate": str(tax_rate),
                            "price": str((ship[2] * tax_rate).quantize(Decimal("0.01"))),
                        }
                    ],
                }
            ]
            if rng.random() < 0.85
            else [],
            "tip": Decimal(rng.choice([1, 2, 5])) if rng.random() < 0.05 else 0,
            "sourceName": "web",
            "customAttributes": [{"key": "gift_message", "value": "Happy birthday!"}] if rng.random() < 0.15 else [],
            "tags": ["wholesale"] if rng.random() < 0.05 else [],
            "test": rng.random() < 0.01,
        }
        order = om.new_order(state, spec, stamp)
        if customer is not None:
            customer["_orderIds"].append(order["id"])
        _pay_and_progress(state, rng, order, stamp)
    state.fixed_now = None


def _pay_and_progress(state: ShopState, rng: random.Random, order: Record, stamp: str) -> None:
    total = om.D(order["totalPriceSet"]["shopMoney"]["amount"])
    roll = rng.random()
    gateway = "shopify_payments" if rng.random() < 0.7 else rng.choice(["paypal", "manual", "bogus"])
    if roll < 0.05:
        pass  # pending (bank transfer not received)
    elif roll < 0.10:
        om.new_transaction(state, order, "AUTHORIZATION", total, gateway)
    elif roll < 0.15 and total > 20:
        om.new_transaction(state, order, "SALE", Decimal("20.00"), "gift_card")
        om.new_transaction(state, order, "SALE", total - 20, gateway)
    else:
        om.new_transaction(state, order, "SALE", total, gateway)
    om.recompute(state, order)
    paid = order["displayFinancialStatus"] == "PAID"
    progress = rng.random()
    if paid and progress < 0.04:  # cancelled with refund
        state.fixed_now = later(stamp, rng, 2)
        order["cancelledAt"], order["cancelReason"] = state.fixed_now, rng.choice(["CUSTOMER", "INVENTORY", "FRAUD"])
        order["closed"], order["closedAt"] = True, state.fixed_now
        for fo_id in order["fulfillmentOrderIds"]:
            fo = state.get(fo_id, "FulfillmentOrder")
            if fo is not None:
                fo["status"] = "CANCELLED"
                for item in fo["_lineItems"]:
                    item["remainingQuantity"] = 0
        om.new_transaction(state, order, "REFUND", total, "manual", stamp=state.fixed_now)
        om.recompute(state, order)
        order["updatedAt"] = state.fixed_now
        return
    if not paid or progress > 0.70:
        return
    state.fixed_now = later(stamp, rng, 4)
    partial = progress < 0.14
    for fo_id in list(order["fulfillmentOrderIds"]):
        fo = state.get(fo_id, "FulfillmentOrder")
        if fo is None:
            continue
        items = fo["_lineItems"][:1] if partial and len(fo["_lineItems"]) > 1 else fo["_lineItems"]
        picks = [(fo, it, it["remainingQuantity"]) for it in items if it["remainingQuantity"]]
        if picks:
            carrier = rng.choice(CARRIERS)
            create_fulfillment(
                state,
                order,
                fo["assignedLocationId"],
                picks,
                {"company": carrier, "number": f"1Z{rng.randrange(10**9, 10**10)}"},
                [fo],
            )
        if partial:
            break
    if progress < 0.21:  # a refund of one unit
        lines = [state.get(g, "LineItem") for g in order["lineItemIds"]]
        line = next((ln for ln in lines if ln and ln["currentQuantity"]), None)
        if line is not None:
            state.fixed_now = later(state.fixed_now, rng, 10)
            unit = om.D(line["_price"]) - om.D(line["_discount"]) / line["quantity"]
            # as on Shopify, returning a unit refunds its share of the line's tax too
            line_tax = sum((om.D(t["price"]) for t in line["_taxLines"]), om.ZERO)
            unit_tax = (line_tax / line["quantity"]).quantize(om.D("0.01"))
            line["currentQuantity"] -= 1
            tx = om.new_transaction(state, order, "REFUND", unit + unit_tax, "manual", stamp=state.fixed_now)
            refund = state.insert(
                "Refund",
                {
                    "orderId": order["id"],
                    "note": "Customer return",
                    "processedAt": state.fixed_now,
                    "_lineItems": [
                        {
                            "id": f"gid://shopify/RefundLineItem/{line['legacyResourceId']}",
                            "lineItemId": line["id"],
                            "quantity": 1,
                            "restockType": "RETURN",
                            "restocked": True,
                            "priceSet": om.obag(order, unit),
                            "subtotalSet": om.obag(order, unit),
                            "totalTaxSet": om.obag(order, unit_tax),
                            "locationId": None,
                        }
                    ],
                    "_transactionIds": [tx["id"]],
                    # a refund's total is the money its transactions moved: the unit and its tax
                    "totalRefundedSet": om.obag(order, unit + unit_tax),
                    "totalRefunded": {"amount": str(unit + unit_tax), "currencyCode": order["currencyCode"]},
                    "_shipping": "0",
                },
                state.fixed_now,
            )
            order["refundIds"].append(refund["id"])
            om.recompute(state, order)
    elif progress > 0.5:
        order["closed"], order["closedAt"] = True, later(state.fixed_now, rng, 5)
    order["updatedAt"] = state.fixed_now
