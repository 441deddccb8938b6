"""An order's money as Shopify reports it: line and shipping figures, taxes, and the order-level sums.

Amounts are Decimal and every rounding is to the cent, half up (a line's shares of its discount and
taxes, and taxes computed from a rate). A line stores its unit price, the discount allocated to the
whole line and its tax lines, all for ``quantity`` (which includes removed and refunded units, as on
Shopify); what is left of a line (``currentQuantity``) takes its share of the discount and the taxes.

``taxesIncluded`` decides what a price means. Without it prices are net and the taxes come on top:
``totalPrice = subtotal + shipping + tax + tip``. With it prices, the subtotal and shipping already hold
their taxes, which are the part of the price ``price * rate / (1 + rate)``, and the total adds none.

:func:`order_sums` is pure (lines in, sums out), so that an order edit can price its staged lines
with the same rules before anything is committed; :func:`recompute` writes the sums onto an order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shopops.sandbox.resolvers.common import bag
from shopops.sandbox.state.store import Record, ShopState

ZERO = Decimal("0")
CENT = Decimal("0.01")


def D(value: Any) -> Decimal:
    """Decimal from a stored amount."""
    return Decimal(str(value)) if value not in (None, "") else ZERO


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def obag(order: Record, amount: Decimal) -> dict[str, Any]:
    """A MoneyBag in the order's currencies."""
    return bag(amount, order["currencyCode"], order["presentmentCurrencyCode"], order["_rate"])


def amount_of(money_bag: dict[str, Any] | None) -> Decimal:
    """The shop-currency amount of a stored MoneyBag."""
    return D(((money_bag or {}).get("shopMoney") or {}).get("amount"))


