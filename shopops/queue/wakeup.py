"""Waking idle workers: at once within a process, by LISTEN/NOTIFY on PostgreSQL, by polling on SQLite."""

from __future__ import annotations

import logging
import threading
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


class PostgresListener(threading.Thread):
    """LISTENs on the queue channel with its own connection and wakes the workers on every NOTIFY."""

    def __init__(self, engine: Engine, wakeup: Wakeup) -> None:
        super().__init__(name="shopops-listen", daemon=True)
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._wakeup = wakeup
        self._stop = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.ready.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self._wakeup.notify()
            except Exception as exc:  # the database restarted: the safety poll covers the gap
                log.warning("queue listener lost its connection (%s); reconnecting", type(exc).__name__)
                self._stop.wait(1.0)

    def stop(self) -> None:
        """Stop listening (within half a second)."""
        self._stop.set()


def poll_interval(engine: Engine) -> float:
    """How long an idle worker waits before it looks again without being woken."""
    return POSTGRES_SAFETY_POLL_S if engine.dialect.name == "postgresql" else SQLITE_POLL_S


def listener_for(engine: Engine, wakeup: Wakeup) -> Any:
    """A started PostgresListener for a PostgreSQL engine, else None."""
    if engine.dialect.name != "postgresql":
        return None
    listener = PostgresListener(engine, wakeup)
    listener.start()
    listener.ready.wait(5.0)
    return listener
