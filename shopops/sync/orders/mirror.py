"""Writing the Shopify order mirror: staging ("orders to import"), one order with its related rows,
error marks, and the "reset cursor" action. Every function takes an open connection (or an engine) and
makes no API call, so no transaction ever waits on Shopify.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, insert, select, update

from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync import state
from shopops.sync.orders.conflicts import conflict_message, find_conflicts
from shopops.sync.orders.parse import OrderData, Row

STAGING = t.shopify_order_to_import
HEADER = t.shopify_order
CURSOR_KIND = "orders"

#: Header columns still refreshed on a processed order in conflict (the rest stays as the document saw it).
STATUS_COLUMNS = (
    "shopify_updated_at",
    "cancelled_at",
    "cancel_reason",
    "closed",
    "closed_at",
    "financial_status",
    "fulfillment_status",
    "return_status",
    "fully_paid",
    "unpaid",
    "refundable",
    "refunded_amount",
    "outstanding_amount",
    "risk_level",
    "high_risk",
    "tags",
    "data_hash",
)
#: Related tables replaced on every import, and those kept on a conflict (the lines the document was made from).
CHILD_TABLES: tuple[Table, ...] = (
    t.shopify_order_line,
    t.shopify_order_shipping_line,
    t.shopify_order_tax_line,
    t.shopify_order_transaction,
    t.shopify_fulfillment_order,
    t.shopify_fulfillment_order_line,
    t.shopify_refund,
    t.shopify_refund_line,
)
KEPT_ON_CONFLICT = ("shopify_order_line", "shopify_order_shipping_line", "shopify_order_tax_line")


# ------------------------------------------------------------------ staging


def header_ids(conn: Connection, shop: str, order_ids: Iterable[int]) -> set[int]:
    """Which of ``order_ids`` already have a header in the mirror."""
    ids = list(order_ids)
    if not ids:
        return set()
    query = select(HEADER.c.id).where(HEADER.c.shop_code == shop, HEADER.c.id.in_(ids))
    return set(conn.execute(query).scalars())


def updated_ats(conn: Connection, shop: str, order_ids: Iterable[int]) -> dict[int, dt.datetime | None]:
    """Shopify's ``updatedAt`` of each of ``order_ids`` the mirror holds as Shopify had it then: an order
    staged with the same time has not changed since it was read, and need not be read again. An order whose
    data hash an unlink forgot, or whose lines a conflict kept as the document saw them, has no time here:
    it is read again."""
    ids = list(order_ids)
    out: dict[int, dt.datetime | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(HEADER.c.id, HEADER.c.shopify_updated_at, HEADER.c.data_hash, HEADER.c.has_conflict).where(
            HEADER.c.shop_code == shop, HEADER.c.id.in_(chunk)
        )
        out.update(
            {
                row.id: row.shopify_updated_at if row.data_hash is not None and not row.has_conflict else None
                for row in conn.execute(query)
            }
        )
    return out


def staging_ids(conn: Connection, shop: str, order_ids: Iterable[int]) -> dict[int, int]:
    """The staging row id of each of ``order_ids`` that is staged."""
    ids = list(order_ids)
    query = select(STAGING.c.order_id, STAGING.c.id).where(STAGING.c.shop_code == shop, STAGING.c.order_id.in_(ids))
    return {r.order_id: r.id for r in conn.execute(query)} if ids else {}


def stage_rows(conn: Connection, shop: str, rows: list[Row], existing: set[int]) -> int:
    """Upsert one page of staging rows (BC's rule: an update, or a new order that is not closed); the
    number staged. ``existing`` holds the ids that have a header (their import action is "update")."""
    now = utcnow()
    staged = 0
    already = {
        r.order_id: r.id
        for r in conn.execute(
            select(STAGING.c.id, STAGING.c.order_id).where(
                STAGING.c.shop_code == shop, STAGING.c.order_id.in_([r["order_id"] for r in rows])
            )
        )
    }
    for row in rows:
        action = "update" if row["order_id"] in existing else "new"
        if action == "new" and row["closed"]:
            continue
        values = {**row, "import_action": action, "staged_at": now}
        if row["order_id"] in already:
            conn.execute(update(STAGING).where(STAGING.c.id == already[row["order_id"]]).values(**values))
        else:
            conn.execute(insert(STAGING).values(shop_code=shop, **values))
        staged += 1
    return staged


def staged_rows(engine: Engine, shop: str, batch: int = 200) -> Iterator[Row]:
    """Every staging row of ``shop`` in entry order, read in batches (memory stays flat)."""
    last = 0
    while True:
        with engine.connect() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(STAGING)
                    .where(STAGING.c.shop_code == shop, STAGING.c.id > last)
                    .order_by(STAGING.c.id)
                    .limit(batch)
                ).mappings()
            ]
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def mark_staging_error(engine: Engine, staging_id: int, message: str) -> None:
    """Keep a staging row for the next run, with the reason its import failed."""
    with engine.begin() as conn:
        conn.execute(update(STAGING).where(STAGING.c.id == staging_id).values(has_error=True, error_message=message))


def drop_staging(conn: Connection, staging_id: int) -> None:
    """Delete a staging row once its order is imported."""
    conn.execute(delete(STAGING).where(STAGING.c.id == staging_id))


# ------------------------------------------------------------------ one order


def stored_lines(conn: Connection, shop: str, order_id: int) -> dict[int, Row]:
    """The mirror's lines of an order (id, title, quantities), by id: what an edit is compared with."""
    line = t.shopify_order_line
    query = select(line.c.id, line.c.title, line.c.quantity, line.c.current_quantity).where(
        line.c.shop_code == shop, line.c.order_id == order_id
    )
    return {int(r["id"]): dict(r) for r in conn.execute(query).mappings()}


def stored_order(conn: Connection, shop: str, order_id: int) -> tuple[Row | None, set[int]]:
    """The stored header (or None) and the ids of its stored refunds."""
    header = conn.execute(select(HEADER).where(HEADER.c.shop_code == shop, HEADER.c.id == order_id)).mappings().first()
    refund = t.shopify_refund
    refunds = set(
        conn.execute(select(refund.c.id).where(refund.c.shop_code == shop, refund.c.order_id == order_id)).scalars()
    )
    return (dict(header) if header else None), refunds


def plan_order(conn: Connection, shop: str, data: OrderData, return_refund_process: str = "") -> tuple[str, str | None]:
    """What importing ``data`` would do: ("new" | "update" | "unchanged" | "conflict", conflict reason)."""
    stored, refund_ids = stored_order(conn, shop, data.order_id)
    if stored is None:
        return "new", None
    if stored.get("data_hash") == data.header["data_hash"]:
        return "unchanged", stored.get("conflict_reason")
    lines = stored_lines(conn, shop, data.order_id) if data.header.get("edited") else None
    reasons = find_conflicts(stored, refund_ids, data, return_refund_process, lines)
    if reasons:
        return "conflict", conflict_message(reasons)
    return "update", stored.get("conflict_reason")


def write_order(
    conn: Connection, shop: str, data: OrderData, return_refund_process: str = ""
) -> tuple[str, str | None]:
    """Insert or update one order and its related rows, in the caller's transaction.

    Returns what :func:`plan_order` said. A processed order in conflict keeps its lines, shipping and
    tax lines (what the document was made from) and gets ``has_conflict`` + ``conflict_reason``; its
    statuses, transactions, fulfillment orders and refunds are still refreshed.
    """
    action, reason = plan_order(conn, shop, data, return_refund_process)
    if action == "unchanged":
        return action, reason
    now = utcnow()
    key = (HEADER.c.shop_code == shop) & (HEADER.c.id == data.order_id)
    if action == "new":
        conn.execute(insert(HEADER).values(shop_code=shop, imported_at=now, **data.header))
    elif action == "conflict":
        values = {c: data.header[c] for c in STATUS_COLUMNS}
        conn.execute(
            update(HEADER).where(key).values(imported_at=now, has_conflict=True, conflict_reason=reason, **values)
        )
    else:
        conn.execute(update(HEADER).where(key).values(imported_at=now, **data.header))
    children = data.tables()
    for table in CHILD_TABLES:
        if action == "conflict" and table.name in KEPT_ON_CONFLICT:
            continue
        rows = [{"shop_code": shop, **row} for row in children[table.name]]
        kept = _erp_side_state(conn, table, shop, data.order_id, rows)
        conn.execute(delete(table).where(table.c.shop_code == shop, table.c.order_id == data.order_id))
        # rows new to the mirror take the columns' defaults; one statement per shape of row
        fresh = [row for row in rows if _key(table, row) not in kept]
        known = [{**row, **kept[_key(table, row)]} for row in rows if _key(table, row) in kept]
        for group in (fresh, known):
            if group:
                conn.execute(insert(table), group)
    return action, reason


def insert_new_orders(conn: Connection, shop: str, orders: list[OrderData], staging_ids: Iterable[int] = ()) -> None:
    """Insert orders the mirror does not hold yet with their related rows, one statement per table, and drop
    their staging rows: a bulk read brings thousands of new orders, and a statement per table and chunk costs
    a fraction of one per row. (What ``write_order`` does for a new order, without the reads it needs for
    an update.)"""
    if not orders:
        return
    now = utcnow()
    conn.execute(insert(HEADER), [{"shop_code": shop, "imported_at": now, **data.header} for data in orders])
    for table in CHILD_TABLES:
        rows = [{"shop_code": shop, **row} for data in orders for row in data.tables()[table.name]]
        if rows:
            conn.execute(insert(table), rows)
    ids = list(staging_ids)
    if ids:
        conn.execute(delete(STAGING).where(STAGING.c.id.in_(ids)))


def _key(table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(c.name) for c in table.primary_key.columns)


def _erp_side_state(
    conn: Connection, table: Table, shop: str, order_id: int, rows: list[Row]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """What the ERP side already did with a child row (a refund's ``processed``, a document link, an error
    flag): every column the parsed rows do not carry, by the row's key, so that re-writing an order from
    Shopify keeps it. Without this a re-import would turn a refund credited before back into a new one."""
    if not rows:
        return {}
    parsed = set().union(*(row.keys() for row in rows))
    erp_side = [c for c in table.columns if c.name not in parsed]
    if not erp_side:
        return {}
    keys = list(table.primary_key.columns)
    query = select(*keys, *erp_side).where(table.c.shop_code == shop, table.c.order_id == order_id)
    return {
        tuple(r[c.name] for c in keys): {c.name: r[c.name] for c in erp_side} for r in conn.execute(query).mappings()
    }


# ------------------------------------------------------------------ reading and the cursor


def orders_frame(engine: Engine, shop: str) -> Any:
    """The mirror's order headers of ``shop`` as a DataFrame (newest first), for notebooks and tests."""
    import pandas as pd

    with engine.connect() as conn:
        rows = conn.execute(
            select(HEADER).where(HEADER.c.shop_code == shop).order_by(HEADER.c.shopify_updated_at.desc())
        ).mappings()
        return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in HEADER.c])


