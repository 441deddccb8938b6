"""What posting writes: posted shipment, invoice and credit memo headers and lines, and stock entries.

Called by the posting engine inside its transaction, after every check has passed; nothing here decides
whether a document may post.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from shopops.erp import amounts as am
from shopops.erp import numbers
from shopops.erp.sales import SalesLine
from shopops.erp.stock import insert_entry
from shopops.store import tables as t
from shopops.store.types import utcnow

ZERO = Decimal(0)
ADDRESS = ("name", "address", "address_2", "city", "post_code", "county", "country_code")


@dataclass(frozen=True)
class LinePosting:
    """A sales line and the quantity this posting ships, invoices or credits."""

    line: SalesLine
    quantity: Decimal


class DocumentWriter:
    """Writes the posted documents of one sales header on one posting date."""

    def __init__(self, conn: Connection, head: dict[str, Any], posting_date: dt.date) -> None:
        self.c = conn
        self.head = head
        self.date = posting_date

    def _common(self, no: str) -> dict[str, Any]:
        h = self.head
        values: dict[str, Any] = {
            "no": no,
            "order_no": h["no"] if h["document_type"] == "order" else "",
            "pre_assigned_no": h["no"] if h["document_type"] != "order" else "",
            "sell_to_customer_no": h["sell_to_customer_no"],
            "bill_to_customer_no": h["bill_to_customer_no"],
            "currency_code": h["currency_code"],
            "external_document_no": h["external_document_no"],
            "location_code": h["location_code"],
            "posting_date": self.date,
            "document_date": h["document_date"],
            "shop_code": h["shop_code"],
            "shopify_order_id": h["shopify_order_id"],
            "shopify_order_no": h["shopify_order_no"],
            "created_at": utcnow(),
        }
        values.update({f"ship_to_{p}": h[f"ship_to_{p}"] for p in ADDRESS})
        return values

    def _line(self, no: str, posting: LinePosting) -> dict[str, Any]:
        x = posting.line
        return {
            "document_no": no,
            "line_no": x.line_no,
            "type": x.type,
            "no": x.no,
            "variant_code": x.variant_code,
            "location_code": x.location_code,
            "description": x.description,
            "unit_of_measure_code": x.unit_of_measure_code,
            "quantity": posting.quantity,
            "shopify_line_type": x.shopify_line_type,
            "shopify_order_line_id": x.shopify_order_line_id,
        }

    def _is_inventory(self, item_no: str) -> bool:
        it = t.erp_item
        return self.c.execute(select(it.c.type).where(it.c.no == item_no)).scalar_one() == "inventory"

    def _stock(self, posting: LinePosting, quantity: Decimal, document_type: str, document_no: str) -> None:
        x = posting.line
        if x.type != "item" or not self._is_inventory(x.no):
            return
        insert_entry(
            self.c,
            item_no=x.no,
            variant_code=x.variant_code,
            location_code=x.location_code or "",
            quantity=quantity,
            entry_type="sale",
            document_type=document_type,
            document_no=document_no,
            document_line_no=x.line_no,
            description=x.description,
            posting_date=self.date,
        )

    def shipment(self, postings: list[LinePosting]) -> str:
        """A posted shipment of the order's lines; the stock leaves. Returns its no."""
        no = numbers.next_no(self.c, numbers.POSTED_SHIPMENT)
        values = self._common(no)
        agent_code = self.head["shipping_agent_code"]
        tracking_no = self.head["package_tracking_no"]
        values.update(
            shipping_agent_code=agent_code or "",
            shipping_agent_service_code=self.head["shipping_agent_service_code"],
            tracking_no=tracking_no,
            tracking_url=_tracking_url(self.c, agent_code, tracking_no),
            shopify_fulfillment_id=0,
        )
        if not values["location_code"]:
            values["location_code"] = next((p.line.location_code for p in postings if p.line.location_code), None)
        self.c.execute(insert(t.erp_posted_shipment).values(**values))
        rows = [{**self._line(no, p), "order_line_no": p.line.line_no} for p in postings]
        self.c.execute(insert(t.erp_posted_shipment_line), rows)
        for p in postings:
            self._stock(p, -p.quantity, "sales_shipment", no)
        return no

    def invoice(self, postings: list[LinePosting], *, take_stock: bool) -> str:
        """A posted invoice; ``take_stock`` for a sales invoice (an order's stock left with its shipment)."""
        no = numbers.next_no(self.c, numbers.POSTED_INVOICE)
        lines = [{**self._line(no, p), "order_line_no": p.line.line_no, **self._amounts(p)} for p in postings]
        self._write(t.erp_posted_invoice, t.erp_posted_invoice_line, no, lines, {})
        if take_stock:
            for p in postings:
                self._stock(p, -p.quantity, "sales_invoice", no)
        return no

    def credit_memo(self, postings: list[LinePosting]) -> str:
        """A posted credit memo; restocked item lines come back into stock at their location."""
        no = numbers.next_no(self.c, numbers.POSTED_CREDIT_MEMO)
        lines = [{**self._line(no, p), **self._amounts(p)} for p in postings]
        extra = {
            "applies_to_doc_no": self.head["applies_to_doc_no"],
            "shopify_refund_id": self.head["shopify_refund_id"],
        }
        self._write(t.erp_posted_credit_memo, t.erp_posted_credit_memo_line, no, lines, extra)
        for p in postings:
            self._stock(p, p.quantity, "sales_credit_memo", no)
        return no

    def _write(
        self, head_table: Table, line_table: Table, no: str, lines: list[dict[str, Any]], extra: dict[str, Any]
    ) -> None:
        values = self._common(no)
        values.update(
            prices_including_tax=self.head["prices_including_tax"],
            invoice_discount_amount=sum((x["inv_discount_amount"] for x in lines), ZERO),
            amount=sum((x["amount"] for x in lines), ZERO),
            amount_including_tax=sum((x["amount_including_tax"] for x in lines), ZERO),
            **extra,
        )
        self.c.execute(insert(head_table).values(**values))
        self.c.execute(insert(line_table), lines)

    def _amounts(self, posting: LinePosting) -> dict[str, Any]:
        """The line's amounts for the quantity posted: the stored ones in full, else a proportional share."""
        x, qty = posting.line, posting.quantity
        if qty == x.quantity:
            discount, inv_discount = x.line_discount_amount, x.inv_discount_amount
            amount, amount_incl = x.amount, x.amount_including_tax
        else:
            discount = am.proportion(x.line_discount_amount, qty, x.quantity)
            inv_discount = am.proportion(x.inv_discount_amount, qty, x.quantity)
            computed = am.line_amounts(
                qty,
                x.unit_price,
                line_discount_amount=discount,
                inv_discount_amount=inv_discount,
                tax_percent=x.tax_percent,
                prices_including_tax=self.head["prices_including_tax"],
            )
            amount, amount_incl = computed.amount, computed.amount_including_tax
        return {
            "unit_price": x.unit_price,
            "line_discount_amount": discount,
            "inv_discount_amount": inv_discount,
            "tax_percent": x.tax_percent,
            "amount": amount,
            "amount_including_tax": amount_incl,
        }


def _tracking_url(c: Connection, agent_code: str | None, tracking_no: str) -> str:
    if not agent_code or not tracking_no:
        return ""
    sa = t.erp_shipping_agent
    address = c.execute(select(sa.c.internet_address).where(sa.c.code == agent_code)).scalar_one_or_none()
    if not address:
        return ""
    url = address.replace("%1", tracking_no) if "%1" in address else address + tracking_no
    return url[:250]
