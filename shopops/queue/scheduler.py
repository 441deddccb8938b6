"""The scheduler loop: the `schedule` package ticks, the database decides.

Each tick promotes due entries (waiting, expired), runs the janitor and, now and then, prunes old log
entries; the loop's own worker threads run what is due. Every step is a set-based, idempotent
statement, so several schedulers on several hosts may tick against one PostgreSQL database at once.
Recurrence itself is never kept in `schedule` (no persistence, naive local time): it lives on the
entries.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

import schedule

from shopops.queue.log_lines import log_failure
from shopops.queue.store import QueueStore
from shopops.queue.worker import LOST_AFTER_S, Worker

log = logging.getLogger("shopops.scheduler")

TICK_S = 5
PRUNE_EVERY_MIN = 60
KEEP_LOG_DAYS = 30


class Scheduler:
    """Ticks every ``tick_s`` seconds and feeds a worker of ``threads`` threads."""

    def __init__(
        self,
        store: QueueStore,
        worker: Worker | None,
        *,
        tick_s: float = TICK_S,
        keep_log_days: int = KEEP_LOG_DAYS,
        lost_after_s: float = LOST_AFTER_S,
    ) -> None:
        self.store = store
        self.worker = worker
        self.keep_log = dt.timedelta(days=keep_log_days)
        self.lost_after_s = lost_after_s
        self.jobs = schedule.Scheduler()
        # `schedule` takes a float interval at run time (sub-second ticks in tests); its hints say int
        self.jobs.every(tick_s).seconds.do(self.tick)  # type: ignore[arg-type]
        self.jobs.every(PRUNE_EVERY_MIN).minutes.do(self.prune)
        self._stop = threading.Event()
        self.ticks = 0

    def tick(self) -> None:
        """Promote due entries and recover the entries of lost workers. Never raises."""
        try:
            promoted = self.store.promote()
            recovered = self.store.recover_lost(self.lost_after_s)
            self.ticks += 1
            if recovered or promoted.get("expired"):
                log.info("tick: %s, recovered %s", promoted, recovered)
            if self.worker is not None:
                self.worker.wakeup.notify()
        except Exception as exc:  # `schedule` does not catch; one bad tick must not end the loop
            log_failure(log, "scheduler tick failed", exc)

    def prune(self) -> None:
        """Delete log entries older than the retention. Never raises."""
        try:
            removed = self.store.prune(self.keep_log)
            if removed:
                log.info("pruned %d log entries older than %s", removed, self.keep_log)
        except Exception as exc:
            log_failure(log, "pruning failed", exc)

    def run(self, *, duration_s: float | None = None) -> None:
        """Tick until ``stop()`` (a signal) or ``duration_s`` seconds have passed."""
        if self.worker is not None:
            self.worker.start()
        self.tick()
        deadline = None if duration_s is None else dt.datetime.now().timestamp() + duration_s
        try:
            while not self._stop.is_set():
                self.jobs.run_pending()
                if deadline is not None and dt.datetime.now().timestamp() >= deadline:
                    break
                wait = self.jobs.idle_seconds
                self._stop.wait(min(max(wait or 0.5, 0.05), 0.5))
        finally:
            if self.worker is not None:
                self.worker.stop()

    def stop(self) -> None:
        """Ask the loop to end (signal handlers call this)."""
        self._stop.set()
        if self.worker is not None:
            self.worker.request_stop()
