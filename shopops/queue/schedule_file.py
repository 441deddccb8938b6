"""Recurring entries declared in a TOML file (``shopops schedule apply FILE.toml``).

The format is documented in docs/schedule.md, with a commented example in schedule.example.toml::

    [[entry]]
    key = "orders-15min"              # names the entry: applying the file again updates it, never adds
    report = "sync-orders"
    shop = "DEMO"                     # no category given: the shop card's (SHOPIFY unless changed)
    every_minutes = 15
    weekdays = "Mon-Fri"
    between = ["06:00", "22:00"]
    tz = "Europe/Copenhagen"
    max_attempts = 3
    rerun_delay_s = 60

Applying the same file twice changes nothing. An entry whose definition changed keeps its history and
gets its next run recomputed. With ``prune`` the entries an earlier apply made that the file no longer
declares are deleted.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
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
    "stop_on_error",
    "description",
    "on_hold",
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
DOCS = "docs/schedule.md"

CategoryOf = Callable[[str], "str | None"]


@dataclass
class ApplyResult:
    """What an apply did, by entry key."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_running: list[str] = field(default_factory=list)  # to be removed, but in process right now
    pruned: bool = False

    def __str__(self) -> str:
        text = f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        if self.pruned:
            text += f", {len(self.removed)} removed"
        if self.kept_running:
            text += (
                f"; {len(self.kept_running)} not in the file but in process now "
                f"({', '.join(self.kept_running)}): prune again when they have finished"
            )
        return text


def load(path: Path) -> list[dict[str, Any]]:
    """The ``[[entry]]`` tables of a schedule file, each checked for unknown and missing keys."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read the schedule file: {exc}") from None
    entries = data.get("entry", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(str(path), f"declares no [[entry]] tables (the format: {DOCS})")
    seen: set[str] = set()
    for i, item in enumerate(entries, 1):
        unknown = set(item) - ENTRY_KEYS
        if unknown:
            raise ConfigError(f"entry {i}.{sorted(unknown)[0]}", f"unknown key; use {', '.join(sorted(ENTRY_KEYS))}")
        if not item.get("key"):
            raise ConfigError(
                f"entry {i}.key",
                "is required: a name of your choosing that identifies the entry when the file is applied again",
            )
        if not item.get("report"):
            raise ConfigError(f"entry {i}.report", "is required: a report name or BC id (`shopops reports`)")
        if item["key"] in seen:
            raise ConfigError(f"entry {i}.key", f"{item['key']!r} is used twice")
        seen.add(item["key"])
    return entries


def _values(queue: JobQueue, item: dict[str, Any], category_of: CategoryOf | None) -> dict[str, Any]:
    """The entry's column values, checked; its category is the file's, else its shop card's."""
    recurrence = Recurrence(
        every_minutes=item.get("every_minutes"),
        weekdays=item.get("weekdays"),
        between=tuple(item["between"]) if item.get("between") else None,
        at=item.get("at"),
        date_formula=item.get("date_formula"),
        tz=item.get("tz", "UTC"),
    )
    shop = item.get("shop")
    name, params = queue.validator(item["report"], shop, item.get("params", {}))
    if "category" in item:
        category = item["category"] or None  # category = "" runs the entry outside any category
    else:
        category = category_of(shop) if shop and category_of else None
    values = queue.entry_values(
        name,
        shop=shop,
        params=params,
        category=category,
        priority=item.get("priority", "normal"),
        recurrence=recurrence,
        max_attempts=item.get("max_attempts", 1),
        rerun_delay_s=item.get("rerun_delay_s", 0),
        description=item.get("description"),
        on_hold=bool(item.get("on_hold", False)),
        stop_on_error=item.get("stop_on_error", False),
    )
    values["schedule_key"] = item["key"]
    return values


def apply(queue: JobQueue, path: Path, *, prune: bool = False, category_of: CategoryOf | None = None) -> ApplyResult:
    """Create or update the file's entries; everything is checked before anything is written.

    ``category_of(shop)`` gives the category of an entry that names a shop and no category (the workspace
    passes the shop card's). With ``prune`` the entries of earlier applies that the file no longer declares
    are deleted (their log stays); one that is running is left, and named in the result.
    """
    prepared = []
    for i, item in enumerate(load(path), 1):
        try:
            prepared.append(_values(queue, item, category_of))
        except ConfigError as exc:
            raise ConfigError(f"{path.name} entry {i} ({item['key']!r})", str(exc)) from None
    result = ApplyResult(pruned=prune)
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
    if prune:
        declared = {values["schedule_key"] for values in prepared}
        with queue.engine.connect() as conn:
            applied = conn.execute(select(e.c.id, e.c.schedule_key).where(e.c.schedule_key.is_not(None))).all()
        for entry_id, key in sorted(applied, key=lambda row: row[1]):
            if key in declared:
                continue
            if queue.store.delete_entry(entry_id):
                result.removed.append(key)
            else:
                result.kept_running.append(key)
    return result
