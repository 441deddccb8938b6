"""Sales documents: orders, invoices and credit memos with their lines, before they are posted.

    doc = erp.sales.create(
        "order", "C0001",
        [NewSalesLine("item", "1000", Decimal(2), location_code="MAIN", shopify_order_line_id=11,
                      shopify_line_type="line_item"),
         NewSalesLine("gl_account", "6100", Decimal(1), unit_price=Decimal("4.95"), description="Shipping",
                      shopify_line_type="shipping_line", shopify_order_line_id=21)],
        shop_code="DEMO", shopify_order_id=5001, shopify_order_no="#1001",
    )
    erp.sales.release("order", doc.no)

One document per shop + Shopify order id and document type (per shop + refund id for credit memos),
and one line per Shopify line within a document: the database refuses a second one, so that
create-sales-documents can run again without duplicating. Amounts are computed here, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from shopops.erp import amounts as am
from shopops.erp import numbers
from shopops.erp import validation as v
from shopops.erp._base import begin, frame, reading, record
from shopops.erp.lookups import MasterData
from shopops.erp.sales.creating import (
    HEADER_FIELDS,
    LINE_NO_STEP,  # noqa: F401  (kept importable from here)
    check_header_fields,
    document_type_of,
    insert_document,
    insert_line,
    require,
)
from shopops.erp.sales.records import (  # noqa: F401  (DocumentExists kept importable from here)
    DocumentExists,
    NewSalesDocument,
    NewSalesLine,
    SalesDocument,
    SalesLine,
)
from shopops.errors import ConfigError, InvalidState, NotFound, ShopopsError
from shopops.store import tables as t
from shopops.store.types import utcnow

SH = t.erp_sales_header
SL = t.erp_sales_line
DOCUMENT_TYPES = t.SALES_DOCUMENT_TYPES
LINE_TYPES = t.SALES_LINE_TYPES
ZERO = Decimal(0)
#: documents per transaction in ``create_many`` (each in its own savepoint)
CREATE_BATCH_SIZE = 200
CREATE_COLUMNS = ["document_type", "no", "status", "error"]

_HEADER = select(SH).where(SH.c.document_type == bindparam("doc_type"), SH.c.no == bindparam("no"))
_HEADER_LOCKED = _HEADER.with_for_update()
_LINES = (
    select(SL)
    .where(SL.c.document_type == bindparam("doc_type"), SL.c.document_no == bindparam("no"))
    .order_by(SL.c.line_no)
)
_HAS_LINES = (
    select(SL.c.line_no)
    .where(SL.c.document_type == bindparam("doc_type"), SL.c.document_no == bindparam("no"))
    .limit(1)
)
_SET_STATUS = (
    update(SH)
    .where(SH.c.document_type == bindparam("b_doc_type"), SH.c.no == bindparam("b_no"))
    .values(status=bindparam("status"), updated_at=bindparam("updated_at"))
)
_SET_LINE_DISCOUNT = (
    update(SL)
    .where(
        SL.c.document_type == bindparam("b_doc_type"),
        SL.c.document_no == bindparam("b_no"),
        SL.c.line_no == bindparam("b_line_no"),
    )
    .values(
        inv_discount_amount=bindparam("inv_discount_amount"),
        amount=bindparam("amount"),
        amount_including_tax=bindparam("amount_including_tax"),
    )
)


class Sales:
    """Create, read, release and delete unposted sales documents."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- create -------------------------------------------------------------------------------------

    def create(
        self,
        document_type: str,
        customer_no: str,
        lines: Iterable[NewSalesLine] = (),
        *,
        no: str | None = None,
        on_conflict: Literal["error", "return"] = "error",
        release: bool = False,
        conn: Connection | None = None,
        **header: Any,
    ) -> SalesDocument:
        """Create a document with its lines in one transaction.

        ``header`` takes any header field (bill_to_customer_no, ship_to_*, currency_code,
        prices_including_tax, location_code, shipping_agent_code, shop_code, shopify_order_id,
        shopify_order_no, shopify_refund_id, ...). Bill-to and ship-to default from the customer.
        When the Shopify order (or refund) has a document already, DocumentExists is raised, or with
        ``on_conflict="return"`` that document is returned. ``release`` creates it released (as
        :meth:`release` right after would; it needs lines).
        """
        doc_type = document_type_of(document_type)
        with begin(self._engine, conn) as c:
            made = self.create_no(
                doc_type, customer_no, lines, no=no, on_conflict=on_conflict, release=release, conn=c,
                savepoint=conn is not None, **header,
            )  # fmt: skip
            return self.get(doc_type, made, conn=c)

    def create_no(
        self,
        document_type: str,
        customer_no: str,
        lines: Iterable[NewSalesLine] = (),
        *,
        no: str | None = None,
        on_conflict: Literal["error", "return"] = "error",
        release: bool = False,
        conn: Connection | None = None,
        savepoint: bool = True,
        **header: Any,
    ) -> str:
        """:meth:`create`, returning only the document's no. (nothing is read back: for reports).

        ``savepoint=False`` leaves out the savepoint that lets the caller's transaction go on after
        DocumentExists; a caller that rolls back on any error does not need it.
        """
        doc_type = document_type_of(document_type)
        check_header_fields(header)
        with begin(self._engine, conn) as c:
            made, _ = insert_document(
                c, MasterData(c), numbers.NumberBlocks(c), doc_type, customer_no, lines, header,
                no=no, on_conflict=on_conflict, guard=savepoint and conn is not None, release=release,
            )  # fmt: skip
            return made

    def create_many(
        self,
        documents: Iterable[NewSalesDocument],
        *,
        on_conflict: Literal["error", "return"] = "error",
        release: bool = False,
    ) -> pd.DataFrame:
        """Create many documents fast: one row per document (document_type, no, status, error).

        ``CREATE_BATCH_SIZE`` documents share a transaction, their master data and a block of numbers;
        each is written in its own savepoint, so that a refused document (status "error", with the
        reason) rolls back alone and the others are created ("created"; "exists" for a Shopify record
        that has its document already when ``on_conflict="return"``). The numbers stay gapless.
        ``release`` creates them released.
        """
        results: list[dict[str, Any]] = []
        batch: list[NewSalesDocument] = []
        for document in documents:
            batch.append(document)
            if len(batch) == CREATE_BATCH_SIZE:
                results += self._create_batch(batch, on_conflict, release)
                batch = []
        if batch:
            results += self._create_batch(batch, on_conflict, release)
        return pd.DataFrame(results, columns=CREATE_COLUMNS)

    def _create_batch(self, batch: list[NewSalesDocument], on_conflict: str, release: bool) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        with self._engine.begin() as c:
            master, series = MasterData(c), numbers.NumberBlocks(c, len(batch))
            for doc in batch:
                mark = series.mark()
                try:
                    doc_type = document_type_of(doc.document_type)
                    check_header_fields(doc.header)
                    with c.begin_nested():
                        made, new = insert_document(
                            c, master, series, doc_type, doc.customer_no, doc.lines, dict(doc.header),
                            no=doc.no, on_conflict=on_conflict, guard=False, release=release,
                        )  # fmt: skip
                    results.append({"document_type": doc_type, "no": made, "status": "created" if new else "exists"})
                except (ShopopsError, IntegrityError) as exc:
                    series.restore(mark)
                    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                    results.append({"document_type": doc.document_type, "no": doc.no, "status": "error", "error": text})
            series.close()
        return results

    def add_line(self, document_type: str, no: str, line: NewSalesLine, *, conn: Connection | None = None) -> SalesLine:
        """Add a line to an open, unposted document."""
        doc_type = document_type_of(document_type)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"] or head["status"] != "open":
                raise InvalidState(f"{doc_type} {head['no']} is {_state(head)}; reopen it to change its lines")
            line_no = insert_line(c, doc_type, head["no"], line, head)
            return next(x for x in self.get(doc_type, head["no"], conn=c).lines if x.line_no == line_no)

    # --- change -------------------------------------------------------------------------------------

    def update_header(self, document_type: str, no: str, *, conn: Connection | None = None, **changes: Any) -> None:
        """Change header fields of an unposted document (package_tracking_no, shipping_agent_code, ...)."""
        doc_type = document_type_of(document_type)
        unknown = set(changes) - HEADER_FIELDS
        if unknown:
            raise ConfigError(sorted(unknown)[0], "is not a header field that can be changed")
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"]:
                raise InvalidState(f"{doc_type} {head['no']} is posted")
            if changes.get("shipping_agent_code"):
                changes["shipping_agent_code"] = v.code(changes["shipping_agent_code"], "shipping_agent_code", 10)
                code = changes["shipping_agent_code"]
                require(MasterData(c).shipping_agent(code), "shipping agent", code)
            c.execute(_header_update(doc_type, head["no"]).values(updated_at=utcnow(), **changes))

    def release(self, document_type: str, no: str, *, conn: Connection | None = None) -> None:
        """Release a document (BC's Release): its lines are frozen until it is reopened."""
        self._set_status(document_type, no, "released", conn)

    def reopen(self, document_type: str, no: str, *, conn: Connection | None = None) -> None:
        """Reopen a released document so that its lines can change."""
        self._set_status(document_type, no, "open", conn)

    def _set_status(self, document_type: str, no: str, status: str, conn: Connection | None) -> None:
        doc_type = document_type_of(document_type)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"]:
                raise InvalidState(f"{doc_type} {head['no']} is posted")
            if status == "released" and not c.execute(_HAS_LINES, {"doc_type": doc_type, "no": head["no"]}).first():
                raise InvalidState(f"{doc_type} {head['no']} has no lines to release")
            c.execute(
                _SET_STATUS, {"b_doc_type": doc_type, "b_no": head["no"], "status": status, "updated_at": utcnow()}
            )

    def apply_invoice_discount(
        self, document_type: str, no: str, amount: Decimal | int | str, *, conn: Connection | None = None
    ) -> None:
        """Spread an order-level discount over the item and G/L lines, in proportion, to the cent.

        BC's ApplyInvDiscBasedOnAmt: the lines' amounts drop by their share and the shares sum exactly
        to ``amount``. Applying again replaces the previous discount.
        """
        doc_type = document_type_of(document_type)
        total = v.decimal(amount, "invoice_discount_amount", minimum=ZERO)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"] or head["status"] != "open":
                raise InvalidState(f"{doc_type} {head['no']} is {_state(head)}; reopen it first")
            lines = [x for x in self._lines(c, doc_type, head["no"]) if x.type != "comment"]
            bases = [am.round_amount(x.quantity * x.unit_price) - x.line_discount_amount for x in lines]
            if total > sum(bases, ZERO):
                raise ConfigError(
                    "invoice_discount_amount", f"{total} is more than the lines' total {sum(bases, ZERO)}"
                )
            shares = am.allocate(total, bases) if total else [ZERO] * len(lines)
            changes = []
            for line, share in zip(lines, shares, strict=True):
                amounts = am.line_amounts(
                    line.quantity,
                    line.unit_price,
                    line_discount_amount=line.line_discount_amount,
                    inv_discount_amount=share,
                    tax_percent=line.tax_percent,
                    prices_including_tax=head["prices_including_tax"],
                    tax_difference=line.tax_difference,
                )
                changes.append(
                    {
                        "b_doc_type": doc_type,
                        "b_no": head["no"],
                        "b_line_no": line.line_no,
                        "inv_discount_amount": share,
                        "amount": amounts.amount,
                        "amount_including_tax": amounts.amount_including_tax,
                    }
                )
            if changes:
                c.execute(_SET_LINE_DISCOUNT, changes)
            c.execute(_header_update(doc_type, head["no"]).values(invoice_discount_amount=total, updated_at=utcnow()))

    def delete(self, document_type: str, no: str, *, conn: Connection | None = None) -> None:
        """Delete an unposted document and its lines; refused once anything of it is posted."""
        doc_type = document_type_of(document_type)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            lines = self._lines(c, doc_type, head["no"])
            if head["posted"] or any(x.quantity_shipped or x.quantity_invoiced for x in lines):
                raise InvalidState(f"{doc_type} {head['no']} is (partly) posted and cannot be deleted")
            c.execute(delete(SL).where(SL.c.document_type == doc_type, SL.c.document_no == head["no"]))
            c.execute(delete(SH).where(SH.c.document_type == doc_type, SH.c.no == head["no"]))

    # --- read ---------------------------------------------------------------------------------------

    def get(self, document_type: str, no: str, *, conn: Connection | None = None) -> SalesDocument:
        """A document with its lines; NotFound when there is none."""
        doc_type = document_type_of(document_type)
        with reading(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no)
            lines = self._lines(c, doc_type, head["no"])
        return record(SalesDocument, head, header=dict(head), lines=tuple(lines))

    def find_shopify(
        self, shop_code: str, shopify_order_id: int, document_type: str | None = None
    ) -> SalesDocument | None:
        """The order or invoice made from a Shopify order (not its credit memos), or None."""
        query = select(SH.c.document_type, SH.c.no).where(
            SH.c.shop_code == shop_code, SH.c.shopify_order_id == shopify_order_id, SH.c.shopify_refund_id.is_(None)
        )
        if document_type is not None:
            query = query.where(SH.c.document_type == document_type_of(document_type))
        with self._engine.connect() as c:
            row = c.execute(query.order_by(SH.c.document_type)).first()
        return self.get(row.document_type, row.no) if row else None

    def find_refund(self, shop_code: str, shopify_refund_id: int) -> SalesDocument | None:
        """The credit memo made from a Shopify refund, or None."""
        with self._engine.connect() as c:
            no = c.execute(
                select(SH.c.no).where(SH.c.shop_code == shop_code, SH.c.shopify_refund_id == shopify_refund_id)
            ).scalar_one_or_none()
        return self.get("credit_memo", no) if no else None

    def documents(
        self,
        document_type: str | None = None,
        *,
        posted: bool | None = False,
        status: str | None = None,
        shop_code: str | None = None,
        with_errors: bool | None = None,
    ) -> pd.DataFrame:
        """Sales headers as a DataFrame (unposted by default; ``posted=None`` for all)."""
        query = select(SH).order_by(SH.c.document_type, SH.c.no)
        if document_type is not None:
            query = query.where(SH.c.document_type == document_type_of(document_type))
        if posted is not None:
            query = query.where(SH.c.posted.is_(posted))
        if status is not None:
            query = query.where(SH.c.status == status)
        if shop_code is not None:
            query = query.where(SH.c.shop_code == shop_code)
        if with_errors is not None:
            query = query.where(SH.c.posting_error.isnot(None) if with_errors else SH.c.posting_error.is_(None))
        with self._engine.connect() as c:
            return frame(list(c.execute(query).mappings()), [col.name for col in SH.c])

    def lines(self, document_type: str, no: str) -> pd.DataFrame:
        """The lines of one document as a DataFrame."""
        doc = self.get(document_type, no)
        return frame([x.__dict__ for x in doc.lines], [col.name for col in SL.c])

    def _header_row(self, c: Connection, doc_type: str, no: str, *, lock: bool = False) -> dict[str, Any]:
        return header_row(c, doc_type, no, lock=lock)

    def _lines(self, c: Connection, doc_type: str, no: str) -> list[SalesLine]:
        return document_lines(c, doc_type, no)


