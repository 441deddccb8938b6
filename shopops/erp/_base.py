"""Plumbing shared by the ERP modules: transactions that callers may join, and rows made into records."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, insert, select, update

from shopops.errors import ConfigError, NotFound
from shopops.store.types import UTC, utcnow

T = TypeVar("T")


@contextmanager
def begin(engine: Engine, conn: Connection | None) -> Iterator[Connection]:
    """The caller's connection (its transaction), or a new transaction committed at the end."""
    if conn is not None:
        yield conn
        return
    with engine.begin() as new:
        yield new


@contextmanager
def reading(engine: Engine, conn: Connection | None) -> Iterator[Connection]:
    """The caller's connection, or a new one for reading."""
    if conn is not None:
        yield conn
        return
    with engine.connect() as new:
        yield new


def today() -> dt.date:
    """Today's date in UTC: the default posting date."""
    return dt.datetime.now(UTC).date()


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return names


def record(cls: type[T], row: Mapping[Any, Any], **extra: Any) -> T:
    """A dataclass ``cls`` from the row's columns that it has fields for."""
    names = _field_names(cls)
    values = {k: v for k, v in row.items() if k in names}
    values.update(extra)
    return cls(**values)


def frame(rows: Iterable[Mapping[Any, Any]], columns: list[str]) -> pd.DataFrame:
    """A DataFrame with the given columns even when there are no rows (money stays Decimal)."""
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


class MasterTable(Generic[T]):
    """Reads and writes of one master table keyed by a single code column (items, customers, locations).

    Subclasses set ``table``, ``key``, ``record_type``, ``label`` and implement ``clean`` which turns
    keyword arguments into checked column values.
    """

    table: Table
    key: str = "no"
    record_type: type[T]
    label: str = "record"
    clean: Callable[..., dict[str, Any]]

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def _has_timestamps(self) -> bool:
        return "updated_at" in self.table.c

    def find(self, key: str, *, conn: Connection | None = None) -> T | None:
        """The record, or None."""
        with reading(self._engine, conn) as c:
            row = c.execute(select(self.table).where(self.table.c[self.key] == key.strip().upper())).mappings().first()
        return record(self.record_type, row) if row is not None else None

    def get(self, key: str, *, conn: Connection | None = None) -> T:
        """The record; NotFound names it when it does not exist."""
        found = self.find(key, conn=conn)
        if found is None:
            raise NotFound(f"{self.label} {key!r} does not exist")
        return found

    def __getitem__(self, key: str) -> T:
        return self.get(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key) is not None

    def __len__(self) -> int:
        with self._engine.connect() as c:
            return int(c.execute(select(func.count()).select_from(self.table)).scalar_one())

    def frame(self) -> pd.DataFrame:
        """Every record as a DataFrame, in key order."""
        with self._engine.connect() as c:
            rows = list(c.execute(select(self.table).order_by(self.table.c[self.key])).mappings())
        return frame(rows, [col.name for col in self.table.c])

    def add(self, key: str, /, *, conn: Connection | None = None, **fields: Any) -> T:
        """Create a record; ConfigError when the key is taken."""
        values = self.clean(key=key, **fields)
        with begin(self._engine, conn) as c:
            if c.execute(select(self.table.c[self.key]).where(self.table.c[self.key] == values[self.key])).first():
                raise ConfigError(self.key, f"{self.label} {values[self.key]} exists already; use update()")
            self._insert(c, values)
            return self.get(values[self.key], conn=c)

    def update(self, key: str, /, *, conn: Connection | None = None, **changes: Any) -> T:
        """Change some fields of a record; NotFound when it does not exist."""
        with begin(self._engine, conn) as c:
            current = self.get(key, conn=c)
            merged = {**dataclasses.asdict(current), **changes}  # type: ignore[call-overload]
            merged.pop(self.key, None)
            values = self.clean(key=key, **{k: v for k, v in merged.items() if k not in ("created_at", "updated_at")})
            self._write_changes(c, values, dataclasses.asdict(current))  # type: ignore[call-overload]
            return self.get(values[self.key], conn=c)

    def upsert(self, key: str, /, *, conn: Connection | None = None, **fields: Any) -> str:
        """Insert, or update the given fields of an existing record: "inserted", "updated" or "unchanged"."""
        with begin(self._engine, conn) as c:
            current = self.find(key, conn=c)
            if current is None:
                self._insert(c, self.clean(key=key, **fields))
                return "inserted"
            old = dataclasses.asdict(current)  # type: ignore[call-overload]
            merged = {k: v for k, v in old.items() if k not in (self.key, "created_at", "updated_at")}
            merged.update(fields)
            return "updated" if self._write_changes(c, self.clean(key=key, **merged), old) else "unchanged"

    def _insert(self, c: Connection, values: dict[str, Any]) -> None:
        if self._has_timestamps:
            now = utcnow()
            values = {**values, "created_at": now, "updated_at": now}
        c.execute(insert(self.table).values(**values))

    def _write_changes(self, c: Connection, values: dict[str, Any], old: dict[str, Any]) -> bool:
        changed = {k: v for k, v in values.items() if k != self.key and old.get(k) != v}
        if not changed:
            return False
        if self._has_timestamps:
            changed["updated_at"] = utcnow()
        c.execute(update(self.table).where(self.table.c[self.key] == values[self.key]).values(**changed))
        return True
