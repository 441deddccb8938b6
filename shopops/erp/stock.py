"""Stock: item ledger entries, and what is on hand, reserved, available and projected.

Stock changes only by adding entries (BC's Item Ledger Entries); on hand is their sum per item, variant
and location. Reserved is what unposted sales orders and invoices still have to ship; available is on
hand minus reserved; projected adds back what unposted credit memos will restock.

    erp.stock.adjust("1000", "MAIN", Decimal(5))           # +5 (a positive adjustment)
    erp.stock.set_quantity("1000", "MAIN", Decimal(12))     # a count: posts the difference
    erp.stock.available("1000", location_code="MAIN")
    erp.stock.levels()                                      # DataFrame per item/variant/location
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select

from shopops.erp import validation as v
from shopops.erp._base import begin, frame, reading, today
from shopops.errors import ConfigError, NotFound
from shopops.store import tables as t
from shopops.store.types import utcnow

SE = t.erp_stock_entry
SH = t.erp_sales_header
SL = t.erp_sales_line

ZERO = Decimal(0)
Key = tuple[str, str, str]  # item no., variant code, location code
LEVEL_COLUMNS = ["item_no", "variant_code", "location_code", "on_hand", "reserved", "available", "projected"]


def insert_entry(
    conn: Connection,
    *,
    item_no: str,
    location_code: str,
    quantity: Decimal,
    entry_type: str,
    variant_code: str = "",
    document_type: str = "",
    document_no: str = "",
    document_line_no: int | None = None,
    description: str = "",
    posting_date: dt.date | None = None,
) -> int:
    """Write one stock entry in the caller's transaction (the posting engine checks before calling)."""
    values = entry_values(
        item_no=item_no,
        location_code=location_code,
        quantity=quantity,
        entry_type=entry_type,
        variant_code=variant_code,
        document_type=document_type,
        document_no=document_no,
        document_line_no=document_line_no,
        description=description,
        posting_date=posting_date,
    )
    return int(conn.execute(insert(SE).values(**values).returning(SE.c.id)).scalar_one())


_INSERT_ENTRIES = insert(SE)


def entry_values(
    *,
    item_no: str,
    location_code: str,
    quantity: Decimal,
    entry_type: str,
    variant_code: str = "",
    document_type: str = "",
    document_no: str = "",
    document_line_no: int | None = None,
    description: str = "",
    posting_date: dt.date | None = None,
) -> dict[str, Any]:
    """The columns of one stock entry, for :func:`insert_entries`."""
    return {
        "entry_type": entry_type,
        "item_no": item_no,
        "variant_code": variant_code,
        "location_code": location_code,
        "quantity": quantity,
        "document_type": document_type,
        "document_no": document_no,
        "document_line_no": document_line_no,
        "description": description[:100],
        "posting_date": posting_date or today(),
        "created_at": utcnow(),
    }


