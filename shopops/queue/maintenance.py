"""The queue's upkeep: the janitor (entries of lost workers), promotion (waiting, expired), pruning.

Each step is set-based and idempotent, so every worker and every scheduler may run it, on several hosts
at once, without a leader.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlalchemy import Connection, Engine, and_, delete, exists, insert, not_, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from shopops.queue.model import JobEntry, LogStatus, Status, next_state
from shopops.store import tables as t
from shopops.store.types import utcnow

E = t.job_queue_entry
L = t.job_queue_log_entry
W = t.job_queue_worker
CLAIMABLE = (Status.READY.value, Status.WAITING.value)
LOST_WORKER_MESSAGE = "worker lost: {worker} stopped heartbeating during the run (last seen {seen})"


class UpkeepStore(Protocol):
    """What upkeep needs of the queue's store (``shopops.queue.store.QueueStore``): its engine, its clock
    and the wake-up; passed in, so that the store can call upkeep without an import circle."""

    engine: Engine
    postgres: bool

    def db_now(self) -> ColumnElement[dt.datetime]: ...

    def ago(self, seconds: float) -> ColumnElement[dt.datetime]: ...

    def notify(self, conn: Connection, payload: str = "") -> None: ...

    def activate_waiting(self, conn: Connection, category: str) -> None: ...


def recover_lost(store: UpkeepStore, lost_after_s: float) -> list[int]:
    """Entries in process on workers that stopped heartbeating: retried (a lost run gets one more try than
    its attempts allow, ``LOST_RUN_RETRIES``), their next recurrence, or error; log entries closed.

    Returns the ids of the entries recovered. Safe to run on several hosts at once.
    """
    recovered: list[int] = []
    with store.engine.begin() as conn:
        cutoff = store.ago(lost_after_s)
        alive = select(W.c.id).where(W.c.heartbeat_at > cutoff)
        query = (
            select(E, W.c.heartbeat_at.label("seen"))
            .outerjoin(W, W.c.id == E.c.worker_id)
            .where(
                E.c.status == Status.IN_PROCESS.value,
                or_(E.c.worker_id.is_(None), E.c.worker_id.not_in(alive)),
            )
        )
        if store.postgres:
            query = query.with_for_update(skip_locked=True, of=E)
        rows = conn.execute(query).mappings().all()
        stamp = utcnow()
        for row in rows:
            seen = row["seen"].strftime("%Y-%m-%d %H:%M:%S UTC") if row["seen"] else "never"
            message = LOST_WORKER_MESSAGE.format(worker=row["worker_id"], seen=seen)
            values = next_state(JobEntry.from_row(row), stamp, message, lost=True)
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
                store.activate_waiting(conn, row["category_code"])
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
            store.notify(conn)
    return recovered


def promote(store: UpkeepStore) -> dict[str, int]:
    """One scheduler step: expire overdue entries, show blocked due entries as waiting, free the rest."""
    stamp = utcnow()
    with store.engine.begin() as conn:
        now = store.db_now()
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
            store.notify(conn)
    return {"expired": len(expired_rows), "waiting": waiting, "freed": freed}


def prune(store: UpkeepStore, older_than: dt.timedelta, batch: int = 10_000) -> int:
    """Delete log entries (and finished one-off entries) that ended longer ago than ``older_than``."""
    cutoff = utcnow() - older_than
    total = 0
    while True:
        with store.engine.begin() as conn:
            ids = select(L.c.id).where(L.c.ended_at < cutoff).limit(batch).scalar_subquery()
            n = conn.execute(delete(L).where(L.c.id.in_(ids))).rowcount
        total += n
        if n < batch:
            break
    with store.engine.begin() as conn:
        conn.execute(
            delete(E).where(
                and_(E.c.status == Status.FINISHED.value, E.c.recurring.is_(False), E.c.updated_at < cutoff)
            )
        )
    return total
