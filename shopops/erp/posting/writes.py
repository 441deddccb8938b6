"""What posting writes: posted shipment, invoice and credit memo headers and lines, and stock entries.

Called by the posting engine inside its transaction, after every check has passed; nothing here decides
whether a document may post. Every statement is built once and run with bind parameters; the lines of a
posted document and its stock entries are each written with one executemany.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Insert, Table, insert

from shopops.erp import amounts as am
from shopops.erp import numbers
from shopops.erp.lookups import MasterData
from shopops.erp.sales.documents import SalesLine
from shopops.erp.stock import entry_values, insert_entries
from shopops.store import tables as t
from shopops.store.types import utcnow

ZERO = Decimal(0)
ADDRESS = ("name", "address", "address_2", "city", "post_code", "county", "country_code")
_INSERTS: dict[str, Insert] = {
    table.name: insert(table)
    for table in (
        t.erp_posted_shipment,
        t.erp_posted_shipment_line,
        t.erp_posted_invoice,
        t.erp_posted_invoice_line,
        t.erp_posted_credit_memo,
        t.erp_posted_credit_memo_line,
    )
}


def _insert(c: Connection, table: Table, rows: dict[str, Any] | list[dict[str, Any]]) -> None:
    c.execute(_INSERTS[table.name], rows)


@dataclass(frozen=True)
class LinePosting:
    """A sales line and the quantity this posting ships, invoices or credits."""

    line: SalesLine
    quantity: Decimal


class DocumentWriter:
    """Writes the posted documents of one sales header on one posting date."""

    def __init__(
        self,
        conn: Connection,
        head: dict[str, Any],
        posting_date: dt.date,
        *,
        master: MasterData | None = None,
        series: numbers.NumberBlocks | None = None,
    ) -> None:
        self.c = conn
        self.head = head
        self.date = posting_date
        self.master = master or MasterData(conn)
        self.series = series or numbers.NumberBlocks(conn)

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

    def _stock(self, postings: list[LinePosting], sign: int, document_type: str, document_no: str) -> None:
        """One stock entry per inventory item line (``sign`` -1 takes stock, +1 puts it back), one statement."""
        rows = [
            entry_values(
                item_no=p.line.no,
                variant_code=p.line.variant_code,
                location_code=p.line.location_code or "",
                quantity=sign * p.quantity,
                entry_type="sale",
                document_type=document_type,
                document_no=document_no,
                document_line_no=p.line.line_no,
                description=p.line.description,
                posting_date=self.date,
            )
            for p in postings
            if p.line.type == "item" and self.master.is_inventory(p.line.no)
        ]
        insert_entries(self.c, rows)

    def shipment(self, postings: list[LinePosting]) -> str:
        """A posted shipment of the order's lines; the stock leaves. Returns its no."""
        no = self.series.next_no(numbers.POSTED_SHIPMENT)
        values = self._common(no)
        agent_code = self.head["shipping_agent_code"]
        tracking_no = self.head["package_tracking_no"]
        values.update(
            shipping_agent_code=agent_code or "",
            shipping_agent_service_code=self.head["shipping_agent_service_code"],
            tracking_no=tracking_no,
            tracking_url=self._tracking_url(agent_code, tracking_no),
            shopify_fulfillment_id=0,
        )
        if not values["location_code"]:
            values["location_code"] = next((p.line.location_code for p in postings if p.line.location_code), None)
        _insert(self.c, t.erp_posted_shipment, values)
        _insert(
            self.c,
            t.erp_posted_shipment_line,
            [{**self._line(no, p), "order_line_no": p.line.line_no} for p in postings],
        )
        self._stock(postings, -1, "sales_shipment", no)
        return no

    def invoice(self, postings: list[LinePosting], *, take_stock: bool) -> str:
        """A posted invoice; ``take_stock`` for a sales invoice (an order's stock left with its shipment)."""
        no = self.series.next_no(numbers.POSTED_INVOICE)
        lines = [{**self._line(no, p), "order_line_no": p.line.line_no, **self._amounts(p)} for p in postings]
        self._write(t.erp_posted_invoice, t.erp_posted_invoice_line, no, lines, {})
        if take_stock:
            self._stock(postings, -1, "sales_invoice", no)
        return no

    def credit_memo(self, postings: list[LinePosting]) -> str:
        """A posted credit memo; restocked item lines come back into stock at their location."""
        no = self.series.next_no(numbers.POSTED_CREDIT_MEMO)
        lines = [{**self._line(no, p), **self._amounts(p)} for p in postings]
        extra = {
            "applies_to_doc_no": self.head["applies_to_doc_no"],
            "shopify_refund_id": self.head["shopify_refund_id"],
        }
        self._write(t.erp_posted_credit_memo, t.erp_posted_credit_memo_line, no, lines, extra)
        self._stock(postings, 1, "sales_credit_memo", no)
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
        _insert(self.c, head_table, values)
        _insert(self.c, line_table, lines)

    def _tracking_url(self, agent_code: str | None, tracking_no: str) -> str:
        if not agent_code or not tracking_no:
            return ""
        agent = self.master.shipping_agent(agent_code)
        address = agent["internet_address"] if agent is not None else ""
        if not address:
            return ""
        url = address.replace("%1", tracking_no) if "%1" in address else address + tracking_no
        return str(url[:250])

    def _amounts(self, posting: LinePosting) -> dict[str, Any]:
        """The line's amounts for the quantity posted: the stored ones in full, else a proportional share."""
        x, qty = posting.line, posting.quantity
        if qty == x.quantity:
            discount, inv_discount = x.line_discount_amount, x.inv_discount_amount
            difference = x.tax_difference
            amount, amount_incl = x.amount, x.amount_including_tax
        else:
            discount = am.proportion(x.line_discount_amount, qty, x.quantity)
            inv_discount = am.proportion(x.inv_discount_amount, qty, x.quantity)
            difference = am.proportion(x.tax_difference, qty, x.quantity)
            computed = am.line_amounts(
                qty,
                x.unit_price,
                line_discount_amount=discount,
                inv_discount_amount=inv_discount,
                tax_percent=x.tax_percent,
                prices_including_tax=self.head["prices_including_tax"],
                tax_difference=difference,
            )
            amount, amount_incl = computed.amount, computed.amount_including_tax
        return {
            "unit_price": x.unit_price,
            "line_discount_amount": discount,
            "inv_discount_amount": inv_discount,
            "tax_percent": x.tax_percent,
            "amount": amount,
            "amount_including_tax": amount_incl,
            "tax_difference": difference,
        }
