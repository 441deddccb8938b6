"""The job queue as people use it: ``ws.queue.enqueue(...)``, ``entries()``, ``log()``, and the actions.

It knows nothing of Shopify: a report is a name the workspace's executor can run, and the parameters
are checked by the validator the workspace hands in, before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import traceback as tb_module
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from shopops.errors import ConfigError, InvalidState, NotFound
from shopops.queue import frames
from shopops.queue.model import (
    MAX_ATTEMPTS_LIMIT,
    MAX_RERUN_DELAY_S,
    PRIORITIES,
    Executor,
    JobEntry,
    Outcome,
    Status,
)
from shopops.queue.recurrence import Recurrence
from shopops.queue.store import QueueStore
from shopops.queue.wakeup import wake_local
from shopops.queue.worker import Worker
from shopops.store import tables as t
from shopops.store.types import utcnow

Validator = Callable[[str, "str | None", Mapping[str, Any]], "tuple[str, dict[str, Any]]"]


def _no_validation(report: str, shop: str | None, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return report, dict(params)


class JobQueue:
    """A persistent job queue with Business Central's semantics on one database."""

    def __init__(self, engine: Engine, executor: Executor | None = None, validator: Validator | None = None) -> None:
        self.store = QueueStore(engine)
        self.engine = engine
        self.executor = executor
        self.validator = validator or _no_validation

    # --- enqueue ---------------------------------------------------------------------------------------

    def enqueue(
        self,
        report: str,
        *,
        shop: str | None = None,
        params: Mapping[str, Any] | None = None,
        category: str | None = None,
        priority: str | int = "normal",
        earliest_start: dt.datetime | None = None,
        expiration: dt.datetime | None = None,
        recurrence: Recurrence | None = None,
        max_attempts: int = 1,
        rerun_delay_s: int = 0,
        description: str | None = None,
        on_hold: bool = False,
        stop_on_error: bool = False,
    ) -> JobEntry:
        """Add an entry. Everything is checked first; a bad value raises ConfigError and nothing is stored.

        A failed run is tried again after ``rerun_delay_s`` until ``max_attempts`` runs failed (a run lost
        with its worker gets one try more). Then a one-off entry goes to error; a recurring one keeps its
        schedule and shows the error, or, with ``stop_on_error``, goes to error as in Business Central.
        """
        name, checked = self.validator(report, shop, params or {})
        values = self.entry_values(
            name,
            shop=shop,
            params=checked,
            category=category,
            priority=priority,
            earliest_start=earliest_start,
            expiration=expiration,
            recurrence=recurrence,
            max_attempts=max_attempts,
            rerun_delay_s=rerun_delay_s,
            description=description,
            on_hold=on_hold,
            stop_on_error=stop_on_error,
        )
        entry = self.store.insert_entry(values)
        wake_local(self.engine)
        return entry

    def entry_values(
        self,
        report: str,
        *,
        shop: str | None,
        params: dict[str, Any],
        category: str | None = None,
        priority: str | int = "normal",
        earliest_start: dt.datetime | None = None,
        expiration: dt.datetime | None = None,
        recurrence: Recurrence | None = None,
        max_attempts: int = 1,
        rerun_delay_s: int = 0,
        description: str | None = None,
        on_hold: bool = False,
        stop_on_error: bool = False,
    ) -> dict[str, Any]:
        """The column values of a new entry, every one checked (ConfigError names the bad one); ``params``
        must have passed the validator already. Schedule files build their entries with this too."""
        prio = PRIORITIES.get(priority, None) if isinstance(priority, str) else priority
        if prio is None or isinstance(prio, bool) or not isinstance(prio, int):
            raise ConfigError("priority", f"{priority!r}: use 'high', 'normal', 'low' or a number (lower runs first)")
        if (
            isinstance(max_attempts, bool)
            or not isinstance(max_attempts, int)
            or not 1 <= max_attempts <= MAX_ATTEMPTS_LIMIT
        ):
            raise ConfigError("max_attempts", f"{max_attempts!r}: a whole number from 1 to {MAX_ATTEMPTS_LIMIT}")
        if (
            isinstance(rerun_delay_s, bool)
            or not isinstance(rerun_delay_s, int)
            or not 0 <= rerun_delay_s <= MAX_RERUN_DELAY_S
        ):
            raise ConfigError("rerun_delay_s", f"{rerun_delay_s!r}: whole seconds from 0 to {MAX_RERUN_DELAY_S}")
        if not isinstance(stop_on_error, bool):
            raise ConfigError("stop_on_error", f"{stop_on_error!r}: true or false")
        if category is not None and (not isinstance(category, str) or not category or len(category) > 20):
            raise ConfigError("category", f"{category!r}: a code of 1-20 characters, or None to run in parallel")
        if recurrence is not None and not isinstance(recurrence, Recurrence):
            raise ConfigError("recurrence", "pass shopops.Recurrence(...)")
        for name, value in (("earliest_start", earliest_start), ("expiration", expiration)):
            if value is not None and (not isinstance(value, dt.datetime) or value.tzinfo is None):
                raise ConfigError(name, f"{value!r}: an aware datetime, e.g. datetime.now(timezone.utc)")
        now = utcnow()
        start = earliest_start or (recurrence.first_run(now) if recurrence else now)
        if expiration is not None and expiration <= start:
            raise ConfigError("expiration", "must be later than the earliest start")
        values: dict[str, Any] = {
            "report": report,
            "shop_code": shop,
            "parameters": params,
            "description": (description or f"{report}" + (f" for {shop}" if shop else ""))[:250],
            "category_code": category,
            "priority": prio,
            "status": Status.ON_HOLD.value if on_hold else Status.READY.value,
            "earliest_start_at": start,
            "expiration_at": expiration,
            "max_attempts": max_attempts,
            "rerun_delay_s": rerun_delay_s,
            "stop_on_error": stop_on_error,
            "recurring": False,
        }
        if recurrence is not None:
            values.update(recurrence.columns())
        return values

    # --- reading ---------------------------------------------------------------------------------------

    def get(self, entry_id: int) -> JobEntry:
        """One entry; NotFound when it does not exist."""
        entry = self.store.get(entry_id)
        if entry is None:
            raise NotFound(f"no job queue entry {entry_id}")
        return entry

    def entries(
        self,
        *,
        status: str | list[str] | None = None,
        shop: str | None = None,
        report: str | None = None,
        category: str | None = None,
    ) -> pd.DataFrame:
        """Entries with the columns people filter on: shop, report, category, status, next run (UTC),
        recurrence, error, and the last run's status, start and duration."""
        return frames.entries(self.engine, status=status, shop=shop, report=report, category=category)

    def log(
        self,
        *,
        entry_id: int | None = None,
        shop: str | None = None,
        report: str | None = None,
        status: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """One row per run, newest first: status, start, end, duration, error, API cost, worker, stats."""
        return frames.log(
            self.engine,
            entry_id=entry_id,
            shop=shop,
            report=report,
            status=status,
            since=since,
            until=until,
            limit=limit,
        )

    def traceback(self, log_id: int) -> str | None:
        """The traceback of a failed run, by log entry id."""
        lg = t.job_queue_log_entry
        with self.engine.connect() as conn:
            return conn.execute(select(lg.c.traceback).where(lg.c.id == log_id)).scalar_one_or_none()

    # --- actions (BC's Job Queue Entries page) ---------------------------------------------------------

    def set_ready(self, entry_id: int) -> JobEntry:
        """Ready to run: errors and attempts cleared, the next run computed (the window for recurring ones)."""
        entry = self.get(entry_id)
        self._refuse_in_process(entry, "set ready")
        now = utcnow()
        if entry.recurrence is not None:
            start = entry.recurrence.first_run(max(now, entry.earliest_start_at))
        else:
            start = max(now, entry.earliest_start_at)
        self._change(entry, status=Status.READY.value, attempts=0, last_error=None, earliest_start_at=start)
        return self.get(entry_id)

    def set_on_hold(self, entry_id: int) -> JobEntry:
        """Hold: the entry stays but does not run until set ready."""
        entry = self.get(entry_id)
        self._refuse_in_process(entry, "put on hold")
        self._change(entry, status=Status.ON_HOLD.value)
        return self.get(entry_id)

    def restart(self, entry_id: int) -> JobEntry:
        """On hold, then ready again at once (a one-off runs now; a recurring one at its next allowed time)."""
        entry = self.get(entry_id)
        self._refuse_in_process(entry, "restart")
        now = utcnow()
        start = entry.recurrence.first_run(now) if entry.recurrence is not None else now
        self._change(entry, status=Status.READY.value, attempts=0, last_error=None, earliest_start_at=start)
        return self.get(entry_id)

    def delete(self, entry_id: int) -> None:
        """Delete an entry (its log stays); refused while it is in process."""
        entry = self.get(entry_id)
        self._refuse_in_process(entry, "delete")
        if not self.store.delete_entry(entry_id):
            raise InvalidState(f"entry {entry_id} started meanwhile; delete it when it has finished")

    def run_once(self, entry_id: int) -> Outcome:
        """Run a copy of the entry now, in the foreground (BC's "Run once"); the entry itself is untouched.

        The run leaves a log entry marked foreground. Raises what the report raised, after logging it.
        """
        entry = self.get(entry_id)
        self._refuse_in_process(entry, "run once")
        if self.executor is None:
            raise InvalidState("this queue has no executor; open it through shopops.open()")
        worker = f"foreground:{socket.gethostname()}:{os.getpid()}"
        log_id = self.store.open_foreground_log(entry, entry.report, entry.shop, entry.parameters, worker)
        try:
            outcome = self.executor(entry, lambda done, total, message: None)
        except Exception as exc:
            self.store.close_log(
                log_id, outcome=None, error=f"{type(exc).__name__}: {exc}", traceback=tb_module.format_exc()
            )
            raise
        self.store.close_log(log_id, outcome=outcome, error=None, traceback=None)
        return outcome

    def _refuse_in_process(self, entry: JobEntry, action: str) -> None:
        if entry.status == Status.IN_PROCESS:
            raise InvalidState(f"cannot {action} entry {entry.id}: it is in process on {entry.worker_id}; wait for it")

    def _change(self, entry: JobEntry, **values: Any) -> None:
        allowed = [s.value for s in Status if s != Status.IN_PROCESS]
        if not self.store.update_entry(entry.id, allowed, **values):
            raise InvalidState(f"entry {entry.id} started meanwhile; try again when it has finished")
        wake_local(self.engine)

    # --- working ---------------------------------------------------------------------------------------

    def worker(self, *, concurrency: int = 2, until_idle: bool = False, **options: Any) -> Worker:
        """A worker on this queue (not started)."""
        if self.executor is None:
            raise InvalidState("this queue has no executor; open it through shopops.open()")
        return Worker(self.store, self.executor, threads=concurrency, until_idle=until_idle, **options)

    def work(self, concurrency: int = 2, until_idle: bool = True, timeout: float | None = None) -> int:
        """Run entries in this process: until nothing is left to do (``until_idle``) or ``timeout``.

        Returns how many runs it made.
        """
        worker = self.worker(concurrency=concurrency, until_idle=until_idle).start()
        try:
            worker.wait(timeout)
        finally:
            worker.stop(grace_s=0 if until_idle else 30)
        return worker.runs

    def __repr__(self) -> str:
        frame = self.entries()
        counts = frame["status"].value_counts().to_dict() if len(frame) else {}
        shown = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "empty"
        return f"<job queue: {shown}>"