def insert_entries(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Write many stock entries with one statement (a posting's lines), in the caller's transaction."""
    if rows:
        conn.execute(_INSERT_ENTRIES, rows)


def on_hand_by_key(
    conn: Connection, item_no: str | None = None, location_code: str | None = None
) -> dict[Key, Decimal]:
    """Sum of stock entries per (item, variant, location), exact on both backends.

    PostgreSQL sums NUMERIC exactly; SQLite keeps amounts as text and would sum them as floats, so there
    the rows are streamed and summed in Python.
    """
    keys = (SE.c.item_no, SE.c.variant_code, SE.c.location_code)
    filters = []
    if item_no is not None:
        filters.append(SE.c.item_no == item_no)
    if location_code is not None:
        filters.append(SE.c.location_code == location_code)
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    if conn.dialect.name == "postgresql":
        for item, variant, location, qty in conn.execute(
            select(*keys, func.sum(SE.c.quantity)).where(*filters).group_by(*keys)
        ):
            totals[(item, variant, location)] = Decimal(qty)
        return dict(totals)
    rows = conn.execution_options(yield_per=5000).execute(select(*keys, SE.c.quantity).where(*filters))
    for item, variant, location, qty in rows:
        totals[(item, variant, location)] += qty
    return dict(totals)


def outstanding_by_key(
    conn: Connection,
    document_types: Iterable[str],
    item_no: str | None = None,
    location_code: str | None = None,
) -> dict[Key, Decimal]:
    """Quantity still to ship (orders, invoices) or restock (credit memos) on unposted documents."""
    query = (
        select(SL.c.no, SL.c.variant_code, SL.c.location_code, SL.c.quantity, SL.c.quantity_shipped)
        .join(SH, (SH.c.document_type == SL.c.document_type) & (SH.c.no == SL.c.document_no))
        .where(SH.c.posted.is_(False), SL.c.type == "item", SL.c.document_type.in_(tuple(document_types)))
    )
    if item_no is not None:
        query = query.where(SL.c.no == item_no)
    if location_code is not None:
        query = query.where(SL.c.location_code == location_code)
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for item, variant, location, qty, shipped in conn.execute(query):
        if qty - shipped:
            totals[(item, variant, location or "")] += qty - shipped
    return dict(totals)


class Stock:
    """Stock entries and levels of the ERP's items."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def adjust(
        self,
        item_no: str,
        location_code: str,
        quantity: Decimal | int | str,
        *,
        variant_code: str = "",
        document_no: str = "",
        description: str = "",
        posting_date: dt.date | None = None,
        conn: Connection | None = None,
    ) -> int:
        """Post a positive or negative adjustment; returns the entry id. The item must keep stock."""
        qty = v.decimal(quantity, "quantity", required=True)
        if qty == 0:
            raise ConfigError("quantity", "an adjustment of 0 changes nothing")
        with begin(self._engine, conn) as c:
            item, variant, location = self._check_key(c, item_no, variant_code, location_code)
            return insert_entry(
                c,
                item_no=item,
                variant_code=variant,
                location_code=location,
                quantity=qty,
                entry_type="positive_adjustment" if qty > 0 else "negative_adjustment",
                document_type="adjustment",
                document_no=v.code(document_no, "document_no", 20, required=False),
                description=description,
                posting_date=posting_date,
            )

    def set_quantity(
        self,
        item_no: str,
        location_code: str,
        counted: Decimal | int | str,
        *,
        variant_code: str = "",
        document_no: str = "",
        posting_date: dt.date | None = None,
        conn: Connection | None = None,
    ) -> Decimal:
        """A physical count: post the difference to what is on hand (nothing when it matches).

        Returns the difference posted. Counting the same quantity again posts nothing, so a stock file
        loaded twice never doubles the stock.
        """
        qty = v.decimal(counted, "quantity", required=True, minimum=ZERO)
        with begin(self._engine, conn) as c:
            item, variant, location = self._check_key(c, item_no, variant_code, location_code)
            current = on_hand_by_key(c, item, location).get((item, variant, location), ZERO)
            delta = qty - current
            if delta:
                insert_entry(
                    c,
                    item_no=item,
                    variant_code=variant,
                    location_code=location,
                    quantity=delta,
                    entry_type="positive_adjustment" if delta > 0 else "negative_adjustment",
                    document_type="physical_count",
                    document_no=v.code(document_no, "document_no", 20, required=False),
                    posting_date=posting_date,
                )
            return delta

    def _check_key(self, c: Connection, item_no: str, variant_code: str, location_code: str) -> Key:
        item = v.code(item_no, "item_no", 20)
        variant = v.code(variant_code, "variant_code", 10, required=False)
        location = v.code(location_code, "location_code", 10)
        row = c.execute(select(t.erp_item.c.type).where(t.erp_item.c.no == item)).first()
        if row is None:
            raise NotFound(f"item {item} does not exist")
        if row.type != "inventory":
            raise ConfigError("item_no", f"item {item} is a {row.type} item and keeps no stock")
        if variant:
            iv = t.erp_item_variant
            if c.execute(select(iv.c.code).where(iv.c.item_no == item, iv.c.code == variant)).first() is None:
                raise NotFound(f"variant {variant} of item {item} does not exist")
        loc = t.erp_location
        if c.execute(select(loc.c.code).where(loc.c.code == location)).first() is None:
            raise NotFound(f"location {location} does not exist")
        return item, variant, location

    # --- levels -------------------------------------------------------------------------------------

    def on_hand(self, item_no: str, *, variant_code: str = "", location_code: str | None = None) -> Decimal:
        """Quantity on hand of an item and variant, at one location or all."""
        return self._level(item_no, variant_code, location_code)["on_hand"]

    def reserved(self, item_no: str, *, variant_code: str = "", location_code: str | None = None) -> Decimal:
        """Quantity unposted sales orders and invoices still have to ship."""
        return self._level(item_no, variant_code, location_code)["reserved"]

    def available(self, item_no: str, *, variant_code: str = "", location_code: str | None = None) -> Decimal:
        """On hand minus reserved."""
        return self._level(item_no, variant_code, location_code)["available"]

    def projected(self, item_no: str, *, variant_code: str = "", location_code: str | None = None) -> Decimal:
        """Available plus what unposted credit memos will restock."""
        return self._level(item_no, variant_code, location_code)["projected"]

    def _level(self, item_no: str, variant_code: str, location_code: str | None) -> dict[str, Decimal]:
        item = item_no.strip().upper()
        variant = variant_code.strip().upper()
        location = location_code.strip().upper() if location_code is not None else None
        with self._engine.connect() as c:
            levels = _levels(c, item, location)
        totals = dict.fromkeys(LEVEL_COLUMNS[3:], ZERO)
        for (_, var, _), level in levels.items():
            if var == variant:
                for name in totals:
                    totals[name] += level[name]
        return totals

    def levels(self, *, item_no: str | None = None, location_code: str | None = None) -> pd.DataFrame:
        """on_hand, reserved, available, projected per item, variant and location (Decimal values)."""
        item = item_no.strip().upper() if item_no else None
        location = location_code.strip().upper() if location_code else None
        with self._engine.connect() as c:
            levels = _levels(c, item, location)
        rows: list[dict[str, Any]] = [
            {"item_no": k[0], "variant_code": k[1], "location_code": k[2], **level}
            for k, level in sorted(levels.items())
        ]
        return frame(rows, LEVEL_COLUMNS)

    def entries(
        self, *, item_no: str | None = None, location_code: str | None = None, document_no: str | None = None
    ) -> pd.DataFrame:
        """The stock entries, oldest first, optionally of one item, location or document."""
        query = select(SE).order_by(SE.c.id)
        if item_no:
            query = query.where(SE.c.item_no == item_no.strip().upper())
        if location_code:
            query = query.where(SE.c.location_code == location_code.strip().upper())
        if document_no:
            query = query.where(SE.c.document_no == document_no.strip().upper())
        with reading(self._engine, None) as c:
            return frame(list(c.execute(query).mappings()), [col.name for col in SE.c])


def _levels(c: Connection, item_no: str | None, location_code: str | None) -> dict[Key, dict[str, Decimal]]:
    on_hand = on_hand_by_key(c, item_no, location_code)
    reserved = outstanding_by_key(c, ("order", "invoice"), item_no, location_code)
    returning = outstanding_by_key(c, ("credit_memo",), item_no, location_code)
    result: dict[Key, dict[str, Decimal]] = {}
    for key in set(on_hand) | set(reserved) | set(returning):
        have, res, ret = on_hand.get(key, ZERO), reserved.get(key, ZERO), returning.get(key, ZERO)
        result[key] = {"on_hand": have, "reserved": res, "available": have - res, "projected": have - res + ret}
    return result