def price_taxes(tax_lines: list[dict[str, Any]], base: Decimal, included: bool) -> list[dict[str, Any]]:
    """Tax lines with a price each: a given price is kept, a missing one is computed from the rate on
    ``base`` (the amount taxed, after discounts): ``base * rate`` on top of a net price, or the part of
    a gross price ``base * rate / (1 + sum of the rates)`` when taxes are included."""
    rates = sum((D(t["rate"]) for t in tax_lines), ZERO)
    out = []
    for t in tax_lines:
        if t.get("price") is None:
            share = base * D(t["rate"]) / (1 + rates) if included else base * D(t["rate"])
            t = dict(t, price=str(cents(share)))
        out.append(t)
    return out


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` in cents in proportion to ``weights``; the last weighted part takes the rest."""
    whole = sum(weights, ZERO)
    if not weights or whole == 0:
        return [ZERO for _ in weights]
    last = max(i for i, w in enumerate(weights) if w)
    parts = [cents(total * w / whole) if i != last else ZERO for i, w in enumerate(weights)]
    parts[last] = total - sum(parts, ZERO)
    return parts


def line_total(line: Record) -> Decimal:
    """What a line comes to over its whole quantity, after its discount (gross when taxes are included)."""
    return D(line["_price"]) * line["quantity"] - D(line["_discount"])


def share(amount: Decimal, line: Record) -> Decimal:
    """The part of a whole-line amount that belongs to the line's current quantity."""
    qty = line["quantity"]
    return cents(amount * line["currentQuantity"] / qty) if qty else ZERO


def current_line_tax(line: Record) -> Decimal:
    """The taxes of a line's current quantity: each tax line's share on its own, as the order's current tax
    lines count them (so what a refund takes off is exactly what the current total tax drops by)."""
    return sum((share(D(t["price"]), line) for t in line["_taxLines"]), ZERO)


def current_line_total(line: Record) -> Decimal:
    """What is left of a line: its current quantity at its price, less its share of the discount."""
    return D(line["_price"]) * line["currentQuantity"] - share(D(line["_discount"]), line)


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


def shipping_money(order: Record, ship: Record) -> None:
    """Fill a shipping line's MoneyBags (its prices include its taxes when the order's do)."""
    original, discounted = D(ship["_price"]), D(ship["_price"]) - D(ship.get("_discount"))
    ship["originalPriceSet"] = obag(order, original)
    ship["discountedPriceSet"] = ship["currentDiscountedPriceSet"] = obag(order, discounted)
    ship["taxLines"] = [dict(t, priceSet=obag(order, D(t["price"]))) for t in ship.get("_taxLines", [])]
    ship["discountAllocations"] = (
        [
            {"allocatedAmountSet": obag(order, D(ship["_discount"])), "discountApplication": application}
            for application in order["discountApplications"]
            if application.get("targetType") == "SHIPPING_LINE"
        ][:1]
        if D(ship.get("_discount"))
        else []
    )


@dataclass(frozen=True)
class Sums:
    """The order-level amounts of one order (shop currency)."""

    subtotal: Decimal
    current_subtotal: Decimal
    shipping: Decimal
    shipping_discount: Decimal
    current_shipping: Decimal
    tax: Decimal
    current_tax: Decimal
    discounts: Decimal
    current_discounts: Decimal
    cart_discount: Decimal
    total: Decimal
    current_total: Decimal
    refunds_accounted: Decimal
    tax_lines: list[tuple[str, str, Decimal]]
    current_tax_lines: list[tuple[str, str, Decimal]]


def _grouped(taxes: list[tuple[str, str, Decimal]]) -> list[tuple[str, str, Decimal]]:
    by_key: dict[tuple[str, str], Decimal] = {}
    for title, rate, amount in taxes:
        by_key[(title, rate)] = by_key.get((title, rate), ZERO) + amount
    return [(title, rate, amount) for (title, rate), amount in by_key.items()]


def refund_accounts_for(refund: Record, included: bool) -> Decimal:
    """The money a refund's returned lines and shipping stand for (with their taxes)."""
    lines = sum(
        (
            amount_of(i["subtotalSet"]) + (ZERO if included else amount_of(i["totalTaxSet"]))
            for i in refund["_lineItems"]
        ),
        ZERO,
    )
    return lines + D(refund.get("_shipping")) + (ZERO if included else D(refund.get("_shippingTax")))


def order_sums(
    order: Record,
    lines: list[Record],
    refunds: list[tuple[Decimal, Record]],
) -> Sums:
    """The sums of an order made of ``lines`` (stored or staged), its shipping lines and its refunds.

    ``refunds`` pairs each refund with the money its transactions moved. The current amounts leave out
    what was returned or removed (lines' current quantities, refunded shipping), not money paid back:
    an amount-only refund leaves the current total as it was. ``refunds_accounted`` is the money paid
    back for returned lines and shipping, which the outstanding amount counts against the current total.
    """
    included = bool(order.get("taxesIncluded"))
    ships = order["shippingLines"]
    subtotal = sum((line_total(ln) for ln in lines), ZERO)
    current_subtotal = sum((current_line_total(ln) for ln in lines), ZERO)
    shipping = sum((D(s["_price"]) for s in ships), ZERO)
    shipping_discount = sum((D(s.get("_discount")) for s in ships), ZERO)
    net_shipping = shipping - shipping_discount
    accounted_money, refunded_shipping = ZERO, ZERO
    for money, refund in refunds:
        accounted_money += min(money, refund_accounts_for(refund, included))
        refunded_shipping += D(refund.get("_shipping"))
    current_shipping = max(net_shipping - refunded_shipping, ZERO)
    ship_left = current_shipping / net_shipping if net_shipping else Decimal(1)
    taxes = [(t["title"], str(t["rate"]), D(t["price"])) for ln in lines for t in ln["_taxLines"]]
    taxes += [(t["title"], str(t["rate"]), D(t["price"])) for s in ships for t in s.get("_taxLines", [])]
    current_taxes = [(t["title"], str(t["rate"]), share(D(t["price"]), ln)) for ln in lines for t in ln["_taxLines"]]
    current_taxes += [
        (t["title"], str(t["rate"]), cents(D(t["price"]) * ship_left)) for s in ships for t in s.get("_taxLines", [])
    ]
    tax = sum((t[2] for t in taxes), ZERO)
    current_tax = sum((t[2] for t in current_taxes), ZERO)
    line_discounts = sum((D(ln["_discount"]) for ln in lines), ZERO)
    current_line_discounts = sum((share(D(ln["_discount"]), ln) for ln in lines), ZERO)
    coded = any(a.get("targetType") == "LINE_ITEM" for a in order["discountApplications"])
    tip = D(order.get("_tip"))
    on_top = not included
    total = subtotal + net_shipping + (tax if on_top else ZERO) + tip
    current = current_subtotal + current_shipping + (current_tax if on_top else ZERO) + tip
    return Sums(
        subtotal=subtotal,
        current_subtotal=current_subtotal,
        shipping=shipping,
        shipping_discount=shipping_discount,
        current_shipping=current_shipping,
        tax=tax,
        current_tax=current_tax,
        discounts=line_discounts + shipping_discount,
        current_discounts=current_line_discounts + shipping_discount,
        cart_discount=line_discounts if coded else ZERO,
        total=total,
        current_total=current,
        refunds_accounted=accounted_money,
        tax_lines=_grouped(taxes),
        current_tax_lines=_grouped(current_taxes),
    )


def _tax_line_dicts(order: Record, taxes: list[tuple[str, str, Decimal]]) -> list[dict[str, Any]]:
    return [
        {
            "title": title,
            "rate": float(rate),
            "ratePercentage": float(rate) * 100,
            "price": str(amount),
            "priceSet": obag(order, amount),
            "channelLiable": False,
        }
        for title, rate, amount in taxes
    ]


#: Deprecated scalar twins of MoneyBag fields, still answered (shop currency).
_SCALAR_TWINS = {
    "subtotalPriceSet": "subtotalPrice",
    "totalTaxSet": "totalTax",
    "totalDiscountsSet": "totalDiscounts",
    "totalShippingPriceSet": "totalShippingPrice",
    "totalPriceSet": "totalPrice",
    "totalReceivedSet": "totalReceived",
    "totalRefundedSet": "totalRefunded",
    "netPaymentSet": "netPayment",
    "totalCapturableSet": "totalCapturable",
    "cartDiscountAmountSet": "cartDiscountAmount",
}


def _financial_status(order: Record, received: Decimal, refunded: Decimal, authorized: Decimal, due: Decimal) -> str:
    if order.get("_financialOverride"):
        return str(order["_financialOverride"])
    if order.get("cancelledAt") and refunded == 0 and received == 0:
        return "VOIDED"
    if refunded and refunded >= received:
        return "REFUNDED"
    if refunded:
        return "PARTIALLY_REFUNDED"
    if received >= due and due > 0:
        return "PAID"
    if received > 0:
        return "PARTIALLY_PAID"
    if authorized > 0:
        return "AUTHORIZED"
    return "PAID" if due == 0 else "PENDING"


@dataclass(frozen=True)
class Money:
    """What an order's successful transactions moved, and each refund with the money it returned."""

    received: Decimal
    refunded: Decimal
    authorized: Decimal
    refunds: list[tuple[Decimal, Record]]


def money_moves(state: ShopState, order: Record) -> Money:
    """Sum an order's successful transactions by kind and pair each refund with its own money."""
    txs = [t for t in (state.get(g, "OrderTransaction") for g in order["transactionIds"]) if t]
    ok = [t for t in txs if t["status"] == "SUCCESS"]
    refunds = [r for r in (state.get(g, "Refund") for g in order["refundIds"]) if r]
    by_id = {t["id"]: D(t["_amount"]) for t in ok if t["kind"] == "REFUND"}
    return Money(
        received=sum((D(t["_amount"]) for t in ok if t["kind"] in ("SALE", "CAPTURE")), ZERO),
        refunded=sum(by_id.values(), ZERO),
        authorized=sum((D(t["_amount"]) for t in ok if t["kind"] == "AUTHORIZATION"), ZERO),
        refunds=[(sum((by_id.get(g, ZERO) for g in r["_transactionIds"]), ZERO), r) for r in refunds],
    )


def outstanding_amount(sums: Sums, received: Decimal) -> Decimal:
    """What the customer still owes (negative: what the shop owes back): the current total less what was
    received and kept, money paid back for returned lines and shipping counting as not kept. Money paid
    back without a return (an appeasement, a refund on cancelling) settles nothing the order owes."""
    return sums.current_total - (received - sums.refunds_accounted)


def recompute(state: ShopState, order: Record) -> None:
    """Totals, MoneyBags and display statuses of an order after any change."""
    lines = [ln for ln in (state.get(g, "LineItem") for g in order["lineItemIds"]) if ln]
    for line in lines:
        line_money(order, line)
    for ship in order["shippingLines"]:
        shipping_money(order, ship)
    money = money_moves(state, order)
    received, refunded, authorized = money.received, money.refunded, money.authorized
    sums = order_sums(order, lines, money.refunds)
    tip = D(order.get("_tip"))
    outstanding = outstanding_amount(sums, received)
    order["taxLines"] = _tax_line_dicts(order, sums.tax_lines)
    order["currentTaxLines"] = _tax_line_dicts(order, sums.current_tax_lines)
    if "originalTotalPriceSet" not in order:  # the total when the order was created, kept through edits
        order["originalTotalPriceSet"] = obag(order, sums.total)
    for name, amount in (
        ("subtotalPriceSet", sums.subtotal),
        ("currentSubtotalPriceSet", sums.current_subtotal),
        ("totalShippingPriceSet", sums.shipping),
        ("currentShippingPriceSet", sums.current_shipping),
        ("totalTaxSet", sums.tax),
        ("currentTotalTaxSet", sums.current_tax),
        ("totalDiscountsSet", sums.discounts),
        ("currentTotalDiscountsSet", sums.current_discounts),
        ("cartDiscountAmountSet", sums.cart_discount),
        ("currentCartDiscountAmountSet", sums.cart_discount and sums.current_discounts - sums.shipping_discount),
        ("totalPriceSet", sums.total),
        ("currentTotalPriceSet", sums.current_total),
        ("totalReceivedSet", received),
        ("totalRefundedSet", refunded),
        ("netPaymentSet", received - refunded),
        ("totalTipReceivedSet", tip),
        ("totalOutstandingSet", outstanding),
        ("totalCapturableSet", authorized),
    ):
        order[name] = obag(order, amount)
        if name in _SCALAR_TWINS:
            order[_SCALAR_TWINS[name]] = order[name]["shopMoney"]["amount"]
    order["subtotalLineItemsQuantity"] = sum(ln["quantity"] for ln in lines)
    order["currentSubtotalLineItemsQuantity"] = sum(ln["currentQuantity"] for ln in lines)
    status = _financial_status(order, received, refunded, authorized, sums.current_total)
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
    order["fullyPaid"] = outstanding <= 0
    order["unpaid"] = received == 0 and sums.current_total > 0
    order["fulfillable"] = bool(need and done < need) and not order.get("cancelledAt")
    order["refundable"] = received > refunded
    order["canMarkAsPaid"] = status in ("PENDING", "PARTIALLY_PAID", "AUTHORIZED")
    order["capturable"] = authorized > 0
    order["totalTipReceived"] = {"amount": str(tip), "currencyCode": order["currencyCode"]}


def edit_refusal(order: Record) -> str:
    """Why an order cannot be edited (cancelled or closed; ``""`` when it can), as orderEditBegin and
    ``Order.merchantEditableErrors`` say it."""
    if order.get("cancelledAt"):
        return "The order has been canceled and can't be edited."
    if order.get("closed"):
        return "The order is closed (archived) and can't be edited; reopen it first."
    return ""
