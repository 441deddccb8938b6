"""The list of job queue entries, as one plain SQL statement per dialect and the records it gives.

Both ``ws.queue.entries()`` (a DataFrame) and ``shopops queue list`` (a text table, read through the bare
driver so that the command starts without SQLAlchemy or pandas) use this one statement, so the two
always show the same thing. Nothing here imports more than the standard library and the recurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from shopops.queue.recurrence import Recurrence

UTC = dt.UTC

#: The columns of a listed entry, in order.
COLUMNS = [
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
TIME_COLUMNS = ("next_run", "last_start", "expiration", "updated")

_SELECT = """
SELECT e.id, e.report, e.shop_code, e.category_code, e.status, e.priority, e.earliest_start_at,
       e.recurring, e.weekdays, e.starting_time, e.ending_time, e.every_minutes, e.date_formula, e.timezone,
       e.attempts, e.max_attempts, e.last_error, e.progress, e.worker_id, e.description, e.expiration_at,
       e.updated_at, l.status, l.started_at, l.ended_at
FROM job_queue_entry e
LEFT JOIN job_queue_log_entry l
       ON l.id = (SELECT max(x.id) FROM job_queue_log_entry x WHERE x.entry_id = e.id)
"""
_FILTERS = {"shop": "e.shop_code", "report": "e.report", "category": "e.category_code"}


def query(
    postgres: bool,
    *,
    status: str | Sequence[str] | None = None,
    shop: str | None = None,
    report: str | None = None,
    category: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The statement and its parameters, in the driver's own style (``%(name)s`` or ``:name``)."""

    def mark(name: str) -> str:
        return f"%({name})s" if postgres else f":{name}"

    where: list[str] = []
    params: dict[str, Any] = {}
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        names = [f"status{i}" for i in range(len(statuses))]
        params.update(zip(names, statuses, strict=True))
        where.append(f"e.status IN ({', '.join(mark(n) for n in names)})" if names else "1 = 0")
    for name, value in (("shop", shop), ("report", report), ("category", category)):
        if value is not None:
            where.append(f"{_FILTERS[name]} = {mark(name)}")
            params[name] = value
    sql = _SELECT + (f"WHERE {' AND '.join(where)}\n" if where else "") + "ORDER BY e.id"
    return sql, params


def _time(value: Any) -> dt.datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive UTC text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def records(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """The statement's rows as records with ``COLUMNS``."""
    out = []
    for row in rows:
        (
            entry_id,
            report,
            shop,
            category,
            status,
            priority,
            next_run,
            recurring,
            weekdays,
            starting_time,
            ending_time,
            every_minutes,
            date_formula,
            timezone,
            attempts,
            max_attempts,
            error,
            progress,
            worker,
            description,
            expiration,
            updated,
            last_status,
            last_start,
            last_end,
        ) = row
        recurrence = Recurrence.from_columns(
            {
                "recurring": bool(recurring),
                "weekdays": weekdays,
                "starting_time": starting_time,
                "ending_time": ending_time,
                "every_minutes": every_minutes,
                "date_formula": date_formula,
                "timezone": timezone,
            }
        )
        started, ended = _time(last_start), _time(last_end)
        out.append(
            {
                "id": entry_id,
                "report": report,
                "shop": shop,
                "category": category,
                "status": status,
                "priority": priority,
                "next_run": _time(next_run),
                "recurrence": str(recurrence) if recurrence else "",
                "attempts": attempts,
                "max_attempts": max_attempts,
                "error": error,
                "progress": progress,
                "worker": worker,
                "last_status": last_status,
                "last_start": started,
                "last_duration_s": (ended - started).total_seconds() if started and ended else None,
                "description": description,
                "expiration": _time(expiration),
                "updated": _time(updated),
            }
        )
    return out
