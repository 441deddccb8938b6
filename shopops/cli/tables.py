"""Text tables for the command line: an empty cell instead of None or NaN, one line per row, long text
cut with an ellipsis, times in UTC to the second, numbers right-aligned.

It takes plain records (dicts), so that a command which read the database through the bare driver can
print without pandas; a DataFrame is turned into records first (``records_of``).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

ELLIPSIS = "…"
DEFAULT_WIDTH = 40
#: Columns that hold long text, and how much of it a table shows.
WIDTHS = {"error": 60, "description": 40, "recurrence": 64, "progress": 30, "worker": 40, "url": 40}
_MISSING_TYPES = {"NaTType", "NAType"}


def is_missing(value: Any) -> bool:
    """None, NaN, pandas' NaT and NA: everything a table shows as an empty cell."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in _MISSING_TYPES


def cut(text: str, width: int) -> str:
    """The first line of ``text``, at most ``width`` characters; anything cut off shows as an ellipsis."""
    lines = text.strip().splitlines()
    first = lines[0].rstrip() if lines else ""
    if len(first) > width:
        return first[: max(width - 1, 0)].rstrip() + ELLIPSIS
    return first + (f" {ELLIPSIS}" if len(lines) > 1 and len(first) + 2 <= width else "")


def cell(value: Any, width: int = DEFAULT_WIDTH) -> str:
    """One value as table text."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number) or number == int(number):
            return str(number) if not math.isfinite(number) else str(int(number))
        return f"{number:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, Mapping):
        return cut(", ".join(f"{k} {v}" for k, v in value.items() if not isinstance(v, Mapping)), width)
    return cut(str(value), width)


def _numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if not is_missing(v)]
    return bool(present) and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in present)


def render(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], widths: Mapping[str, int] | None = None) -> str:
    """``rows`` as an aligned table of ``columns``; ``(none)`` when there are no rows. ``widths`` overrides
    how much of a column's text is shown."""
    if not rows:
        return "(none)"
    limits = {**WIDTHS, **(widths or {})}
    texts = [[cell(row.get(col), limits.get(col, DEFAULT_WIDTH)) for col in columns] for row in rows]
    sizes = [max(len(col), *(len(r[i]) for r in texts)) for i, col in enumerate(columns)]
    right = [_numeric([row.get(col) for row in rows]) for col in columns]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, sizes, right, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(columns), *(line(r) for r in texts)])


def records_of(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows as records (its missing values stay recognisable to ``is_missing``)."""
    return [dict(zip(frame.columns, row, strict=True)) for row in frame.itertuples(index=False, name=None)]
