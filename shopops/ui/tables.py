"""The job queue's entries and log as people read them: formatted text, coloured by status.

    log_table(ws.queue.log())          # id, entry, report, shop, status, start, duration, API cost,
                                       # one column per stat (read, created, ...), error
    entries_table(ws.queue.entries())  # id, report, shop, category, status, next run, ...
    style_by_status(log_table(...))    # a pandas Styler, coloured by status

The queue's own frames keep their types (datetimes, floats, the stats dict) for pandas work; these
tables are for the eye only: a duration reads "0.04 s", a cost "2", a date stays on one line, each stat
has its own column, nothing shows "nan" or "None", and a long error is cut with "…" (the whole error and
its traceback are one click away in the view).
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from shopops.ui._common import STATUS_COLOURS, text_or_none

STAT_ORDER = ("read", "created", "updated", "unchanged", "skipped", "failed")
"""Stats shown first, in this order; any other stat follows in alphabetical order."""

ERROR_WIDTH = 120
"""Characters of an error shown in a table; the rest is cut with an ellipsis."""

NO_WRAP = "\u00a0"
"""A non-breaking space: date and time of a cell stay on one line in any table."""


def _missing(value: Any) -> bool:
    return text_or_none(value) is None


def seconds_text(value: Any) -> str:
    """A duration: "0.04 s", "12.3 s", "2 min 5 s"; "" when there is none (a run still going)."""
    if _missing(value):
        return ""
    seconds = float(value)
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def number_text(value: Any) -> str:
    """A count or cost: 2.0 as "2", 0.5 as "0.5", 14276.0 as "14276"; "" for none."""
    if _missing(value) or not isinstance(value, numbers.Real):
        return "" if _missing(value) else str(value)
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").rstrip(".")


def when_text(value: Any) -> str:
    """A timestamp as ``2026-05-01 14:03:07`` (UTC) on one line; "" for none."""
    if _missing(value):
        return ""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_convert(dt.UTC) if stamp.tzinfo is not None else stamp
    return stamp.strftime(f"%Y-%m-%d{NO_WRAP}%H:%M:%S")


def short_text(value: Any, width: int = ERROR_WIDTH) -> str:
    """Text cut to ``width`` characters with "…" (an error's first line is what a table needs)."""
    text = text_or_none(value)
    if text is None:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def stat_columns(stats: pd.Series) -> pd.DataFrame:
    """One column per stat that any row has (counts as numbers, "" where a run has none), plus API calls.

    ``stats`` holds each run's stats dict; its nested ``api`` part gives the ``API calls`` column, the
    rest of it (throttle waits, retries) stays in the database and the run's details.
    """
    rows: list[dict[str, Any]] = []
    for value in stats:
        row: dict[str, Any] = {}
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "api":
                    if isinstance(item, dict) and "calls" in item:
                        row["API calls"] = item["calls"]
                elif isinstance(item, numbers.Real | str) and not isinstance(item, bool):
                    row[key] = item
        rows.append(row)
    names = {key for row in rows for key in row}
    order = [s for s in STAT_ORDER if s in names] + sorted(names - set(STAT_ORDER) - {"API calls"})
    if "API calls" in names:
        order.append("API calls")
    columns = {
        name.replace("_", " "): [number_text(row[name]) if name in row else "" for row in rows] for name in order
    }
    return pd.DataFrame(columns, index=stats.index, dtype=object)


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    """``ws.queue.log()`` for the eye: formatted durations, costs and dates, stats as columns, error last."""
    shown = pd.DataFrame(
        {
            "id": log["id"].map(number_text),
            "entry": log["entry_id"].map(number_text),
            "report": log["report"].map(short_text),
            "shop": log["shop"].map(short_text),
            "status": log["status"].map(short_text),
            "start": log["start"].map(when_text),
            "duration": log["duration_s"].map(seconds_text),
            "API cost": log["api_cost"].map(number_text),
        },
        index=log.index,
        dtype=object,
    )
    return pd.concat([shown, stat_columns(log["stats"]), log["error"].map(short_text).rename("error")], axis=1)


def entries_table(entries: pd.DataFrame) -> pd.DataFrame:
    """``ws.queue.entries()`` for the eye: dates on one line, no "None", the last error cut short."""
    return pd.DataFrame(
        {
            "id": entries["id"].map(number_text),
            "report": entries["report"].map(short_text),
            "shop": entries["shop"].map(short_text),
            "category": entries["category"].map(short_text),
            "status": entries["status"].map(short_text),
            "next run": entries["next_run"].map(when_text),
            "recurrence": entries["recurrence"].map(short_text),
            "attempts": entries["attempts"].map(number_text),
            "error": entries["error"].map(short_text),
        },
        index=entries.index,
        dtype=object,
    )


def style_by_status(table: pd.DataFrame) -> Styler:
    """A Styler of a table above that colours the status column (ready blue, in process yellow, error red)."""

    def colour(value: Any) -> str:
        return f"background-color: {STATUS_COLOURS[value]}" if value in STATUS_COLOURS else ""

    styler = table.style.hide(axis="index")
    if "status" in table.columns:
        styler = styler.map(colour, subset=["status"])
    return styler
