"""Master data read once per transaction: customers, items, variants, locations, G/L accounts, carriers.

Creating or posting a document used to read the same customer, item or location once per line (and once
per document in a batch). :class:`MasterData` reads each row once on its connection and keeps it for the
life of the object, which the callers bound to one document or one batch transaction, so that a change to
master data is seen by the next call. The statements are built once, at import, and reused with bind
parameters: building a Core statement costs more than running it on SQLite.

    master = MasterData(conn)
    master.prefetch_items(["1000", "2000"])        # one IN query for a document's lines
    master.item("1000")                            # the row as a dict, or None
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, select

from shopops.store import tables as t

Row = dict[str, Any]


def _by_key(table: Table, key: str) -> Select[Any]:
    return select(table).where(table.c[key] == bindparam("key"))


def _by_keys(table: Table, key: str) -> Select[Any]:
    return select(table).where(table.c[key].in_(bindparam("keys", expanding=True)))


# (table, key column) per kind of master record, with its one-row and many-rows statements
_TABLES: dict[str, tuple[Table, str]] = {
    "customer": (t.erp_customer, "no"),
    "item": (t.erp_item, "no"),
    "location": (t.erp_location, "code"),
    "gl_account": (t.erp_gl_account, "no"),
    "shipping_agent": (t.erp_shipping_agent, "code"),
}
_ONE = {kind: _by_key(table, key) for kind, (table, key) in _TABLES.items()}
_MANY = {kind: _by_keys(table, key) for kind, (table, key) in _TABLES.items()}
_KEY = {kind: key for kind, (_, key) in _TABLES.items()}
_IV = t.erp_item_variant
_VARIANT = select(_IV).where(_IV.c.item_no == bindparam("item_no"), _IV.c.code == bindparam("code"))


class MasterData:
    """Rows of the master tables, each read at most once on ``conn`` (None is remembered too)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._rows: dict[tuple[str, Any], Row | None] = {}

    def _get(self, kind: str, key: Any) -> Row | None:
        cache_key = (kind, key)
        if cache_key not in self._rows:
            row = self.conn.execute(_ONE[kind], {"key": key}).mappings().first()
            self._rows[cache_key] = dict(row) if row is not None else None
        return self._rows[cache_key]

    def prefetch(self, kind: str, keys: Iterable[Any]) -> None:
        """Read the rows of ``keys`` not read yet in one query (missing ones are remembered as None)."""
        wanted = {k for k in keys if k and (kind, k) not in self._rows}
        if not wanted:
            return
        if len(wanted) == 1:
            self._get(kind, next(iter(wanted)))
            return
        key = _KEY[kind]
        for row in self.conn.execute(_MANY[kind], {"keys": sorted(wanted)}).mappings():
            self._rows[(kind, row[key])] = dict(row)
        for k in wanted:
            self._rows.setdefault((kind, k), None)

    def customer(self, no: str) -> Row | None:
        """The customer's row, or None."""
        return self._get("customer", no)

    def item(self, no: str) -> Row | None:
        """The item's row, or None."""
        return self._get("item", no)

    def location(self, code: str) -> Row | None:
        """The location's row, or None."""
        return self._get("location", code)

    def gl_account(self, no: str) -> Row | None:
        """The G/L account's row, or None."""
        return self._get("gl_account", no)

    def shipping_agent(self, code: str) -> Row | None:
        """The shipping agent's row, or None."""
        return self._get("shipping_agent", code)

    def variant(self, item_no: str, code: str) -> Row | None:
        """The item variant's row, or None."""
        cache_key = ("variant", (item_no, code))
        if cache_key not in self._rows:
            row = self.conn.execute(_VARIANT, {"item_no": item_no, "code": code}).mappings().first()
            self._rows[cache_key] = dict(row) if row is not None else None
        return self._rows[cache_key]

    def is_inventory(self, item_no: str) -> bool:
        """Whether the item keeps stock (False when it does not exist)."""
        row = self.item(item_no)
        return row is not None and row["type"] == "inventory"

    def forget(self, kind: str, key: Any) -> None:
        """Drop one remembered row (after the caller changed it in this transaction)."""
        self._rows.pop((kind, key), None)


def loose_code(value: Any) -> str:
    """A best guess at the code a value becomes (for prefetching only; validation happens later)."""
    return value.strip().upper() if isinstance(value, str) else ""
