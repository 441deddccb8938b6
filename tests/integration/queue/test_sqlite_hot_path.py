"""The queue's hot statements on SQLite: how its planner answers them, so that a worker's cost per job does
not grow with the number of entries waiting."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

import shopops
from shopops.queue.sql import Statements
from shopops.store import tables as t


def plan(ws: shopops.Workspace, sql: str, params: dict[str, object]) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN for ``sql``, one line per step."""
    conn = ws.engine.raw_connection()
    try:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    finally:
        conn.close()


def test_a_batch_claim_finds_its_entries_by_id_not_by_walking_the_ready_ones(tmp_path: Path) -> None:
    ws = shopops.open(f"sqlite:///{tmp_path}/q.db")
    try:
        for _ in range(20):
            ws.queue.enqueue("noop")
        sql = Statements(postgres=False)
        params: dict[str, object] = {"w": "worker", "now": "2026-12-04 00:00:00.000000"}
        params.update({f"i{n}": n + 1 for n in range(64)})
        steps = plan(ws, sql.claim_ids(64), params)
        assert steps and all("INTEGER PRIMARY KEY" in step for step in steps), steps
        assert not any("ix_job_queue_entry_claim" in step for step in steps), steps
        # the other per-job statements look their rows up by id as well
        finish = {"status": "finished", "next_start": None, "attempts": None, "last_error": None, "id": 1}
        closing = {"status": "success", "started": None, "ended": None, "error": None, "traceback": None}
        closing.update({"stats": None, "api_cost": None, "log_id": 1})
        for statement, values in (
            (sql.open_logs(64), params),
            (sql.finish_entry, {**finish, "w": "worker", "now": params["now"]}),
            (sql.finish_log, {**closing, "now": params["now"]}),
        ):
            steps = plan(ws, statement, values)
            assert steps and all("INTEGER PRIMARY KEY" in step for step in steps), (statement, steps)
    finally:
        ws.close()


def test_the_claim_by_ids_still_skips_an_entry_that_is_no_longer_ready(tmp_path: Path) -> None:
    ws = shopops.open(f"sqlite:///{tmp_path}/q.db")
    try:
        first, second = ws.queue.enqueue("noop"), ws.queue.enqueue("noop")
        ws.queue.set_on_hold(second.id)
        sql = Statements(postgres=False)
        with ws.engine.begin() as conn:
            rows = conn.exec_driver_sql(
                sql.claim_ids(2), {"w": "worker", "now": "2026-12-04 00:00:00.000000", "i0": first.id, "i1": second.id}
            ).all()
        assert [row[0] for row in rows] == [first.id]
    finally:
        ws.close()


class _Lines(logging.Handler):
    """Keeps each run line, with the entry's log status as the database had it when the line was written."""

    def __init__(self, ws: shopops.Workspace) -> None:
        super().__init__(logging.INFO)
        self.ws = ws
        self.seen: list[tuple[int, str | None]] = []

    def emit(self, record: logging.LogRecord) -> None:
        entry_id = int(record.getMessage().split(" ", 1)[0].lstrip("#"))
        with self.ws.engine.connect() as conn:
            status = conn.execute(
                sa.select(t.job_queue_log_entry.c.status).where(t.job_queue_log_entry.c.entry_id == entry_id)
            ).scalar()
        self.seen.append((entry_id, status))


@pytest.mark.parametrize("threads", [1, 4])
def test_a_batch_of_quick_runs_prints_one_line_per_run_in_order_once_written(tmp_path: Path, threads: int) -> None:
    ws = shopops.open(f"sqlite:///{tmp_path}/q.db")
    runs = logging.getLogger("shopops.runs")
    lines = _Lines(ws)
    level = runs.level
    runs.addHandler(lines)
    runs.setLevel(logging.INFO)
    try:
        ids = [ws.queue.enqueue("noop").id for _ in range(300)]
        assert ws.queue.work(concurrency=threads, timeout=60) == 300
    finally:
        runs.removeHandler(lines)
        runs.setLevel(level)
        ws.close()
    written = [entry_id for entry_id, _ in lines.seen]
    # one thread: in entry order; several: in the order their runs ended
    assert (written if threads == 1 else sorted(written)) == ids
    assert {status for _, status in lines.seen} == {"success"}  # a line follows the write of its run
