"""What the reports remember between runs: cursors per shop and kind, and the skipped-record log."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update

from shopops.store import tables as t
from shopops.store.types import utcnow

C = t.sync_cursor
S = t.skipped_record


def get_cursor(engine: Engine | Connection, shop: str, kind: str) -> dt.datetime | None:
    """The time the last sync of ``kind`` for ``shop`` started, or None before the first one."""
    query = select(C.c.synced_at).where(C.c.shop_code == shop, C.c.kind == kind)
    if isinstance(engine, Connection):
        return engine.execute(query).scalar_one_or_none()
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def set_cursor(engine: Engine, shop: str, kind: str, synced_at: dt.datetime | None) -> None:
    """Save the cursor (taken before paging, saved after); None forgets it (the next run starts afresh)."""
    now = utcnow()
    with engine.begin() as conn:
        if synced_at is None:
            conn.execute(delete(C).where(C.c.shop_code == shop, C.c.kind == kind))
            return
        changed = conn.execute(
            update(C).where(C.c.shop_code == shop, C.c.kind == kind).values(synced_at=synced_at, updated_at=now)
        ).rowcount
        if not changed:
            conn.execute(insert(C).values(shop_code=shop, kind=kind, synced_at=synced_at, updated_at=now))


#: Seconds read again before a cursor: Shopify stamps whole seconds, so a change made in the second the last
#: run started would be missed by ``updated_at:>cursor``. Re-reading it costs little (it compares equal).
OVERLAP_S = 2


def updated_since(cursor: dt.datetime | None) -> str:
    """Shopify search text for records updated after the cursor, less the overlap ('' for all)."""
    if cursor is None:
        return ""
    since = cursor.astimezone(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=OVERLAP_S)
    return f"updated_at:>'{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'"


def record_skip(engine: Engine, shop: str | None, report: str, record_type: str, record_id: str, reason: str) -> None:
    """Log a record a report passed over, with the precise reason; the run goes on.

    One row per shop, report, record and reason: passing the same record over again for the same reason
    counts it (``count``, ``last_seen_at``) instead of adding a row, so the log reads as a to-do list.
    """
    now = utcnow()
    key = str(record_id)[:100]
    same = (
        (S.c.shop_code.is_(None) if shop is None else S.c.shop_code == shop)
        & (S.c.report == report)
        & (S.c.record_type == record_type)
        & (S.c.record_id == key)
        & (S.c.reason == reason)
    )
    with engine.begin() as conn:
        seen = conn.execute(update(S).where(same).values(count=S.c.count + 1, last_seen_at=now)).rowcount
        if not seen:
            conn.execute(
                insert(S).values(
                    shop_code=shop,
                    report=report,
                    record_type=record_type,
                    record_id=key,
                    reason=reason,
                    created_at=now,
                    last_seen_at=now,
                    count=1,
                )
            )


def skipped_records(engine: Engine, shop: str | None = None, report: str | None = None) -> pd.DataFrame:
    """The skipped-record log: one row per record and reason, how often and when last, newest first."""
    query = select(S).order_by(S.c.last_seen_at.desc(), S.c.id.desc())
    if shop is not None:
        query = query.where(S.c.shop_code == shop)
    if report is not None:
        query = query.where(S.c.report == report)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    columns = ["id", "shop_code", "report", "record_type", "record_id", "reason", "count", "created_at", "last_seen_at"]
    return pd.DataFrame(rows, columns=[*columns, "log_entry_id"])[columns]
