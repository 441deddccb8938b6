"""The job queue as pandas DataFrames: the columns people filter, sort and plot on."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from shopops.queue import listing
from shopops.store import tables as t

L = t.job_queue_log_entry

ENTRY_COLUMNS = listing.COLUMNS
LOG_COLUMNS = [
    "id",
    "entry_id",
    "report",
    "shop",
    "category",
    "status",
    "start",
    "end",
    "duration_s",
    "error",
    "api_cost",
    "attempt",
    "worker",
    "foreground",
    "stats",
]


def _duration(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    return (end - start).total_seconds() if start and end else None


def entries(
    engine: Engine,
    *,
    status: str | list[str] | None = None,
    shop: str | None = None,
    report: str | None = None,
    category: str | None = None,
) -> pd.DataFrame:
    """One row per entry, with its last run joined in (the statement of ``shopops.queue.listing``)."""
    sql, params = listing.query(
        engine.dialect.name == "postgresql", status=status, shop=shop, report=report, category=category
    )
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(sql, params).all()
    frame = pd.DataFrame(listing.records(rows), columns=ENTRY_COLUMNS)
    for col in listing.TIME_COLUMNS:
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def log(
    engine: Engine,
    *,
    entry_id: int | None = None,
    shop: str | None = None,
    report: str | None = None,
    status: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per run, newest first."""
    query = select(L).order_by(L.c.id.desc())
    if entry_id is not None:
        query = query.where(L.c.entry_id == entry_id)
    if shop is not None:
        query = query.where(L.c.shop_code == shop)
    if report is not None:
        query = query.where(L.c.report == report)
    if status is not None:
        query = query.where(L.c.status == status)
    if since is not None:
        query = query.where(L.c.started_at >= since)
    if until is not None:
        query = query.where(L.c.started_at < until)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    records = [
        {
            "id": row["id"],
            "entry_id": row["entry_id"],
            "report": row["report"],
            "shop": row["shop_code"],
            "category": row["category_code"],
            "status": row["status"],
            "start": row["started_at"],
            "end": row["ended_at"],
            "duration_s": _duration(row["started_at"], row["ended_at"]),
            "error": row["error_message"],
            "api_cost": row["api_cost"],
            "attempt": row["attempt"],
            "worker": row["worker_id"],
            "foreground": bool(row["foreground"]),
            "stats": row["stats"],
        }
        for row in rows
    ]
    frame = pd.DataFrame(records, columns=LOG_COLUMNS)
    frame["entry_id"] = frame["entry_id"].astype("Int64")
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame
