"""The posting engine: ship and invoice sales orders, post invoices and credit memos, one by one.

Each document posts on its own: alone in a transaction, or in a batch inside its own savepoint of a
transaction shared by up to ``POST_BATCH_SIZE`` documents (which also share their master data reads and a
block of posted-document numbers). A document that cannot post (a blocked customer or item, a missing
location, nothing to post, not enough stock when negative stock is prevented) is rolled back to its
savepoint, keeps the reason in its header's ``posting_error``, and a batch goes on with the next one, as
BC's Batch Post Sales Orders (296) and Invoices (297) do. A systemic failure (the database gone) stops it;
the documents of the unfinished transaction then stay unposted, as if the batch had not reached them.

    result = erp.posting.post_order("SO000001")              # ship + invoice; PostingError if it fails
    erp.posting.post_batch("order", shop_code="DEMO")        # DataFrame, one row per document

Posting an order writes a posted shipment (lines, negative stock entries; fulfillment marker 0 for
sync-shipments) and a posted invoice. Posting an invoice writes a posted invoice and takes the stock;
posting a credit memo writes a posted credit memo and puts restocked items back (positive entries at
the lines' location, the return location).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.exc import DataError, IntegrityError

from shopops.erp._base import today
from shopops.erp.amounts import plain
from shopops.erp.lookups import MasterData
from shopops.erp.numbers import NumberBlocks
from shopops.erp.posting.writes import DocumentWriter, LinePosting
from shopops.erp.sales.documents import SH, SL, SalesLine, document_lines, document_type_of, header_row
from shopops.erp.stock import on_hand_by_key
from shopops.errors import ConfigError, InvalidState, NotFound, ShopopsError
from shopops.store.types import utcnow

ZERO = Decimal(0)
#: documents per transaction in ``post_batch`` (each in its own savepoint)
POST_BATCH_SIZE = 200
RESULT_COLUMNS = ["document_type", "document_no", "status", "error", "shipment_no", "invoice_no", "credit_memo_no"]
MAX_ERROR_LENGTH = 2000
DOCUMENT_ERRORS: tuple[type[Exception], ...] = (ShopopsError, IntegrityError, DataError)

_SET_ERROR = (
    update(SH)
    .where(SH.c.document_type == bindparam("b_doc_type"), SH.c.no == bindparam("b_no"), SH.c.posted.is_(False))
    .values(posting_error=bindparam("posting_error"), updated_at=bindparam("updated_at"))
)
_SET_LINE_QUANTITIES = (
    update(SL)
    .where(
        SL.c.document_type == bindparam("b_doc_type"),
        SL.c.document_no == bindparam("b_no"),
        SL.c.line_no == bindparam("b_line_no"),
    )
    .values(quantity_shipped=bindparam("quantity_shipped"), quantity_invoiced=bindparam("quantity_invoiced"))
)
_SET_POSTED = (
    update(SH)
    .where(SH.c.document_type == bindparam("b_doc_type"), SH.c.no == bindparam("b_no"))
    .values(
        posted=bindparam("posted"),
        status="released",
        posting_error=None,
        posting_date=bindparam("posting_date"),
        last_shipment_no=bindparam("last_shipment_no"),
        last_posting_no=bindparam("last_posting_no"),
        updated_at=bindparam("updated_at"),
    )
)


class PostingError(ShopopsError):
    """Why one document cannot post. The document stays unposted with this text in ``posting_error``."""


@dataclass(frozen=True)
class PostingResult:
    """What posting one document did: the posted document nos., or the error."""

    document_type: str
    document_no: str
    status: str  # "posted" or "error"
    error: str | None = None
    shipment_no: str | None = None
    invoice_no: str | None = None
    credit_memo_no: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the document posted."""
        return self.status == "posted"


