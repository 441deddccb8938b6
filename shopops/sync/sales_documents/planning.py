"""The sales document an order becomes, planned from the mirror's rows: pure, no I/O.

BC's ``ShpfyProcessOrder``: the document type (an invoice when fulfilled and the shop says so), the header
(customer, addresses, currency by ``currency_handling``, prices including tax as the order has them, the
Shopify order id and number) and the lines:

* one line per order line still on the order (lines refunded to zero are left out): an item, or a G/L
  line for a tip (``tip_account``) or a sold gift card (``sold_gift_card_account``), with the line's
  discount as the line discount amount and its tax rate;
* one G/L line per shipping charge above zero (``shipping_charges_account``), its discount as line discount;
* a tip line from the header's tip when no line carries it, and a cash rounding line when the order has one;
* the residual order discount (header discount - line discounts - shipping discounts), applied as an
  invoice discount spread over the lines.

The tax of every line is Shopify's, to the cent: Shopify rounds each tax line of a line on its own (a 6%
state and a 2.25% county tax), so the rate alone can land a cent off. Each line carries the difference
between Shopify's tax (less what refunds already returned) and the tax computed from its rate, as BC keeps
Shopify's tax amounts with a VAT difference.

Every line keeps its Shopify line type and id, so a re-run can never duplicate it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopops.erp import NewSalesLine
from shopops.erp import amounts as am
from shopops.shop_settings import ShopSettings
from shopops.sync.sales_documents.mapping import ItemMatch, MappingError, address_name, erp_address

ZERO = Decimal(0)
HUNDRED = Decimal(100)
Row = Mapping[str, Any]


@dataclass
class PlannedDocument:
    """What create-sales-documents will write for one order."""

    document_type: str
    no: str | None
    header: dict[str, Any]
    lines: list[NewSalesLine] = field(default_factory=list)
    invoice_discount: Decimal = ZERO

    def totals(self) -> tuple[Decimal, Decimal]:
        """(amount, amount including tax) as the ERP will compute them, invoice discount included."""
        incl = bool(self.header.get("prices_including_tax"))
        priced = [x for x in self.lines if x.type != "comment"]
        amount = amount_incl = ZERO
        for line, share in zip(priced, self.invoice_discount_shares(), strict=True):
            result = _amounts(line, share, incl)
            amount += result.amount
            amount_incl += result.amount_including_tax
        return amount, amount_incl

    def invoice_discount_shares(self) -> list[Decimal]:
        """The invoice discount of each priced line, as the ERP will spread it (to the cent)."""
        priced = [x for x in self.lines if x.type != "comment"]
        bases = [am.round_amount(_d(x.quantity) * _d(x.unit_price)) - _d(x.line_discount_amount) for x in priced]
        return am.allocate(self.invoice_discount, bases) if self.invoice_discount else [ZERO] * len(priced)

    def settle_taxes(self, charged: Sequence[Decimal | None]) -> None:
        """Give every line whose tax Shopify charged (``charged``, in line order) the tax difference that makes
        its tax exactly that amount."""
        incl = bool(self.header.get("prices_including_tax"))
        priced = iter(self.invoice_discount_shares())
        for i, (line, tax) in enumerate(zip(self.lines, charged, strict=True)):
            if line.type == "comment":
                continue
            share = next(priced)
            if tax is None:
                continue
            computed = _amounts(dataclasses.replace(line, tax_difference=ZERO), share, incl)
            self.lines[i] = dataclasses.replace(line, tax_difference=am.tax_difference(tax, computed))


def _amounts(line: NewSalesLine, share: Decimal, prices_including_tax: bool) -> am.LineAmounts:
    return am.line_amounts(
        _d(line.quantity),
        _d(line.unit_price),
        line_discount_amount=_d(line.line_discount_amount),
        inv_discount_amount=share,
        tax_percent=_d(line.tax_percent),
        prices_including_tax=prices_including_tax,
        tax_difference=_d(line.tax_difference),
    )


def _d(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def money(row: Row, column: str, presentment: bool) -> Decimal:
    """An amount of a mirror row in the chosen currency (``presentment_<column>`` or ``<column>``)."""
    value = row.get(f"presentment_{column}") if presentment else row.get(column)
    return ZERO if value is None else Decimal(value)


def charged_tax(taxes: Sequence[Row], presentment: bool, refunded: Decimal = ZERO) -> Decimal | None:
    """What Shopify charged in tax on a line (its tax lines, each as Shopify rounded it) less what its
    refunds returned; None when Shopify gave no amounts (the rate alone decides then)."""
    amounts = [x.get("presentment_amount" if presentment else "amount") for x in taxes]
    if not amounts or any(a is None for a in amounts):
        return None
    return sum((Decimal(a) for a in amounts if a is not None), ZERO) - refunded


def tax_percent(taxes: Sequence[Row]) -> Decimal:
    """The summed rate of the tax lines, as a percentage (Shopify's rate 0.25 -> 25)."""
    return sum((Decimal(str(x["rate"])) * HUNDRED for x in taxes if x.get("rate") not in (None, "")), ZERO)


def document_type_for(order: Row, settings: ShopSettings) -> str:
    """ "invoice" for a fulfilled order when ``create_invoices_from_orders`` is on, else "order"."""
    fulfilled = (order.get("fulfillment_status") or "").upper() == "FULFILLED"
    return "invoice" if fulfilled and settings.create_invoices_from_orders else "order"


def currency_for(order: Row, settings: ShopSettings) -> str:
    """The document's currency: the shop's (the shop card's code) or the order's presentment currency."""
    if settings.currency_handling == "presentment":
        presentment = order.get("presentment_currency_code") or ""
        if presentment and presentment != order.get("currency_code"):
            return str(presentment)
    return settings.currency_code


def plan_document(
    order: Row,
    lines: Sequence[Row],
    shipping: Sequence[Row],
    taxes: Sequence[Row],
    items: Mapping[int, ItemMatch],
    customer_no: str,
    settings: ShopSettings,
    refund_lines: Sequence[Row] = (),
) -> PlannedDocument:
    """The document for ``order``; ``items`` maps each item line's id to its ERP item.

    MappingError names the line and the setting when an account the order needs is blank.
    """
    presentment = settings.currency_handling == "presentment"
    order_no = order.get("order_no") or str(order["id"])
    no = None
    if settings.use_shopify_order_no:
        if order_no.startswith("@") or len(order_no) > 20:
            raise MappingError(f"use_shopify_order_no: {order_no!r} cannot be a document no. (starts with @ or > 20)")
        no = order_no
    ship, bill = order.get("ship_to") or order.get("bill_to"), order.get("bill_to") or order.get("ship_to")
    header: dict[str, Any] = {
        "shop_code": order["shop_code"],
        "shopify_order_id": order["id"],
        "shopify_order_no": order_no,
        "currency_code": currency_for(order, settings),
        "prices_including_tax": bool(order.get("taxes_included")),
        "external_document_no": (order.get("po_number") or "")[:35],
        "work_description": order.get("note") or "",
        "location_code": settings.order_location_code or None,
    }
    created = order.get("shopify_created_at")
    if isinstance(created, dt.datetime):
        header["document_date"] = created.date()
    if order.get("email"):
        header["email"] = str(order["email"])[:80]
    if order.get("phone"):
        header["phone"] = "".join(ch for ch in str(order["phone"]) if ch.isdigit() or ch in "+ ()-")[:30]
    for prefix, address in (("ship_to_", ship), ("bill_to_", bill)):
        if address:
            header[f"{prefix}name"] = address_name(address)[:100]
            header.update({f"{prefix}{k}": v for k, v in erp_address(address).items()})
    doc = PlannedDocument(document_type_for(order, settings), no, header)
    line_taxes: dict[int, list[Row]] = {}
    for tax in taxes:
        if tax["source"] == "line":
            line_taxes.setdefault(int(tax["source_id"]), []).append(tax)
    refunded_tax: dict[int, Decimal] = {}
    for refund_line in refund_lines:
        if refund_line.get("line_id") is not None and refund_line.get("tax_amount") is not None:
            key = int(refund_line["line_id"])
            refunded_tax[key] = refunded_tax.get(key, ZERO) + Decimal(refund_line["tax_amount"])
    charged: list[Decimal | None] = []
    line_discounts = ZERO
    for line in sorted(lines, key=lambda r: r["position"]):
        discount = money(line, "discount_amount", presentment)
        line_discounts += discount
        if not line["current_quantity"]:
            continue  # refunded to zero
        own_taxes = line_taxes.get(line["id"], [])
        doc.lines.append(_order_line(line, items, settings, presentment, discount, own_taxes))
        # refunds carry their tax in the shop's currency only: in presentment the rate decides
        refunded = refunded_tax.get(int(line["id"]), ZERO)
        charged.append(None if presentment and refunded else charged_tax(own_taxes, presentment, refunded))
    if not any(x.shopify_line_type == "tip" for x in doc.lines) and money(order, "tip_amount", presentment) > 0:
        doc.lines.append(
            _gl(settings.tip_account, "tip_account", "tip", order["id"], money(order, "tip_amount", presentment), "Tip")
        )
        charged.append(None)
    shipping_discounts = ZERO
    for ship_line in sorted(shipping, key=lambda r: r["position"]):
        price = money(ship_line, "amount", presentment)
        discounted = ship_line.get("presentment_discounted_amount" if presentment else "discounted_amount")
        discount = price - Decimal(discounted) if discounted is not None else ZERO
        shipping_discounts += discount
        if price <= 0:
            continue
        ship_taxes = [x for x in taxes if x["source"] == "shipping" and x["source_id"] == ship_line["position"]]
        rate = tax_percent(ship_taxes)
        title = ship_line.get("title") or "Shipping"
        gl = _gl(
            settings.shipping_charges_account,
            "shipping_charges_account",
            "shipping_line",
            ship_line.get("shipping_line_id") or ship_line["position"],
            price,
            title,
            discount,
            rate,
        )
        doc.lines.append(gl)
        charged.append(charged_tax(ship_taxes, presentment))
    rounding = order.get("cash_rounding_amount")
    if rounding:
        doc.lines.append(
            _gl(
                settings.cash_roundings_account,
                "cash_roundings_account",
                "rounding",
                order["id"],
                Decimal(rounding),
                "Cash rounding",
            )
        )
        charged.append(None)
    residual = money(order, "discount_amount", presentment) - line_discounts - shipping_discounts
    doc.invoice_discount = residual if residual > 0 else ZERO
    if not doc.lines:
        raise MappingError("the order has no lines left to invoice (every line is refunded to zero)")
    doc.settle_taxes(charged)
    _check_total(doc, order, presentment)
    return doc


def _check_total(doc: PlannedDocument, order: Row, presentment: bool) -> None:
    """Refuse a document that would not come to what the customer pays now (Shopify's current total)."""
    column = "presentment_current_total_amount" if presentment else "current_total_amount"
    if order.get(column) is None:
        return
    expected = Decimal(order[column])
    _, total = doc.totals()
    if total != expected:
        raise MappingError(
            f"the document would come to {am.plain(total)} including tax, but Shopify's current total is "
            f"{am.plain(expected)} (a difference of {am.plain(total - expected)}); nothing was created. "
            "Check the order's discounts, shipping and refunds in Shopify"
        )


def _order_line(
    line: Row,
    items: Mapping[int, ItemMatch],
    settings: ShopSettings,
    presentment: bool,
    discount: Decimal,
    taxes: Sequence[Row],
) -> NewSalesLine:
    quantity = int(line["current_quantity"])
    if quantity != line["quantity"] and line["quantity"]:
        discount = am.round_amount(discount * quantity / int(line["quantity"]))
    price = money(line, "unit_price", presentment)
    title = str(line.get("title") or "")
    where = f"line {int(line['position']) + 1} {title!r}"
    if line.get("is_tip") or line.get("is_gift_card"):
        account, setting, kind = (
            (settings.tip_account, "tip_account", "tip")
            if line.get("is_tip")
            else (settings.sold_gift_card_account, "sold_gift_card_account", "gift_card")
        )
        if not account:
            raise MappingError(f"{where} is a {kind.replace('_', ' ')}, but the shop card's {setting} is blank")
        return NewSalesLine(
            "gl_account",
            account,
            Decimal(quantity),
            price,
            description=title[:100],
            line_discount_amount=discount,
            tax_percent=tax_percent(taxes),
            shopify_line_type=kind,
            shopify_order_line_id=int(line["id"]),
        )
    match = items.get(int(line["id"]))
    if match is None:
        raise MappingError(f"{where}: no item mapped")
    description = title if not line.get("variant_title") else f"{title} - {line['variant_title']}"
    return NewSalesLine(
        "item",
        match.item_no,
        Decimal(quantity),
        price,
        variant_code=match.variant_code,
        description=description[:100],
        line_discount_amount=discount,
        tax_percent=tax_percent(taxes),
        shopify_line_type="line_item",
        shopify_order_line_id=int(line["id"]),
    )


def _gl(
    account: str,
    setting: str,
    kind: str,
    line_id: int,
    price: Decimal,
    description: str,
    discount: Decimal = ZERO,
    rate: Decimal = ZERO,
) -> NewSalesLine:
    if not account:
        raise MappingError(f"the order has a {description!r} line of {am.plain(price)}, but {setting} is blank")
    return NewSalesLine(
        "gl_account",
        account,
        Decimal(1),
        price,
        description=description[:100],
        line_discount_amount=discount,
        tax_percent=rate,
        shopify_line_type=kind,
        shopify_order_line_id=int(line_id),
    )