def reset_order_cursor(ws_or_engine: Any, shop: str, since: dt.datetime | None) -> None:
    """BC's "reset cursor to a date": the next sync-orders reads orders updated after ``since``;
    None forgets the cursor, so the next run takes the open orders again, as the first run did."""
    engine: Engine = getattr(ws_or_engine, "engine", ws_or_engine)
    if since is not None and since.tzinfo is None:
        raise ValueError(f"naive datetime {since!r}: pass an aware datetime (UTC)")
    state.set_cursor(engine, shop, CURSOR_KIND, since)


#: Columns a checksum leaves out: when this database wrote the row, not what Shopify said.
LOCAL_COLUMNS = frozenset({"imported_at"})


def checksum(engine: Engine, shop: str, order_ids: Iterable[int] | None = None) -> str:
    """A hash over every mirror row of ``shop`` (header and related tables, in key order, without the local
    import time), or of the orders ``order_ids``: two mirrors with the same checksum hold the same orders,
    whichever path read them."""
    import hashlib
    import json

    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in (HEADER, *CHILD_TABLES):
            columns = [c for c in table.columns if c.name not in LOCAL_COLUMNS]
            query = select(*columns).where(table.c.shop_code == shop).order_by(*table.primary_key.columns)
            if order_ids is not None:
                query = query.where((table.c.id if table is HEADER else table.c.order_id).in_(list(order_ids)))
            digest.update(table.name.encode())
            for row in conn.execute(query):
                digest.update(json.dumps(list(row), default=str, sort_keys=True).encode())
    return digest.hexdigest()


def counts(engine: Engine, shop: str) -> Mapping[str, int]:
    """Rows per mirror table for ``shop`` (handy in tests and notebooks)."""
    from sqlalchemy import func

    out: dict[str, int] = {}
    with engine.connect() as conn:
        for table in (STAGING, HEADER, *CHILD_TABLES):
            out[table.name] = conn.execute(
                select(func.count()).select_from(table).where(table.c.shop_code == shop)
            ).scalar_one()
    return out
