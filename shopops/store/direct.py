"""A bare driver connection for a quick read, where importing SQLAlchemy would cost more than the query.

``shopops queue list`` reads through it and starts in a tenth of a second instead of a second and a half.
It only ever serves a database that is there and at this shopops's schema: anything else (no file, an
old schema, a server that does not answer) gives None, and the caller opens the database the ordinary
way, which explains what is wrong.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from shopops.store.urls import SCHEMA_HEAD, backend, normalise_url, sqlite_path

BUSY_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 5


@contextlib.contextmanager
def connect(url: str) -> Iterator[tuple[Any, bool] | None]:
    """``(DB-API connection, is_postgres)`` for a database at ``SCHEMA_HEAD``, or None; closed afterwards."""
    conn, postgres = _open(url)
    if conn is None:
        yield None
        return
    try:
        yield (conn, postgres) if _revision(conn) == SCHEMA_HEAD else None
    finally:
        conn.close()


def _open(url: str) -> tuple[Any, bool]:
    full = normalise_url(url)
    name = backend(full)
    if name == "sqlite":
        path = sqlite_path(full)
        if path is None or not path.is_file():
            return None, False
        try:
            # mode=rw: never create a file here; a missing one is explained by the ordinary way in
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error:
            return None, False
        return conn, False
    if name == "postgresql" and full.startswith(("postgresql://", "postgresql+psycopg://")):
        try:
            import psycopg

            pg: Any = psycopg.connect(
                "postgresql://" + full.split("://", 1)[1], connect_timeout=CONNECT_TIMEOUT_S, autocommit=True
            )
        except Exception:  # no driver, no server, a URL option libpq does not take: the ordinary way explains
            return None, True
        return pg, True
    return None, False


def _revision(conn: Any) -> str | None:
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT version_num FROM alembic_version")
        row = cursor.fetchone()
    except Exception:  # no version table, not a database: the ordinary way explains
        return None
    return row[0] if row else None


def fetch_all(conn: Any, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run one read and return its rows."""
    cursor = conn.cursor()
    cursor.execute(sql, params)
    return list(cursor.fetchall())
