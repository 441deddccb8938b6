"""Engines for SQLite (the embedded default) and PostgreSQL (several hosts).

SQLite is set up the way a queue on one file needs it: WAL so that readers never block the writer,
a busy timeout on every connection, foreign keys on, and every transaction begun IMMEDIATE so that a
read-then-write can never fail with an instant SQLITE_BUSY.

Durability on SQLite is a setting of the workspace (see docs/durability.md): ``synchronous=full`` (the
default) syncs the WAL on every commit, so an acknowledged enqueue or a finished run's log entry survives
a power loss or an OS crash, as on PostgreSQL; ``synchronous=normal`` syncs only at checkpoints, which is
faster but may lose the last commits on a power loss (never the database itself). The URL's
``?synchronous=`` wins over ``$SHOPOPS_SQLITE_SYNCHRONOUS``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from shopops.errors import ConfigError
from shopops.store.urls import DEFAULT_DB_FILE, default_url, normalise_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
SYNCHRONOUS_PARAM = "synchronous"  # the URL query key: sqlite:///shopops.db?synchronous=normal
SYNCHRONOUS_ENV = "SHOPOPS_SQLITE_SYNCHRONOUS"  # the same for every URL that does not say
SYNCHRONOUS_FULL = "full"  # the WAL is synced on every commit: a commit survives a power loss
SYNCHRONOUS_NORMAL = "normal"  # synced at checkpoints only: the last commits may be lost on a power loss
SYNCHRONOUS_LEVELS = (SYNCHRONOUS_FULL, SYNCHRONOUS_NORMAL)
DEFAULT_SYNCHRONOUS = SYNCHRONOUS_FULL


def sqlite_synchronous(url: URL) -> tuple[URL, str]:
    """The durability a SQLite URL asks for (``full`` or ``normal``), and the URL without the setting.

    The URL's ``?synchronous=`` wins over ``$SHOPOPS_SQLITE_SYNCHRONOUS``; neither means ``full``. The
    setting is taken out of the URL because the driver would refuse a keyword it does not know. A value
    that is not one of ``SYNCHRONOUS_LEVELS`` raises ConfigError naming where it came from.
    """
    given = url.query.get(SYNCHRONOUS_PARAM)
    if given is not None:
        url, source = url.difference_update_query([SYNCHRONOUS_PARAM]), SYNCHRONOUS_PARAM
    else:
        given, source = os.environ.get(SYNCHRONOUS_ENV) or DEFAULT_SYNCHRONOUS, SYNCHRONOUS_ENV
    level = given.strip().lower() if isinstance(given, str) else None  # a tuple: the key was given twice
    if level not in SYNCHRONOUS_LEVELS:
        raise ConfigError(
            source,
            f"{given!r} is not a SQLite durability level; use {SYNCHRONOUS_FULL} (the default: every commit "
            f"survives a power loss) or {SYNCHRONOUS_NORMAL} (faster: the last commits may be lost on a power loss)",
        )
    return url, level


def create_engine_for(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the per-dialect settings shopops relies on (SQLite: see ``sqlite_synchronous``)."""
    sa_url = make_url(normalise_url(url))
    if sa_url.get_backend_name() == "sqlite":
        sa_url, synchronous = sqlite_synchronous(sa_url)
        return _sqlite_engine(sa_url, synchronous, **kwargs)
    if SYNCHRONOUS_PARAM in sa_url.query:
        raise ConfigError(
            SYNCHRONOUS_PARAM,
            "only SQLite URLs take it; on PostgreSQL every commit is durable unless the server's "
            "synchronous_commit is off",
        )
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(sa_url, **kwargs)


def _sqlite_engine(url: URL, synchronous: str, **kwargs: Any) -> Engine:
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control away from the driver, so that BEGIN IMMEDIATE below is the only BEGIN
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")  # one of SYNCHRONOUS_LEVELS
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        begin_immediate(conn.connection.driver_connection)

    return engine


def begin_immediate(raw: sqlite3.Connection, timeout_s: float = SQLITE_BUSY_TIMEOUT_MS / 1000) -> None:
    """``BEGIN IMMEDIATE``, waiting for the write lock in short steps of our own.

    SQLite's busy handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between tries, so a
    transaction that asks while another holds the lock for 20 ms may wait 50 ms or more after it is free.
    Trying again every 0.5-1 ms instead takes the lock within a millisecond of its release (what a webhook's
    acknowledgement or a worker's claim waits for); with 4 ms steps a writer that commits and begins again
    at once (a worker writing a run's orders) kept a waiting receiver out for tens of milliseconds (a burst's
    acknowledgement p95 27-41 ms against 23-24 ms). Statements inside the transaction keep the connection's
    busy timeout."""
    raw.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + timeout_s
        pause = 0.0005
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.001)
    finally:
        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def is_postgres(engine: Engine) -> bool:
    """True when the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


def safe_url(engine: Engine) -> str:
    """The engine's URL with any password hidden, for messages and logs."""
    return engine.url.render_as_string(hide_password=True)


__all__ = [
    "DEFAULT_DB_FILE",
    "create_engine_for",
    "default_url",
    "is_postgres",
    "normalise_url",
    "safe_url",
    "sqlite_synchronous",
]
