"""The job queue as pandas DataFrames: the columns people filter, sort and plot on."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from shopops.queue.recurrence import Recurrence
from shopops.store import tables as t

E = t.job_queue_entry
L = t.job_queue_log_entry

ENTRY_COLUMNS = [
    "id",
    "report",
    "shop",
    "category",
    "status",
    "priority",
    "next_run",
    "recurrence",
    "attempts",
    "max_attempts",
    "error",
    "progress",
    "worker",
    "last_status",
    "last_start",
    "last_duration_s",
    "description",
    "expiration",
    "updated",
]
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
    """One row per entry, with its last run joined in."""
    last_ids = select(L.c.entry_id, func.max(L.c.id).label("last_id")).group_by(L.c.entry_id).subquery()
    last = L.alias("last")
    query = (
        select(
            E,
            last.c.status.label("last_status"),
            last.c.started_at.label("last_start"),
            last.c.ended_at.label("last_end"),
        )
        .outerjoin(last_ids, last_ids.c.entry_id == E.c.id)
        .outerjoin(last, last.c.id == last_ids.c.last_id)
        .order_by(E.c.id)
    )
    if status is not None:
        query = query.where(E.c.status.in_([status] if isinstance(status, str) else status))
    if shop is not None:
        query = query.where(E.c.shop_code == shop)
    if report is not None:
        query = query.where(E.c.report == report)
    if category is not None:
        query = query.where(E.c.category_code == category)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    records = []
    for row in rows:
        recurrence = Recurrence.from_columns(dict(row))
        records.append(
            {
                "id": row["id"],
                "report": row["report"],
                "shop": row["shop_code"],
                "category": row["category_code"],
                "status": row["status"],
                "priority": row["priority"],
                "next_run": row["earliest_start_at"],
                "recurrence": str(recurrence) if recurrence else "",
                "attempts": row["attempts"],
                "max_attempts": row["max_attempts"],
                "error": row["last_error"],
                "progress": row["progress"],
                "worker": row["worker_id"],
                "last_status": row["last_status"],
                "last_start": row["last_start"],
                "last_duration_s": _duration(row["last_start"], row["last_end"]),
                "description": row["description"],
                "expiration": row["expiration_at"],
                "updated": row["updated_at"],
            }
        )
    frame = pd.DataFrame(records, columns=ENTRY_COLUMNS)
    for col in ("next_run", "last_start", "expiration", "updated"):
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
