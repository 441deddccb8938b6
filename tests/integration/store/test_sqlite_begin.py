"""SQLite's write lock taken in short steps (``begin_immediate``): a waiter gets it soon after it is free,
gives up with SQLite's own error after its timeout, and leaves the connection's busy timeout as it was."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from shopops.store.engine import SQLITE_BUSY_TIMEOUT_MS, begin_immediate, create_engine_for


def test_a_waiter_takes_the_lock_soon_after_it_is_free(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path}/lock.db")
    holder = engine.connect()
    holder.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    holder.commit()
    holder.exec_driver_sql("INSERT INTO t VALUES (1)")  # holds the write lock (BEGIN IMMEDIATE)
    released: list[float] = []

    def release() -> None:
        time.sleep(0.3)
        released.append(time.monotonic())
        holder.commit()

    threading.Thread(target=release).start()
    with engine.begin() as conn:
        got = time.monotonic()
        conn.exec_driver_sql("INSERT INTO t VALUES (2)")
    assert released and got >= released[0]
    assert got - released[0] < 0.25, "within a few steps of 1 ms, not SQLite's 25-100 ms sleeps (loaded CI: slack)"
    holder.close()
    engine.dispose()


def test_gives_up_after_its_timeout_and_keeps_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, isolation_level=None)
    waiter.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_immediate(waiter, timeout_s=0.1)
    assert time.monotonic() - started >= 0.1
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == SQLITE_BUSY_TIMEOUT_MS
    holder.execute("COMMIT")
    begin_immediate(waiter, timeout_s=0.1)
    waiter.execute("COMMIT")
    holder.close()
    waiter.close()
