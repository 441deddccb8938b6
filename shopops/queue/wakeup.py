"""Waking idle workers: at once within a process, by LISTEN/NOTIFY on PostgreSQL, by polling on SQLite."""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from shopops.queue.store import NOTIFY_CHANNEL

log = logging.getLogger("shopops.queue")

SQLITE_POLL_S = 0.05
POSTGRES_SAFETY_POLL_S = 5.0

_local_wakeups: dict[str, list[Wakeup]] = {}
_registry_lock = threading.Lock()


class Wakeup:
    """A generation counter under a condition: a waiter never misses a wake that came after it looked."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0
        self._interrupts: list[Callable[[], None]] = []

    def also_interrupt(self, interrupt: Callable[[], None]) -> None:
        """Call ``interrupt`` on every ``notify`` too (a thread waiting on a socket, not on this condition)."""
        self._interrupts.append(interrupt)

    @property
    def generation(self) -> int:
        """The current generation; pass it to ``wait``."""
        with self._cond:
            return self._generation

    def notify(self) -> None:
        """Wake every waiter."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()
        for interrupt in self._interrupts:
            interrupt()

    def notify_one(self) -> None:
        """Wake one waiter (to take over a job another thread just gave up, such as listening)."""
        with self._cond:
            self._generation += 1
            self._cond.notify(1)

    def wait(self, seen: int, timeout: float) -> None:
        """Wait until a wake newer than ``seen`` or ``timeout`` seconds."""
        with self._cond:
            if self._generation == seen:
                self._cond.wait(timeout)


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def subscribe(engine: Engine, wakeup: Wakeup) -> None:
    """Let enqueues in this process wake ``wakeup`` directly."""
    with _registry_lock:
        _local_wakeups.setdefault(_key(engine), []).append(wakeup)


def unsubscribe(engine: Engine, wakeup: Wakeup) -> None:
    """Stop waking ``wakeup``."""
    with _registry_lock:
        subscribers = _local_wakeups.get(_key(engine), [])
        if wakeup in subscribers:
            subscribers.remove(wakeup)


def wake_local(engine: Engine) -> None:
    """Wake the workers of this process that use ``engine``'s database."""
    with _registry_lock:
        subscribers = list(_local_wakeups.get(_key(engine), []))
    for wakeup in subscribers:
        wakeup.notify()


class PostgresChannel:
    """The queue's LISTEN connection on PostgreSQL, waited on by whichever idle runner thread holds it.

    The thread that hears a NOTIFY goes on to claim the entry itself: there is no hand-off from a
    listener thread to a runner thread between the commit of an enqueue and the claim. Only one thread
    holds the channel at a time (``try_hold``); the others wait on the worker's Wakeup.
    """

    def __init__(self, engine: Engine) -> None:
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._hold = threading.Lock()
        self._conn: Any = None
        # a wake from inside the process (a finished run, a stop) interrupts the holder's wait at once
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_in.setblocking(False)
        self._wake_out.setblocking(False)

    def open(self) -> PostgresChannel:
        """Connect and LISTEN now, so that nothing committed after this returns goes unheard."""
        import psycopg

        self._conn = psycopg.connect(self._conninfo, autocommit=True)
        self._conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        return self

    def try_hold(self) -> bool:
        """Take the channel if no other thread holds it; ``release`` it after ``wait``."""
        return self._hold.acquire(blocking=False)

    def release(self) -> None:
        self._hold.release()

    @property
    def connection(self) -> Any:
        """The LISTEN connection (autocommit), for the holder to claim on right after a NOTIFY."""
        return self._conn

    def interrupt(self) -> None:
        """End the holder's current ``wait`` early (it returns False)."""
        with contextlib.suppress(OSError):  # the buffer is full: a wake is pending anyway
            self._wake_in.send(b"!")

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a NOTIFY (the holder only); True if one came, False on a
        timeout or an ``interrupt``."""
        try:
            if self._conn is None or self._conn.closed:
                self.open()
            if self._heard():  # arrived while the connection was busy claiming
                return True
            ready, _, _ = select.select([self._conn.fileno(), self._wake_out], [], [], timeout)
            if self._wake_out in ready:
                with contextlib.suppress(OSError):
                    self._wake_out.recv(4096)
            return self._conn.fileno() in ready and self._heard()
        except Exception as exc:  # the database restarted: the safety poll covers the gap
            log.warning("queue listener lost its connection (%s); reconnecting", type(exc).__name__)
            self._close()
            time.sleep(min(timeout, 1.0))
            return False

    def _heard(self) -> bool:
        for _ in self._conn.notifies(timeout=0, stop_after=1):
            return True
        return False

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                log.debug("closing the listener connection failed", exc_info=True)

    def close(self) -> None:
        """Stop listening (after the threads that wait on it have ended)."""
        with self._hold:
            self._close()
            self._wake_in.close()
            self._wake_out.close()


def poll_interval(engine: Engine) -> float:
    """How long an idle worker waits before it looks again without being woken."""
    return POSTGRES_SAFETY_POLL_S if engine.dialect.name == "postgresql" else SQLITE_POLL_S


def channel_for(engine: Engine) -> PostgresChannel | None:
    """An open PostgresChannel for a PostgreSQL engine, else None."""
    if engine.dialect.name != "postgresql":
        return None
    return PostgresChannel(engine).open()
