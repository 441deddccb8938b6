"""Posted documents: shipments, invoices and credit memos, as posting left them; read-only except for
the Shopify fulfillment marker that sync-shipments keeps on each shipment.

The marker (BC's "Shpfy Fulfillment Id"): 0 not synced yet, > 0 the Shopify fulfillment's id, -1 the
fulfillment could not be created (FULFILLMENT_ERROR), -2 the shipment has nothing to fulfil
(FULFILLMENT_NOTHING_TO_FULFIL). ``reset_fulfillment`` turns -1/-2 back to 0 for another try.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Table, select, update

from shopops.erp._base import frame, record
from shopops.errors import ConfigError, InvalidState, NotFound
from shopops.store import tables as t

PS, PSL = t.erp_posted_shipment, t.erp_posted_shipment_line
PI, PIL = t.erp_posted_invoice, t.erp_posted_invoice_line
PC, PCL = t.erp_posted_credit_memo, t.erp_posted_credit_memo_line

FULFILLMENT_NOT_SYNCED = 0
FULFILLMENT_ERROR = -1
FULFILLMENT_NOTHING_TO_FULFIL = -2


@dataclass(frozen=True)
class PostedLine:
    """A line of a posted shipment, invoice or credit memo (amounts are None on shipment lines)."""

    document_no: str
    line_no: int
    type: str
    no: str
    variant_code: str
    location_code: str | None
    description: str
    unit_of_measure_code: str
    quantity: Decimal
    shopify_line_type: str
    shopify_order_line_id: int | None
    order_line_no: int | None = None
    unit_price: Decimal | None = None
    line_discount_amount: Decimal | None = None
    inv_discount_amount: Decimal | None = None
    tax_percent: Decimal | None = None
    amount: Decimal | None = None
    amount_including_tax: Decimal | None = None


@dataclass(frozen=True)
class PostedShipment:
    """A posted sales shipment: what left which location, with the carrier and tracking no."""

    no: str
    order_no: str
    sell_to_customer_no: str
    location_code: str | None
    posting_date: dt.date
    shop_code: str | None
    shopify_order_id: int | None
    shopify_order_no: str
    shipping_agent_code: str
    shipping_agent_service_code: str
    tracking_no: str
    tracking_url: str
    shopify_fulfillment_id: int
    header: dict[str, Any] = field(repr=False, default_factory=dict)
    lines: tuple[PostedLine, ...] = ()

    @property
    def has_item_to_fulfil(self) -> bool:
        """Whether any item line ships a positive quantity (else sync-shipments marks it -2)."""
        return any(x.type == "item" and x.quantity > 0 for x in self.lines)


@dataclass(frozen=True)
class PostedDocument:
    """A posted sales invoice or credit memo (``kind``), with its amounts and lines."""

    kind: str
    no: str
    order_no: str
    pre_assigned_no: str
    sell_to_customer_no: str
    bill_to_customer_no: str
    currency_code: str
    posting_date: dt.date
    shop_code: str | None
    shopify_order_id: int | None
    shopify_order_no: str
    prices_including_tax: bool
    invoice_discount_amount: Decimal
    amount: Decimal
    amount_including_tax: Decimal
    shopify_refund_id: int | None = None
    applies_to_doc_no: str = ""
    header: dict[str, Any] = field(repr=False, default_factory=dict)
    lines: tuple[PostedLine, ...] = ()


class PostedDocuments:
    """Read posted documents; keep the fulfillment marker of shipments."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- shipments ----------------------------------------------------------------------------------

    def shipment(self, no: str) -> PostedShipment:
        """One posted shipment with its lines."""
        with self._engine.connect() as c:
            head = c.execute(select(PS).where(PS.c.no == no)).mappings().first()
            if head is None:
                raise NotFound(f"posted shipment {no} does not exist")
            lines = c.execute(select(PSL).where(PSL.c.document_no == no).order_by(PSL.c.line_no)).mappings()
            return record(PostedShipment, head, header=dict(head), lines=tuple(record(PostedLine, r) for r in lines))

    def shipments(self, *, shop_code: str | None = None, order_no: str | None = None) -> pd.DataFrame:
        """Posted shipment headers as a DataFrame."""
        return self._frame(PS, shop_code=shop_code, order_no=order_no)

    def shipments_to_sync(self, shop_code: str, *, limit: int | None = None) -> list[PostedShipment]:
        """Shipments of Shopify orders of ``shop_code`` whose fulfillment is not synced yet (marker 0)."""
        query = (
            select(PS.c.no)
            .where(
                PS.c.shop_code == shop_code,
                PS.c.shopify_order_id.isnot(None),
                PS.c.shopify_fulfillment_id == FULFILLMENT_NOT_SYNCED,
            )
            .order_by(PS.c.no)
            .limit(limit)
        )
        with self._engine.connect() as c:
            nos = list(c.execute(query).scalars())
        return [self.shipment(no) for no in nos]

    def set_fulfillment_id(self, no: str, fulfillment_id: int) -> None:
        """Record the Shopify fulfillment of a shipment, or -1 (error) / -2 (nothing to fulfil).

        A shipment already marked -1 keeps it (an earlier request of the same shipment failed), as BC does.
        """
        if fulfillment_id == FULFILLMENT_NOT_SYNCED or fulfillment_id < FULFILLMENT_NOTHING_TO_FULFIL:
            raise ConfigError("fulfillment_id", f"{fulfillment_id}: pass the fulfillment's id, -1 or -2")
        with self._engine.begin() as c:
            current = c.execute(select(PS.c.shopify_fulfillment_id).where(PS.c.no == no)).scalar_one_or_none()
            if current is None:
                raise NotFound(f"posted shipment {no} does not exist")
            if current == FULFILLMENT_ERROR and fulfillment_id > 0:
                return
            c.execute(update(PS).where(PS.c.no == no).values(shopify_fulfillment_id=fulfillment_id))

    def reset_fulfillment(self, no: str) -> None:
        """Turn a -1 or -2 marker back to 0 so that the next sync-shipments tries again."""
        with self._engine.begin() as c:
            current = c.execute(select(PS.c.shopify_fulfillment_id).where(PS.c.no == no)).scalar_one_or_none()
            if current is None:
                raise NotFound(f"posted shipment {no} does not exist")
            if current > 0:
                raise InvalidState(f"shipment {no} is fulfilled in Shopify ({current}); it cannot be reset")
            c.execute(update(PS).where(PS.c.no == no).values(shopify_fulfillment_id=FULFILLMENT_NOT_SYNCED))

    # --- invoices and credit memos ------------------------------------------------------------------

    def invoice(self, no: str) -> PostedDocument:
        """One posted invoice with its lines."""
        return self._document("invoice", PI, PIL, no)

    def invoices(self, *, shop_code: str | None = None, order_no: str | None = None) -> pd.DataFrame:
        """Posted invoice headers as a DataFrame."""
        return self._frame(PI, shop_code=shop_code, order_no=order_no)

    def credit_memo(self, no: str) -> PostedDocument:
        """One posted credit memo with its lines."""
        return self._document("credit_memo", PC, PCL, no)

    def credit_memos(self, *, shop_code: str | None = None) -> pd.DataFrame:
        """Posted credit memo headers as a DataFrame."""
        return self._frame(PC, shop_code=shop_code)

    def _document(self, kind: str, head_table: Table, line_table: Table, no: str) -> PostedDocument:
        with self._engine.connect() as c:
            head = c.execute(select(head_table).where(head_table.c.no == no)).mappings().first()
            if head is None:
                raise NotFound(f"posted {kind.replace('_', ' ')} {no} does not exist")
            rows = c.execute(
                select(line_table).where(line_table.c.document_no == no).order_by(line_table.c.line_no)
            ).mappings()
            lines = tuple(record(PostedLine, r) for r in rows)
        return record(PostedDocument, head, kind=kind, header=dict(head), lines=lines)

    def _frame(self, table: Table, *, shop_code: str | None = None, order_no: str | None = None) -> pd.DataFrame:
        query = select(table).order_by(table.c.no)
        if shop_code is not None:
            query = query.where(table.c.shop_code == shop_code)
        if order_no is not None:
            query = query.where(table.c.order_no == order_no)
        with self._engine.connect() as c:
            return frame(list(c.execute(query).mappings()), [col.name for col in table.c])