def header_row(c: Connection, doc_type: str, no: str, *, lock: bool = False) -> dict[str, Any]:
    """The header's columns (locked for update on PostgreSQL when ``lock``); NotFound when missing."""
    query = _HEADER_LOCKED if lock and c.dialect.name == "postgresql" else _HEADER
    row = c.execute(query, {"doc_type": doc_type, "no": no.strip().upper()}).mappings().first()
    if row is None:
        raise NotFound(f"sales {doc_type.replace('_', ' ')} {no} does not exist")
    return dict(row)


def document_lines(c: Connection, doc_type: str, no: str) -> list[SalesLine]:
    """The document's lines in line order."""
    return [record(SalesLine, r) for r in c.execute(_LINES, {"doc_type": doc_type, "no": no}).mappings()]


def _header_update(doc_type: str, no: str) -> Any:
    return update(SH).where(SH.c.document_type == doc_type, SH.c.no == no)


def _state(head: dict[str, Any]) -> str:
    return "posted" if head["posted"] else str(head["status"])


def line_keys(lines: Sequence[SalesLine]) -> set[tuple[str, int | None]]:
    """The Shopify keys (line type, line id) of the lines, to skip lines a re-run would duplicate."""
    return {(x.shopify_line_type, x.shopify_order_line_id) for x in lines if x.shopify_order_line_id is not None}
