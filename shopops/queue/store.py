"""The queue's storage contract: a handful of named operations, each one short transaction.

Every state change of an entry happens here, so the rules are in one place: claim (at most one entry
per category in process, enforced by the claim's predicate and backstopped by a partial unique index),
finish (retry, error, next recurrence, or finished), the janitor (entries of workers that stopped
heartbeating), promotion (waiting, expired) and pruning. SQLite claims inside ``BEGIN IMMEDIATE`` (the
engine begins every transaction that way); PostgreSQL uses ``FOR UPDATE SKIP LOCKED`` and database time,
and wakes listening workers with NOTIFY.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from shopops.queue.model import JobEntry, LogStatus, Outcome, Status
from shopops.store import tables as t
from shopops.store.types import UTCDateTime, utcnow

NOTIFY_CHANNEL = "shopops_queue"
CLAIM_RETRIES = 20
LOST_WORKER_MESSAGE = "worker lost: {worker} stopped heartbeating during the run (last seen {seen})"

E = t.job_queue_entry
L = t.job_queue_log_entry
W = t.job_queue_worker
CLAIMABLE = (Status.READY.value, Status.WAITING.value)


class QueueStore:
    """The queue's operations on one database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    # --- time ------------------------------------------------------------------------------------------

    def _now(self) -> ColumnElement[dt.datetime]:
        """Database time on PostgreSQL (hosts' clocks may differ); the host clock on SQLite (one host)."""
        if self.postgres:
            # the statement's time, not the transaction's: a claim that waited on a lock must not
            # log a start earlier than the end of the run it waited for
            return func.clock_timestamp()
        return literal(utcnow(), UTCDateTime())

    def _ago(self, seconds: float) -> ColumnElement[dt.datetime]:
        """``seconds`` before now, on the same clock as ``_now``."""
        if self.postgres:
            return func.now() - func.make_interval(0, 0, 0, 0, 0, 0, float(seconds))
        return literal(utcnow() - dt.timedelta(seconds=seconds), UTCDateTime())

    def _notify(self, conn: Connection, payload: str = "") -> None:
        if self.postgres:
            conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": NOTIFY_CHANNEL, "payload": payload})

    # --- entries ---------------------------------------------------------------------------------------

    def insert_entry(self, values: Mapping[str, Any]) -> int:
        """Store a new entry (its category is created when unknown, as in BC) and wake the workers."""
        now = utcnow()
        with self.engine.begin() as conn:
            category = values.get("category_code")
            if category:
                self._ensure_category(conn, category)
            entry_id = conn.execute(
                insert(E).values(**values, created_at=now, updated_at=now).returning(E.c.id)
            ).scalar_one()
            self._notify(conn, category or "")
        return int(entry_id)

    def _ensure_category(self, conn: Connection, code: str) -> None:
        found = conn.execute(select(t.job_queue_category.c.code).where(t.job_queue_category.c.code == code)).first()
        if not found:
            try:
                with conn.begin_nested():
                    conn.execute(insert(t.job_queue_category).values(code=code, description=""))
            except IntegrityError:
                pass  # another host created it at the same moment

    def get(self, entry_id: int) -> JobEntry | None:
        """One entry, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(E).where(E.c.id == entry_id)).mappings().first()
        return JobEntry.from_row(row) if row else None

    def update_entry(self, entry_id: int, allowed_from: Sequence[str] | None, **values: Any) -> bool:
        """Change an entry if its status is one of ``allowed_from``; False when it was not."""
        with self.engine.begin() as conn:
            stmt = update(E).where(E.c.id == entry_id)
            if allowed_from is not None:
                stmt = stmt.where(E.c.status.in_(list(allowed_from)))
            changed = conn.execute(stmt.values(**values, updated_at=utcnow())).rowcount
            if changed and values.get("status") in CLAIMABLE:
                self._notify(conn)
        return bool(changed)

    def delete_entry(self, entry_id: int) -> bool:
        """Delete an entry unless it is in process; False when it is."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(delete(E).where(E.c.id == entry_id, E.c.status != Status.IN_PROCESS.value)).rowcount
            )

    def set_progress(self, entry_id: int, progress: str) -> None:
        """Show how far a running entry got."""
        with self.engine.begin() as conn:
            conn.execute(update(E).where(E.c.id == entry_id).values(progress=progress))

    def seconds_to_next_due(self) -> float | None:
        """Seconds until the earliest ready entry is due (0 when one is due now); None when none is ready."""
        with self.engine.connect() as conn:
            first = conn.execute(select(func.min(E.c.earliest_start_at)).where(E.c.status.in_(CLAIMABLE))).scalar()
        if first is None:
            return None
        if isinstance(first, str):  # SQLite hands aggregate results back untyped
            first = dt.datetime.fromisoformat(first).replace(tzinfo=dt.UTC)
        return max(0.0, (first - utcnow()).total_seconds())

    def has_pending_work(self, horizon_s: float) -> bool:
        """True while a one-off entry is due now or within ``horizon_s`` (a retry waiting out its delay)."""
        horizon = utcnow() + dt.timedelta(seconds=horizon_s)
        with self.engine.connect() as conn:
            due = conn.execute(
                select(E.c.id)
                .where(E.c.status.in_(CLAIMABLE), E.c.earliest_start_at <= horizon, E.c.recurring.is_(False))
                .limit(1)
            ).first()
            running = conn.execute(select(E.c.id).where(E.c.status == Status.IN_PROCESS.value).limit(1)).first()
        return due is not None or running is not None

    # --- claim -----------------------------------------------------------------------------------------

    def claim(self, worker_id: str) -> JobEntry | None:
        """Take the next due entry and open its log entry, in one short transaction; None when idle."""
        for _ in range(CLAIM_RETRIES):
            try:
                with self.engine.begin() as conn:
                    return self._claim(conn, worker_id)
            except IntegrityError:
                # two PostgreSQL workers took two entries of one category at once: the partial unique
                # index refused the second; the loser simply looks again
                continue
        return None

    def _claim(self, conn: Connection, worker_id: str) -> JobEntry | None:
        now = self._now()
        other = E.alias("other")
        busy = exists().where(other.c.category_code == E.c.category_code, other.c.status == Status.IN_PROCESS.value)
        candidate = (
            select(E.c.id)
            .where(
                E.c.status.in_(CLAIMABLE),
                E.c.earliest_start_at <= now,
                or_(E.c.expiration_at.is_(None), E.c.expiration_at > now),
                or_(E.c.category_code.is_(None), not_(busy)),
            )
            .order_by(E.c.priority, E.c.id)
            .limit(1)
        )
        if self.postgres:
            candidate = candidate.with_for_update(skip_locked=True, of=E)
        row = (
            conn.execute(
                update(E)
                .where(E.c.id == candidate.scalar_subquery())
                .values(
                    status=Status.IN_PROCESS.value,
                    worker_id=worker_id,
                    claimed_at=now,
                    scheduled_at=E.c.earliest_start_at,
                    attempts=E.c.attempts + 1,
                    updated_at=now,
                )
                .returning(*E.c)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        log_id = conn.execute(
            insert(L)
            .values(
                entry_id=row["id"],
                report=row["report"],
                shop_code=row["shop_code"],
                category_code=row["category_code"],
                description=row["description"],
                parameters=row["parameters"],
                attempt=row["attempts"],
                scheduled_at=row["scheduled_at"],
                started_at=now,
                status=LogStatus.IN_PROCESS.value,
                worker_id=worker_id,
            )
            .returning(L.c.id)
        ).scalar_one()
        return JobEntry.from_row(row, log_id=int(log_id))

    # --- finish ----------------------------------------------------------------------------------------

    def finish(
        self,
        entry: JobEntry,
        worker_id: str,
        *,
        outcome: Outcome | None = None,
        error: str | None = None,
        traceback: str | None = None,
    ) -> Status | None:
        """Close a run: the log entry gets its end, status and figures; the entry moves on.

        Success: a recurring entry is ready again at its next scheduled time (attempts reset), a one-off
        is finished. Failure: ready again after the rerun delay while attempts remain, else error (a
        recurring entry stops until someone sets it ready). Returns the entry's new status, or None
        when the entry was no longer this worker's (the janitor took it back).
        """
        now = utcnow()
        values = self._next_state(entry, now, error)
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(E)
                .where(E.c.id == entry.id, E.c.status == Status.IN_PROCESS.value, E.c.worker_id == worker_id)
                .values(**values, worker_id=None, progress=None, updated_at=now)
            ).rowcount
            if entry.log_id is not None:
                conn.execute(
                    update(L)
                    .where(L.c.id == entry.log_id, L.c.status == LogStatus.IN_PROCESS.value)
                    .values(
                        status=LogStatus.ERROR.value if error else LogStatus.SUCCESS.value,
                        ended_at=self._now(),
                        error_message=error,
                        traceback=traceback,
                        stats=outcome.stats if outcome else None,
                        api_cost=outcome.api_cost if outcome else None,
                    )
                )
            if entry.category:
                self._activate_waiting(conn, entry.category)
            self._notify(conn, entry.category or "")
        return Status(values["status"]) if changed else None

    def _next_state(self, entry: JobEntry, now: dt.datetime, error: str | None) -> dict[str, Any]:
        if error is None:
            if entry.recurrence is not None:
                scheduled = entry.scheduled_at or entry.earliest_start_at
                return {
                    "status": Status.READY.value,
                    "earliest_start_at": entry.recurrence.next_run(scheduled, now),
                    "attempts": 0,
                    "last_error": None,
                }
            return {"status": Status.FINISHED.value, "last_error": None}
        return self._after_failure(entry.attempts, entry.max_attempts, entry.rerun_delay_s, now, error)

    @staticmethod
    def _after_failure(
        attempts: int, max_attempts: int, rerun_delay_s: int, now: dt.datetime, error: str
    ) -> dict[str, Any]:
        if attempts < max_attempts:
            # BC waits the rerun delay plus 10^attempts ms before the next try
            wait = dt.timedelta(seconds=rerun_delay_s, milliseconds=10 ** min(attempts, 7))
            return {"status": Status.READY.value, "earliest_start_at": now + wait, "last_error": error}
        return {"status": Status.ERROR.value, "last_error": error}

    def _activate_waiting(self, conn: Connection, category: str) -> None:
        conn.execute(
            update(E)
            .where(E.c.category_code == category, E.c.status == Status.WAITING.value)
            .values(status=Status.READY.value)
        )

    # --- foreground runs -------------------------------------------------------------------------------

    def open_foreground_log(
        self,
        entry: JobEntry | None,
        report: str,
        shop: str | None,
        parameters: Mapping[str, Any],
        worker_id: str,
    ) -> int:
        """A log entry for a run outside the queue (run once, or a foreground sync)."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(L)
                    .values(
                        entry_id=entry.id if entry else None,
                        report=report,
                        shop_code=shop,
                        category_code=None,
                        description=entry.description if entry else "",
                        parameters=dict(parameters),
                        attempt=1,
                        started_at=utcnow(),
                        status=LogStatus.IN_PROCESS.value,
                        worker_id=worker_id,
                        foreground=True,
                    )
                    .returning(L.c.id)
                ).scalar_one()
            )

    def close_log(self, log_id: int, *, outcome: Outcome | None, error: str | None, traceback: str | None) -> None:
        """Close a foreground run's log entry."""
        with self.engine.begin() as conn:
            conn.execute(
                update(L)
                .where(L.c.id == log_id)
                .values(
                    status=LogStatus.ERROR.value if error else LogStatus.SUCCESS.value,
                    ended_at=utcnow(),
                    error_message=error,
                    traceback=traceback,
                    stats=outcome.stats if outcome else None,
                    api_cost=outcome.api_cost if outcome else None,
                )
            )

    # --- workers ---------------------------------------------------------------------------------------

    def register_worker(self, worker_id: str, hostname: str, pid: int, threads: int) -> None:
        """Announce a worker; its heartbeat starts now."""
        with self.engine.begin() as conn:
            now = self._now()
            conn.execute(
                insert(W).values(
                    id=worker_id,
                    hostname=hostname,
                    pid=pid,
                    threads=threads,
                    started_at=now,
                    heartbeat_at=now,
                )
            )

    def heartbeat(self, worker_id: str, hostname: str, pid: int, threads: int) -> None:
        """The worker is alive. A worker the janitor already gave up on registers again."""
        with self.engine.begin() as conn:
            now = self._now()
            if not conn.execute(update(W).where(W.c.id == worker_id).values(heartbeat_at=now)).rowcount:
                conn.execute(
                    insert(W).values(
                        id=worker_id,
                        hostname=hostname,
                        pid=pid,
                        threads=threads,
                        started_at=now,
                        heartbeat_at=now,
                    )
                )

    def unregister_worker(self, worker_id: str) -> None:
        """A worker stopped cleanly (its entries were finished or handed back)."""
        with self.engine.begin() as conn:
            conn.execute(delete(W).where(W.c.id == worker_id))

    def hand_back(self, entry: JobEntry, worker_id: str, reason: str) -> None:
        """Give an unfinished entry back on shutdown: ready again at once, its attempt not counted."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                update(E)
                .where(E.c.id == entry.id, E.c.worker_id == worker_id, E.c.status == Status.IN_PROCESS.value)
                .values(status=Status.READY.value, worker_id=None, attempts=E.c.attempts - 1, updated_at=now)
            )
            if entry.log_id is not None:
                conn.execute(
                    update(L)
                    .where(L.c.id == entry.log_id, L.c.status == LogStatus.IN_PROCESS.value)
                    .values(status=LogStatus.ERROR.value, ended_at=now, error_message=reason)
                )
            self._notify(conn)

    # --- janitor, promotion, pruning -------------------------------------------------------------------

    def recover_lost(self, lost_after_s: float) -> list[int]:
        """Entries in process on workers that stopped heartbeating: retry or error, log entries closed.

        Returns the ids of the entries recovered. Safe to run on several hosts at once.
        """
        recovered: list[int] = []
        with self.engine.begin() as conn:
            cutoff = self._ago(lost_after_s)
            alive = select(W.c.id).where(W.c.heartbeat_at > cutoff)
            query = (
                select(E, W.c.heartbeat_at.label("seen"))
                .outerjoin(W, W.c.id == E.c.worker_id)
                .where(
                    E.c.status == Status.IN_PROCESS.value,
                    or_(E.c.worker_id.is_(None), E.c.worker_id.not_in(alive)),
                )
            )
            if self.postgres:
                query = query.with_for_update(skip_locked=True, of=E)
            rows = conn.execute(query).mappings().all()
            stamp = utcnow()
            for row in rows:
                seen = row["seen"].strftime("%Y-%m-%d %H:%M:%S UTC") if row["seen"] else "never"
                message = LOST_WORKER_MESSAGE.format(worker=row["worker_id"], seen=seen)
                values = self._after_failure(row["attempts"], row["max_attempts"], row["rerun_delay_s"], stamp, message)
                conn.execute(update(E).where(E.c.id == row["id"]).values(**values, worker_id=None, updated_at=stamp))
                conn.execute(
                    update(L)
                    .where(
                        L.c.entry_id == row["id"],
                        L.c.status == LogStatus.IN_PROCESS.value,
                        L.c.foreground.is_(False),
                    )
                    .values(status=LogStatus.ERROR.value, ended_at=stamp, error_message=message)
                )
                if row["category_code"]:
                    self._activate_waiting(conn, row["category_code"])
                recovered.append(int(row["id"]))
            # orphaned open log entries of dead workers (their entry was deleted or moved on)
            conn.execute(
                update(L)
                .where(
                    L.c.status == LogStatus.IN_PROCESS.value,
                    L.c.foreground.is_(False),
                    L.c.worker_id.not_in(alive),
                    not_(
                        exists().where(
                            E.c.id == L.c.entry_id,
                            E.c.status == Status.IN_PROCESS.value,
                            E.c.worker_id == L.c.worker_id,
                        )
                    ),
                )
                .values(
                    status=LogStatus.ERROR.value,
                    ended_at=stamp,
                    error_message="worker lost: run never finished",
                )
            )
            conn.execute(
                delete(W).where(
                    W.c.heartbeat_at <= cutoff,
                    not_(exists().where(E.c.worker_id == W.c.id, E.c.status == Status.IN_PROCESS.value)),
                )
            )
            if recovered:
                self._notify(conn)
        return recovered

    def promote(self) -> dict[str, int]:
        """One scheduler step: expire overdue entries, show blocked due entries as waiting, free the rest."""
        stamp = utcnow()
        with self.engine.begin() as conn:
            now = self._now()
            expired_rows = conn.execute(
                select(E.c.id, E.c.report, E.c.shop_code, E.c.category_code, E.c.expiration_at).where(
                    E.c.status.in_(CLAIMABLE), E.c.expiration_at.is_not(None), E.c.expiration_at <= now
                )
            ).all()
            for row in expired_rows:
                message = (
                    f"expired at {row.expiration_at:%Y-%m-%d %H:%M UTC} before it could run; "
                    "give it a later expiration and set it ready to run it"
                )
                conn.execute(
                    update(E)
                    .where(E.c.id == row.id)
                    .values(status=Status.ERROR.value, last_error=message, updated_at=stamp)
                )
                conn.execute(
                    insert(L).values(
                        entry_id=row.id,
                        report=row.report,
                        shop_code=row.shop_code,
                        category_code=row.category_code,
                        started_at=stamp,
                        ended_at=stamp,
                        status=LogStatus.ERROR.value,
                        error_message=message,
                    )
                )
            other = E.alias("other")
            busy = exists().where(other.c.category_code == E.c.category_code, other.c.status == Status.IN_PROCESS.value)
            waiting = conn.execute(
                update(E)
                .where(
                    E.c.status == Status.READY.value,
                    E.c.category_code.is_not(None),
                    E.c.earliest_start_at <= now,
                    busy,
                )
                .values(status=Status.WAITING.value)
            ).rowcount
            freed = conn.execute(
                update(E).where(E.c.status == Status.WAITING.value, not_(busy)).values(status=Status.READY.value)
            ).rowcount
            if freed:
                self._notify(conn)
        return {"expired": len(expired_rows), "waiting": waiting, "freed": freed}

    def prune(self, older_than: dt.timedelta, batch: int = 10_000) -> int:
        """Delete log entries (and finished one-off entries) that ended longer ago than ``older_than``."""
        cutoff = utcnow() - older_than
        total = 0
        while True:
            with self.engine.begin() as conn:
                ids = select(L.c.id).where(L.c.ended_at < cutoff).limit(batch).scalar_subquery()
                n = conn.execute(delete(L).where(L.c.id.in_(ids))).rowcount
            total += n
            if n < batch:
                break
        with self.engine.begin() as conn:
            conn.execute(
                delete(E).where(
                    and_(E.c.status == Status.FINISHED.value, E.c.recurring.is_(False), E.c.updated_at < cutoff)
                )
            )
        return total