class Posting:
    """Posts sales documents. ``prevent_negative_inventory`` refuses a posting that takes stock below 0."""

    def __init__(self, engine: Engine, *, prevent_negative_inventory: bool = False) -> None:
        self._engine = engine
        self.prevent_negative_inventory = prevent_negative_inventory

    # --- one document -------------------------------------------------------------------------------

    def post_order(
        self,
        no: str,
        *,
        ship: bool = True,
        invoice: bool = True,
        posting_date: dt.date | None = None,
        quantities: Mapping[int, Decimal] | None = None,
    ) -> PostingResult:
        """Ship and/or invoice a sales order; ``quantities`` ships less than outstanding, by line no."""
        return self._raise(
            self.try_post("order", no, ship=ship, invoice=invoice, posting_date=posting_date, quantities=quantities)
        )

    def post_invoice(self, no: str, *, posting_date: dt.date | None = None) -> PostingResult:
        """Post a sales invoice (takes the stock; no shipment, as Shopify fulfilled it already)."""
        return self._raise(self.try_post("invoice", no, posting_date=posting_date))

    def post_credit_memo(self, no: str, *, posting_date: dt.date | None = None) -> PostingResult:
        """Post a sales credit memo; item lines put their quantity back in stock at their location."""
        return self._raise(self.try_post("credit_memo", no, posting_date=posting_date))

    def hold(self, document_type: str, no: str, reason: str) -> None:
        """Keep an unposted document from posting this time, with the reason in ``posting_error`` (what a
        failed posting leaves), e.g. because its order was cancelled in Shopify."""
        with self._engine.begin() as c:
            c.execute(
                _SET_ERROR,
                {
                    "b_doc_type": document_type_of(document_type),
                    "b_no": no.strip().upper(),
                    "posting_error": reason[:MAX_ERROR_LENGTH],
                    "updated_at": utcnow(),
                },
            )

    @staticmethod
    def _raise(result: PostingResult) -> PostingResult:
        if not result.ok:
            raise PostingError(f"{result.document_type} {result.document_no}: {result.error}")
        return result

    def try_post(
        self,
        document_type: str,
        no: str,
        *,
        ship: bool = True,
        invoice: bool = True,
        posting_date: dt.date | None = None,
        quantities: Mapping[int, Decimal] | None = None,
    ) -> PostingResult:
        """Post one document in its own transaction; a document-level failure is returned, not raised.

        The error is written to the header (``posting_error``) after the rollback; a successful posting
        clears it.
        """
        doc_type = document_type_of(document_type)
        quantities = quantities or {}
        return self._post_together(doc_type, [no.strip().upper()], ship, invoice, posting_date, quantities)[0]

    # --- batches ------------------------------------------------------------------------------------

    def post_batch(
        self,
        document_type: str = "order",
        documents: Iterable[str] | None = None,
        *,
        shop_code: str | None = None,
        status: str | None = None,
        ship: bool = True,
        invoice: bool = True,
        posting_date: dt.date | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> pd.DataFrame:
        """Post many documents, each on its own; one row per document: status, error, posted nos.

        ``documents`` names them; otherwise every unposted document of the type is taken, filtered by
        ``shop_code`` and ``status`` (e.g. "released"). A failing document does not stop the batch.
        """
        doc_type = document_type_of(document_type)
        if documents is None:
            query = select(SH.c.no).where(SH.c.document_type == doc_type, SH.c.posted.is_(False)).order_by(SH.c.no)
            if shop_code is not None:
                query = query.where(SH.c.shop_code == shop_code)
            if status is not None:
                query = query.where(SH.c.status == status)
            with self._engine.connect() as c:
                nos = list(c.execute(query).scalars())
        else:
            nos = list(documents)
        results = []
        for start in range(0, len(nos), POST_BATCH_SIZE):
            chunk = [no.strip().upper() for no in nos[start : start + POST_BATCH_SIZE]]
            if progress is not None:
                progress(start, len(nos), f"{doc_type} {chunk[0]}")
            results += [r.__dict__ for r in self._post_together(doc_type, chunk, ship, invoice, posting_date, {})]
        if progress is not None:
            progress(len(nos), len(nos), "done")
        return pd.DataFrame(results, columns=RESULT_COLUMNS)

    def _post_together(
        self,
        doc_type: str,
        nos: list[str],
        ship: bool,
        invoice: bool,
        posting_date: dt.date | None,
        quantities: Mapping[int, Decimal],
    ) -> list[PostingResult]:
        """Post ``nos`` in one transaction, each in its own savepoint; a failure is kept on its header."""
        results = []
        with self._engine.begin() as c:
            master, series = MasterData(c), NumberBlocks(c, len(nos))
            for no in nos:
                mark = series.mark()
                try:
                    with c.begin_nested():
                        posted = self._post(c, master, series, doc_type, no, ship, invoice, posting_date, quantities)
                    results.append(PostingResult(doc_type, no, "posted", **posted))
                except DOCUMENT_ERRORS as exc:
                    series.restore(mark)
                    message = _message(exc)
                    c.execute(
                        _SET_ERROR,
                        {
                            "b_doc_type": doc_type,
                            "b_no": no,
                            "posting_error": message[:MAX_ERROR_LENGTH],
                            "updated_at": utcnow(),
                        },
                    )
                    results.append(PostingResult(doc_type, no, "error", error=message))
            series.close()
        return results

    # --- the posting itself -------------------------------------------------------------------------

    def _post(
        self,
        c: Connection,
        master: MasterData,
        series: NumberBlocks,
        doc_type: str,
        no: str,
        ship: bool,
        invoice: bool,
        posting_date: dt.date | None,
        quantities: Mapping[int, Decimal],
    ) -> dict[str, str | None]:
        head = header_row(c, doc_type, no, lock=True)
        if head["posted"]:
            raise InvalidState(
                f"it is posted already (last posting {head['last_posting_no'] or head['last_shipment_no']})"
            )
        lines = document_lines(c, doc_type, no)
        date = posting_date or head["posting_date"] or today()
        master.prefetch("customer", [head["sell_to_customer_no"], head["bill_to_customer_no"]])
        master.prefetch("item", [x.no for x in lines if x.type == "item"])
        master.prefetch("gl_account", [x.no for x in lines if x.type == "gl_account"])
        master.prefetch("location", [x.location_code for x in lines])
        _check_customer(master, head["sell_to_customer_no"])
        _check_customer(master, head["bill_to_customer_no"])

        to_ship: dict[int, Decimal] = {}
        to_invoice: dict[int, Decimal] = {}
        if doc_type == "order":
            if ship:
                to_ship = _quantities_to_ship(lines, quantities)
            if invoice:
                to_invoice = {
                    x.line_no: x.quantity_shipped + to_ship.get(x.line_no, ZERO) - x.quantity_invoiced
                    for x in lines
                    if x.type != "comment"
                }
        else:
            to_invoice = {x.line_no: x.quantity - x.quantity_invoiced for x in lines if x.type != "comment"}
        to_ship = {k: q for k, q in to_ship.items() if q}
        to_invoice = {k: q for k, q in to_invoice.items() if q}
        if not to_ship and not to_invoice:
            raise PostingError("there is nothing to post")
        by_no = {x.line_no: x for x in lines}
        for line_no in {*to_ship, *to_invoice}:
            _check_line(master, by_no[line_no])
        # stock moves with the shipment (orders) or with the invoice / credit memo (no shipment there)
        moving = to_ship if doc_type == "order" else to_invoice
        sign = 1 if doc_type == "credit_memo" else -1
        if self.prevent_negative_inventory and sign < 0:
            _check_enough_stock(c, master, [(by_no[k], q) for k, q in moving.items()])

        writer = DocumentWriter(c, head, date, master=master, series=series)
        shipment_no = invoice_no = credit_memo_no = None
        if to_ship:
            shipment_no = writer.shipment([LinePosting(by_no[k], q) for k, q in sorted(to_ship.items())])
        if to_invoice:
            postings = [LinePosting(by_no[k], q) for k, q in sorted(to_invoice.items())]
            if doc_type == "credit_memo":
                credit_memo_no = writer.credit_memo(postings)
            else:
                invoice_no = writer.invoice(postings, take_stock=doc_type == "invoice")
        changes = []
        for line in lines:
            shipped = to_ship.get(line.line_no, ZERO) if doc_type == "order" else to_invoice.get(line.line_no, ZERO)
            invoiced = to_invoice.get(line.line_no, ZERO)
            if shipped or invoiced:
                changes.append(
                    {
                        "b_doc_type": doc_type,
                        "b_no": no,
                        "b_line_no": line.line_no,
                        "quantity_shipped": line.quantity_shipped + shipped,
                        "quantity_invoiced": line.quantity_invoiced + invoiced,
                    }
                )
        if changes:
            c.execute(_SET_LINE_QUANTITIES, changes)
        done = all(
            line.type == "comment"
            or (
                (
                    line.quantity_shipped
                    + (to_ship.get(line.line_no, ZERO) if doc_type == "order" else to_invoice.get(line.line_no, ZERO))
                )
                == line.quantity
                and line.quantity_invoiced + to_invoice.get(line.line_no, ZERO) == line.quantity
            )
            for line in lines
        )
        c.execute(
            _SET_POSTED,
            {
                "b_doc_type": doc_type,
                "b_no": no,
                "posted": done,
                "posting_date": date,
                "last_shipment_no": shipment_no or head["last_shipment_no"],
                "last_posting_no": invoice_no or credit_memo_no or head["last_posting_no"],
                "updated_at": utcnow(),
            },
        )
        return {"shipment_no": shipment_no, "invoice_no": invoice_no, "credit_memo_no": credit_memo_no}


def _quantities_to_ship(lines: list[SalesLine], quantities: Mapping[int, Decimal]) -> dict[int, Decimal]:
    result = {}
    for line in lines:
        if line.type == "comment":
            continue
        qty = Decimal(quantities[line.line_no]) if line.line_no in quantities else line.outstanding
        if (line.outstanding >= 0 and not ZERO <= qty <= line.outstanding) or (
            line.outstanding < 0 and not line.outstanding <= qty <= ZERO
        ):
            raise PostingError(
                f"line {line.line_no}: cannot ship {plain(qty)}, {plain(line.outstanding)} is outstanding"
            )
        result[line.line_no] = qty
    unknown = set(quantities) - {x.line_no for x in lines}
    if unknown:
        raise PostingError(f"line {sorted(unknown)[0]} does not exist")
    return result


def _check_customer(master: MasterData, no: str) -> None:
    row = master.customer(no)
    if row is None:
        raise PostingError(f"customer {no} does not exist")
    if row["blocked"]:
        raise PostingError(f"customer {no} is blocked")


def _check_line(master: MasterData, line: SalesLine) -> None:
    where = f"line {line.line_no}"
    if line.type == "gl_account":
        account = master.gl_account(line.no)
        if account is None:
            raise PostingError(f"{where}: G/L account {line.no} does not exist")
        if account["blocked"]:
            raise PostingError(f"{where}: G/L account {line.no} is blocked")
        return
    item = master.item(line.no)
    if item is None:
        raise PostingError(f"{where}: item {line.no} does not exist")
    if item["blocked"]:
        raise PostingError(f"{where}: item {line.no} is blocked")
    if line.variant_code:
        variant = master.variant(line.no, line.variant_code)
        if variant is None or variant["blocked"]:
            state = "does not exist" if variant is None else "is blocked"
            raise PostingError(f"{where}: variant {line.variant_code} of item {line.no} {state}")
    if item["type"] == "inventory":
        if not line.location_code:
            raise PostingError(f"{where}: item {line.no} keeps stock, so the line needs a location code")
        location = master.location(line.location_code)
        if location is None or location["blocked"]:
            raise PostingError(f"{where}: location {line.location_code} is blocked or does not exist")


def _check_enough_stock(c: Connection, master: MasterData, moves: list[tuple[SalesLine, Decimal]]) -> None:
    needed: dict[tuple[str, str, str], Decimal] = {}
    for line, qty in moves:
        if line.type != "item" or qty <= 0 or not master.is_inventory(line.no):
            continue
        key = (line.no, line.variant_code, line.location_code or "")
        needed[key] = needed.get(key, ZERO) + qty
    for key, qty in needed.items():
        have = on_hand_by_key(c, key[0], key[2]).get(key, ZERO)
        if have < qty:
            variant = f" variant {key[1]}" if key[1] else ""
            raise PostingError(f"item {key[0]}{variant} at {key[2]}: {plain(have)} on hand, {plain(qty)} needed")


def _message(exc: Exception) -> str:
    if isinstance(exc, IntegrityError | DataError):
        return f"database refused the posting: {str(exc.orig).strip().splitlines()[0]}"
    if isinstance(exc, NotFound | ConfigError | InvalidState | PostingError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


__all__ = ["Posting", "PostingError", "PostingResult"]
