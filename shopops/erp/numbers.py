"""Number series (BC's No. Series): the next document number, safe under concurrent posting.

A series is created on first use with the default prefix below. The increment is one
``UPDATE ... RETURNING`` inside the caller's transaction, so a number is never handed out twice and a
rolled-back posting gives its number back.

A batch (many documents in one transaction) takes its numbers through :class:`NumberBlocks`: one UPDATE
reserves a block, documents take numbers from it in memory, a document rolled back to its savepoint gives
its numbers back (``mark``/``restore``), and ``close`` returns what the batch did not use, so that the
series stays without gaps exactly as if the documents had been numbered one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Connection, bindparam, insert, select, update
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


_TAKE = (
    update(N)
    .where(N.c.code == bindparam("series"))
    .values(last_no=N.c.last_no + bindparam("count"))
    .returning(N.c.prefix, N.c.digits, N.c.last_no)
)
_GIVE_BACK = (
    update(N)
    .where(N.c.code == bindparam("series"), N.c.last_no == bindparam("reserved"))
    .values(last_no=bindparam("used"))
)
_CREATE = insert(N)


def _take(conn: Connection, series: str, count: int) -> tuple[str, int, int]:
    """Advance ``series`` by ``count`` (creating it on first use): (prefix, digits, new last no.)."""
    params = {"series": series, "count": count}
    row = conn.execute(_TAKE, params).first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(
                    _CREATE,
                    {
                        "code": series,
                        "prefix": DEFAULT_PREFIXES.get(series, series.upper()[:10]),
                        "digits": DEFAULT_DIGITS,
                    },
                )
        except IntegrityError:
            pass  # created by a concurrent transaction meanwhile
        row = conn.execute(_TAKE, params).first()
        assert row is not None
    prefix, digits, last = row
    return str(prefix), int(digits), int(last)


def next_no(conn: Connection, series: str) -> str:
    """Take the next number of ``series`` (prefix + zero-padded counter) in the caller's transaction."""
    prefix, digits, last = _take(conn, series, 1)
    return f"{prefix}{last:0{digits}d}"


@dataclass(frozen=True)
class _Block:
    prefix: str
    digits: int
    next: int  # the next number to hand out
    reserved: int  # the series' last no. in the database (the block's end)


class NumberBlocks:
    """Numbers of several series for one transaction, reserved ``size`` at a time (see the module doc)."""

    def __init__(self, conn: Connection, size: int = 1) -> None:
        self.conn = conn
        self.size = max(1, size)
        self._blocks: dict[str, _Block] = {}

    def next_no(self, series: str) -> str:
        """The next number of ``series``; a new block is reserved when the current one is used up."""
        block = self._blocks.get(series)
        if block is None or block.next > block.reserved:
            prefix, digits, last = _take(self.conn, series, self.size)
            block = _Block(prefix, digits, last - self.size + 1, last)
        self._blocks[series] = replace(block, next=block.next + 1)
        return f"{block.prefix}{block.next:0{block.digits}d}"

    def mark(self) -> dict[str, _Block]:
        """The state to go back to when the next document rolls back to its savepoint."""
        return dict(self._blocks)

    def restore(self, mark: dict[str, _Block]) -> None:
        """Give back the numbers taken since ``mark`` (a reservation made since is rolled back with them)."""
        self._blocks = dict(mark)

    def close(self) -> None:
        """Return the numbers reserved and not used, so that the series has no gap; call before commit."""
        for series, block in self._blocks.items():
            if block.next <= block.reserved:
                self.conn.execute(_GIVE_BACK, {"series": series, "reserved": block.reserved, "used": block.next - 1})
        self._blocks.clear()


def set_series(conn: Connection, series: str, *, prefix: str, digits: int = DEFAULT_DIGITS, last_no: int = 0) -> None:
    """Create or change a series (for example to continue an existing ERP's numbering)."""
    exists = conn.execute(select(N.c.code).where(N.c.code == series)).first()
    values = {"prefix": prefix, "digits": digits, "last_no": last_no}
    if exists:
        conn.execute(update(N).where(N.c.code == series).values(**values))
    else:
        conn.execute(insert(N).values(code=series, **values))
