"""Number series (BC's No. Series): the next document number, safe under concurrent posting.

A series is created on first use with the default prefix below. The increment is one
``UPDATE ... RETURNING`` inside the caller's transaction, so a number is never handed out twice and a
rolled-back posting gives its number back.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from shopops.store import tables as t

N = t.erp_no_series

SALES_ORDER = "sales_order"
SALES_INVOICE = "sales_invoice"
SALES_CREDIT_MEMO = "sales_credit_memo"
POSTED_SHIPMENT = "posted_shipment"
POSTED_INVOICE = "posted_invoice"
POSTED_CREDIT_MEMO = "posted_credit_memo"

DEFAULT_PREFIXES = {
    SALES_ORDER: "SO",
    SALES_INVOICE: "SI",
    SALES_CREDIT_MEMO: "SCM",
    POSTED_SHIPMENT: "SSH",
    POSTED_INVOICE: "PSI",
    POSTED_CREDIT_MEMO: "PSCM",
}
DEFAULT_DIGITS = 6

SERIES_FOR_DOCUMENT = {"order": SALES_ORDER, "invoice": SALES_INVOICE, "credit_memo": SALES_CREDIT_MEMO}


def next_no(conn: Connection, series: str) -> str:
    """Take the next number of ``series`` (prefix + zero-padded counter) in the caller's transaction."""
    statement = (
        update(N)
        .where(N.c.code == series)
        .values(last_no=N.c.last_no + 1)
        .returning(N.c.prefix, N.c.digits, N.c.last_no)
    )
    row = conn.execute(statement).first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(N).values(
                        code=series, prefix=DEFAULT_PREFIXES.get(series, series.upper()[:10]), digits=DEFAULT_DIGITS
                    )
                )
        except IntegrityError:
            pass  # created by a concurrent transaction meanwhile
        row = conn.execute(statement).first()
        assert row is not None
    prefix, digits, last = row
    return f"{prefix}{last:0{digits}d}"


def set_series(conn: Connection, series: str, *, prefix: str, digits: int = DEFAULT_DIGITS, last_no: int = 0) -> None:
    """Create or change a series (for example to continue an existing ERP's numbering)."""
    exists = conn.execute(select(N.c.code).where(N.c.code == series)).first()
    values = {"prefix": prefix, "digits": digits, "last_no": last_no}
    if exists:
        conn.execute(update(N).where(N.c.code == series).values(**values))
    else:
        conn.execute(insert(N).values(code=series, **values))
