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
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
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
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from shopops.queue import maintenance
from shopops.queue.model import STATUS_BY_VALUE, JobEntry, LogStatus, Outcome, Status, next_state
from shopops.queue.sql import ENTRY_COLUMNS, Statements
from shopops.store import tables as t
from shopops.store.types import UTCDateTime, utcnow

NOTIFY_CHANNEL = "shopops_queue"
CLAIM_RETRIES = 20

E = t.job_queue_entry
L = t.job_queue_log_entry
W = t.job_queue_worker
CLAIMABLE = (Status.READY.value, Status.WAITING.value)
_ID, _PRIORITY = ENTRY_COLUMNS.index("id"), ENTRY_COLUMNS.index("priority")  # in a claimed row


@dataclass
class Finished:
    """A run that ended and still has to be written: its entry, result and actual start."""

    entry: JobEntry
    outcome: Outcome | None
    error: str | None
    traceback: str | None
    started_at: dt.datetime | None  # None: keep the claim time the database logged
    ended_at: dt.datetime | None = field(default_factory=utcnow)  # None: the database's time of writing
    ended: float = field(default_factory=time.monotonic)


class QueueStore:
    """The queue's operations on one database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.sql = Statements(self.postgres)
        # single statements that need no transaction around them: one round trip instead of three
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT") if self.postgres else engine
        self._insert_statements: dict[frozenset[str], Any] = {}
        # categories are created when first named (as in BC); another host may create the same one at once
        upsert = pg_insert if self.postgres else sqlite_insert
        self._add_category = (
            upsert(t.job_queue_category)
            .values(code=bindparam("code"), description="")
            .on_conflict_do_nothing(index_elements=["code"])
        )

    # --- time ------------------------------------------------------------------------------------------

    def db_now(self) -> ColumnElement[dt.datetime]:
        """Database time on PostgreSQL (hosts' clocks may differ); the host clock on SQLite (one host)."""
        if self.postgres:
            # the statement's time, not the transaction's: a claim that waited on a lock must not
            # log a start earlier than the end of the run it waited for
            return func.clock_timestamp()
        return literal(utcnow(), UTCDateTime())

    def ago(self, seconds: float) -> ColumnElement[dt.datetime]:
        """``seconds`` before now, on the same clock as ``_now``."""
        if self.postgres:
            return func.now() - func.make_interval(0, 0, 0, 0, 0, 0, float(seconds))
        return literal(utcnow() - dt.timedelta(seconds=seconds), UTCDateTime())

    def notify(self, conn: Connection, payload: str = "") -> None:
        if self.postgres:
            conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": NOTIFY_CHANNEL, "payload": payload})

    # --- entries ---------------------------------------------------------------------------------------

    def insert_entry(self, values: Mapping[str, Any]) -> JobEntry:
        """Store a new entry (its category is created when unknown, as in BC) and wake the workers."""
        now = utcnow()
        category = values.get("category_code")
        row = {**values, "created_at": now, "updated_at": now}
        if self.postgres:
            # the insert and its NOTIFY in one autocommitted statement: one round trip, and the workers
            # hear of the entry the moment it is committed
            with self._autocommit.connect() as conn:
                if category:
                    conn.execute(self._add_category, {"code": category})
                stored = conn.execute(self._inserting(row), {**row, "notify_payload": category or ""})
                return JobEntry.from_row(stored.mappings().one())
        with self.engine.begin() as conn:
            if category:
                conn.execute(self._add_category, {"code": category})
            stored = conn.execute(insert(E).values(**row).returning(*E.c))
            return JobEntry.from_row(stored.mappings().one())

    def insert_entry_in(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Store a new entry inside the caller's transaction (with the check that decided to add it), its
        category created when unknown; PostgreSQL's workers hear of it when that transaction commits.
        Returns its id."""
        now = utcnow()
        category = values.get("category_code")
        if category:
            conn.execute(self._add_category, {"code": category})
        entry_id = conn.execute(
            insert(E).values(**{**values, "created_at": now, "updated_at": now}).returning(E.c.id)
        ).scalar_one()
        self.notify(conn, category or "")
        return int(entry_id)

    def _inserting(self, row: Mapping[str, Any]) -> Any:
        """PostgreSQL: ``INSERT ... RETURNING`` with ``pg_notify`` for these columns, built once per column set."""
        key = frozenset(row)
        statement = self._insert_statements.get(key)
        if statement is None:
            added = insert(E).values({name: bindparam(name, type_=E.c[name].type) for name in row})
            cte = added.returning(*E.c).cte("added")
            statement = select(cte, func.pg_notify(NOTIFY_CHANNEL, bindparam("notify_payload")))
            self._insert_statements[key] = statement
        return statement

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
                self.notify(conn)
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
        """Seconds until the earliest entry a worker could claim falls due; None when there is none.

        Entries that wait for their category or have expired do not count: the end of the run that
        blocks them, or the scheduler, wakes the workers instead.
        """
        other = E.alias("other")
        busy = exists().where(other.c.category_code == E.c.category_code, other.c.status == Status.IN_PROCESS.value)
        now = utcnow()
        query = select(func.min(E.c.earliest_start_at)).where(
            E.c.status.in_(CLAIMABLE),
            or_(E.c.expiration_at.is_(None), E.c.expiration_at > literal(now, UTCDateTime())),
            or_(E.c.category_code.is_(None), not_(busy)),
        )
        with self.engine.connect() as conn:
            first = conn.execute(query).scalar()
        if first is None:
            return None
        if isinstance(first, str):  # SQLite hands aggregate results back untyped
            first = dt.datetime.fromisoformat(first).replace(tzinfo=dt.UTC)
        return max(0.0, (first - now).total_seconds())

    def clock_offset(self, samples: int = 5) -> dt.timedelta:
        """Database clock minus this host's clock (zero on SQLite), so that times a worker measures
        itself can be logged in database time. The sample with the shortest round trip wins (as NTP
        does): a slow answer would otherwise skew every logged time by up to its delay."""
        if not self.postgres:
            return dt.timedelta(0)
        best: tuple[dt.timedelta, dt.timedelta] | None = None
        with self.engine.connect() as conn:
            for _ in range(samples):
                before = utcnow()
                db_time = conn.exec_driver_sql("SELECT clock_timestamp()").scalar_one()
                after = utcnow()
                trip = after - before
                if best is None or trip < best[0]:
                    best = (trip, db_time - (before + trip / 2))
        assert best is not None
        return best[1]

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
                if self.postgres:
                    return self._claim_logged(worker_id)
                with self.engine.begin() as conn:
                    return self._claim(conn, worker_id)
            except IntegrityError:
                # two PostgreSQL workers took two entries of one category at once: the partial unique
                # index refused the second; the loser simply looks again
                continue
        return None

    def _claim_logged(self, worker_id: str) -> JobEntry | None:
        """PostgreSQL: the claim and its log entry as one autocommitted statement."""
        assert self.sql.claim_logged is not None
        with self._autocommit.connect() as conn:
            found = conn.exec_driver_sql(self.sql.claim_logged, {"w": worker_id}).first()
        if found is None:
            return None
        return JobEntry.from_row(self.sql.entry_row(found), log_id=int(found[-1]))

    def claim_on(self, driver_connection: Any, worker_id: str) -> JobEntry | None:
        """PostgreSQL: claim on a psycopg connection in autocommit that the caller already holds (a worker's
        LISTEN connection, right after it heard a NOTIFY: no pool, no ping). None when there is nothing
        to claim or another worker won the entry's category."""
        import psycopg

        assert self.sql.claim_logged is not None
        try:
            found = driver_connection.execute(self.sql.claim_logged, {"w": worker_id}).fetchone()
        except psycopg.errors.IntegrityError:
            return None
        if found is None:
            return None
        return JobEntry.from_row(self.sql.entry_row(found), log_id=int(found[-1]))

    def _claim(self, conn: Connection, worker_id: str) -> JobEntry | None:
        sql = self.sql
        now = sql.now()
        found = conn.exec_driver_sql(sql.claim, {"w": worker_id, **now}).first()
        if found is None:
            return None
        row = sql.entry_row(found)
        log_id, _entry_id = conn.exec_driver_sql(sql.open_logs(1), {"w": worker_id, "i0": row["id"], **now}).one()
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

        What the entry becomes is ``shopops.queue.model.next_state``'s rule (a retry, the next recurrence,
        finished or error). Returns the entry's new status, or None when the entry was no longer this
        worker's (the janitor took it back).
        """
        with self.engine.begin() as conn:
            return self._finish(conn, entry, worker_id, outcome, error, traceback)

    def settle(self, worker_id: str, done: Sequence[Finished], claim: int) -> list[JobEntry]:
        """Finish the runs in ``done`` and claim up to ``claim`` entries, in one transaction.

        A busy worker thus pays one commit per batch instead of two per job. Several entries are taken
        only when they need no category (their order is kept: a categorised entry comes alone).
        """
        if self.postgres and claim == 1 and not done:
            claimed = self.claim(worker_id)  # an idle worker woken by a NOTIFY: one round trip
            return [claimed] if claimed else []
        for _ in range(CLAIM_RETRIES):
            try:
                with self.engine.begin() as conn:
                    if done:
                        self._finish_many(conn, worker_id, done)
                    return self._claim_many(conn, worker_id, claim) if claim else []
            except IntegrityError:
                # a PostgreSQL race on a category (see ``claim``): settle the finishes, then look again
                if done:
                    self.settle(worker_id, done, 0)
                    done = []
        return []

    def _claim_many(self, conn: Connection, worker_id: str, limit: int) -> list[JobEntry]:
        if limit <= 1:
            entry = self._claim(conn, worker_id)
            return [entry] if entry else []
        sql = self.sql
        now = sql.now()
        ids: list[int] = []
        for entry_id, category in conn.exec_driver_sql(*sql.bind(sql.candidates, [{"limit": limit, **now}])):
            if category is not None:
                ids = ids or [entry_id]
                break
            ids.append(entry_id)
        if not ids:
            return []
        params = {f"i{n}": entry_id for n, entry_id in enumerate(ids)}
        claimed = conn.exec_driver_sql(*sql.bind(sql.claim_ids(len(ids)), [{"w": worker_id, **params, **now}])).all()
        if not claimed:
            return []
        rows = sorted(claimed, key=lambda r: (r[_PRIORITY], r[_ID]))
        taken = {f"i{n}": row[_ID] for n, row in enumerate(rows)}
        opened = conn.exec_driver_sql(*sql.bind(sql.open_logs(len(rows)), [{"w": worker_id, **taken, **now}])).all()
        logs = {int(entry_id): int(log_id) for log_id, entry_id in opened}
        return [sql.entry(row, logs[row[_ID]]) for row in rows]

    def release(self, entries: Sequence[JobEntry], worker_id: str) -> None:
        """Give back claimed entries that never started: ready again, the attempt not counted, no log."""
        if not entries:
            return
        ids = [e.id for e in entries]
        log_ids = [e.log_id for e in entries if e.log_id is not None]
        with self.engine.begin() as conn:
            conn.execute(
                update(E)
                .where(E.c.id.in_(ids), E.c.worker_id == worker_id, E.c.status == Status.IN_PROCESS.value)
                .values(status=Status.READY.value, worker_id=None, attempts=E.c.attempts - 1)
            )
            conn.execute(delete(L).where(L.c.id.in_(log_ids), L.c.status == LogStatus.IN_PROCESS.value))
            self.notify(conn)

    def _finish(
        self,
        conn: Connection,
        entry: JobEntry,
        worker_id: str,
        outcome: Outcome | None,
        error: str | None,
        traceback: str | None,
        started_at: dt.datetime | None = None,
        ended_at: dt.datetime | None = None,
    ) -> Status | None:
        item = Finished(entry, outcome, error, traceback, started_at, ended_at)
        entry_values, log_values, status = self._finish_values(item, worker_id, utcnow())
        changed = conn.exec_driver_sql(self.sql.finish_entry, entry_values).rowcount
        if log_values is not None:
            conn.exec_driver_sql(self.sql.finish_log, log_values)
        self._after_finish(conn, [item], [status])
        return status if changed else None

    def _finish_many(self, conn: Connection, worker_id: str, done: Sequence[Finished]) -> None:
        """Finish a batch of runs: each statement once for all of them (the driver's executemany), and one
        time of writing for all of them (reading and formatting the clock per run was a tenth of its cost)."""
        entries: list[dict[str, Any]] = []
        logs: list[dict[str, Any]] = []
        statuses: list[Status] = []
        now = utcnow()
        stamp = self.sql.now(now)
        for item in done:
            entry_values, log_values, status = self._finish_values(item, worker_id, now, stamp)
            entries.append(entry_values)
            statuses.append(status)
            if log_values is not None:
                logs.append(log_values)
        conn.exec_driver_sql(*self.sql.bind(self.sql.finish_entry, entries))
        if logs:
            conn.exec_driver_sql(*self.sql.bind(self.sql.finish_log, logs))
        self._after_finish(conn, list(done), statuses)

    def _finish_values(
        self, item: Finished, worker_id: str, at: dt.datetime, now: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any] | None, Status]:
        """The finish statements' parameters for one run, written at ``at`` (host clock; PostgreSQL uses its own);
        ``now`` is ``at`` as the statements' parameter, when the caller formatted it once for a batch."""
        sql = self.sql
        entry = item.entry
        error = item.error
        values = next_state(entry, at, error)
        if now is None:
            now = sql.now(at)
        next_start = values.get("earliest_start_at")
        entry_values = {
            "status": values["status"],
            "next_start": None if next_start is None else sql.time(next_start),
            "attempts": values.get("attempts"),
            "last_error": values.get("last_error"),
            "id": entry.id,
            "w": worker_id,
        }
        entry_values.update(now)
        log_values = None
        if entry.log_id is not None:
            outcome = item.outcome
            log_values = {
                "status": LogStatus.ERROR.value if error else LogStatus.SUCCESS.value,
                "error": error,
                "traceback": item.traceback,
                "stats": None if outcome is None else sql.json(outcome.stats),
                "api_cost": None if outcome is None else outcome.api_cost,
                "log_id": entry.log_id,
                "started": sql.time(item.started_at),
                "ended": sql.time(item.ended_at),
            }
            log_values.update(now)
        return entry_values, log_values, STATUS_BY_VALUE[values["status"]]

    def _after_finish(self, conn: Connection, done: Sequence[Finished], statuses: Sequence[Status]) -> None:
        """Free the categories of finished runs; wake idle workers when something became claimable
        (a freed category, a retry, a next recurrence), once for the whole batch."""
        categories = sorted({item.entry.category for item in done if item.entry.category})
        for category in categories:
            conn.exec_driver_sql(self.sql.activate_waiting, {"category": category})
        if categories or Status.READY in statuses:
            self.notify(conn, categories[0] if len(categories) == 1 else "")

    def activate_waiting(self, conn: Connection, category: str) -> None:
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
        self.heartbeat(worker_id, hostname, pid, threads)

    def heartbeat(self, worker_id: str, hostname: str, pid: int, threads: int) -> None:
        """The worker is alive. A worker the janitor already gave up on registers again."""
        with self.engine.begin() as conn:
            now = self.db_now()
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
            self.notify(conn)

    # --- janitor, promotion, pruning (queue/maintenance.py) ---------------------------------------------

    def recover_lost(self, lost_after_s: float) -> list[int]:
        """Entries of workers that stopped heartbeating: retried or errored, their log entries closed."""
        return maintenance.recover_lost(self, lost_after_s)

    def promote(self) -> dict[str, int]:
        """Expire overdue entries, show blocked due entries as waiting, free the rest."""
        return maintenance.promote(self)

    def prune(self, older_than: dt.timedelta, batch: int = 10_000) -> int:
        """Delete log entries (and finished one-off entries) older than ``older_than``."""
        return maintenance.prune(self, older_than, batch)
