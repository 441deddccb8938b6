"""Recurring entries declared in a TOML file (``shopops schedule apply FILE.toml``).

    [[entry]]
    key = "orders-15min"              # names the entry: applying the file again updates it, never adds
    report = "sync-orders"
    shop = "DEMO"
    category = "SHOPIFY"
    every_minutes = 15
    weekdays = "Mon-Fri"
    between = ["06:00", "22:00"]
    tz = "Europe/Copenhagen"
    max_attempts = 3
    rerun_delay_s = 60
    params = { }

Applying the same file twice changes nothing. An entry whose definition changed keeps its history and
gets its next run recomputed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from shopops.errors import ConfigError
from shopops.queue.job_queue import JobQueue
from shopops.queue.recurrence import Recurrence
from shopops.store import tables as t

ENTRY_KEYS = {
    "key",
    "report",
    "shop",
    "category",
    "priority",
    "params",
    "every_minutes",
    "weekdays",
    "between",
    "at",
    "date_formula",
    "tz",
    "max_attempts",
    "rerun_delay_s",
    "description",
    "on_hold",
    "stop_on_error",
}
DEFINITION_COLUMNS = (
    "report",
    "shop_code",
    "parameters",
    "category_code",
    "priority",
    "weekdays",
    "starting_time",
    "ending_time",
    "every_minutes",
    "date_formula",
    "timezone",
    "max_attempts",
    "rerun_delay_s",
    "stop_on_error",
    "description",
)


@dataclass
class ApplyResult:
    """What an apply did, by entry key."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


def load(path: Path) -> list[dict[str, Any]]:
    """The ``[[entry]]`` tables of a schedule file, each checked for unknown keys."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read the schedule file: {exc}") from None
    entries = data.get("entry", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(str(path), "declares no [[entry]] tables")
    seen: set[str] = set()
    for i, item in enumerate(entries, 1):
        unknown = set(item) - ENTRY_KEYS
        if unknown:
            raise ConfigError(f"entry {i}.{sorted(unknown)[0]}", f"unknown key; use {', '.join(sorted(ENTRY_KEYS))}")
        for required in ("key", "report"):
            if not item.get(required):
                raise ConfigError(f"entry {i}.{required}", "is required")
        if item["key"] in seen:
            raise ConfigError(f"entry {i}.key", f"{item['key']!r} is used twice")
        seen.add(item["key"])
    return entries


def apply(queue: JobQueue, path: Path) -> ApplyResult:
    """Create or update the file's entries; everything is checked before anything is written."""
    prepared = []
    for item in load(path):
        recurrence = Recurrence(
            every_minutes=item.get("every_minutes"),
            weekdays=item.get("weekdays"),
            between=tuple(item["between"]) if item.get("between") else None,
            at=item.get("at"),
            date_formula=item.get("date_formula"),
            tz=item.get("tz", "UTC"),
        )
        name, params = queue.validator(item["report"], item.get("shop"), item.get("params", {}))
        values = queue.entry_values(
            name,
            shop=item.get("shop"),
            params=params,
            category=item.get("category"),
            priority=item.get("priority", "normal"),
            recurrence=recurrence,
            max_attempts=item.get("max_attempts", 1),
            rerun_delay_s=item.get("rerun_delay_s", 0),
            description=item.get("description"),
            on_hold=bool(item.get("on_hold", False)),
            stop_on_error=item.get("stop_on_error", False),
        )
        values["schedule_key"] = item["key"]
        prepared.append(values)
    result = ApplyResult()
    e = t.job_queue_entry
    for values in prepared:
        key = values["schedule_key"]
        with queue.engine.connect() as conn:
            row = conn.execute(select(e).where(e.c.schedule_key == key)).mappings().first()
        if row is None:
            queue.store.insert_entry(values)
            result.created.append(key)
            continue
        changes = {c: values[c] for c in DEFINITION_COLUMNS if row[c] != values[c]}
        if not changes:
            result.unchanged.append(key)
            continue
        changes["earliest_start_at"] = values["earliest_start_at"]
        if not queue.store.update_entry(row["id"], None, **changes):
            raise ConfigError(key, "the entry vanished while applying; apply again")
        result.updated.append(key)
    return result
