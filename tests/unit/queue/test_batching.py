"""How a worker sizes its batches of quick runs (``next_batch_size``), and the statements' parameters in the
form each driver binds quickest (``Statements.bind``)."""

from __future__ import annotations

import sqlite3

import pytest

from shopops.queue.sql import Statements
from shopops.queue.worker import FAST_RUN_S, FLUSH_AFTER_S, MAX_BATCH, next_batch_size


def test_an_idle_worker_claims_one_entry_then_doubles_while_runs_are_quick() -> None:
    sizes = [next_batch_size(0, 0.0)]
    for _ in range(12):
        sizes.append(next_batch_size(sizes[-1], 0.000_02))
    assert sizes[:6] == [1, 2, 4, 8, 16, 32]
    assert max(sizes) == MAX_BATCH == sizes[-1]


def test_one_slow_run_drops_back_to_one_entry_at_a_time() -> None:
    assert next_batch_size(MAX_BATCH, FAST_RUN_S) == 1
    assert next_batch_size(MAX_BATCH, 2.0) == 1


@pytest.mark.parametrize("slowest", [0.001, 0.002, 0.004])
def test_a_batch_holds_no_more_runs_than_finish_within_the_flush_interval(slowest: float) -> None:
    size = next_batch_size(MAX_BATCH, slowest)
    assert size == int(FLUSH_AFTER_S / slowest)
    assert size * slowest <= FLUSH_AFTER_S  # the last entry of the batch starts within it of its claim


def test_sqlite_gets_positional_parameters_in_the_statement_s_order() -> None:
    sql = Statements(postgres=False)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b, c)")
    statement = "INSERT INTO t (a, b, c) VALUES (:b, :a, COALESCE(:c, :a))"
    text, rows = sql.bind(statement, [{"a": 1, "b": 2, "c": None}, {"c": 3, "b": 4, "a": 5}])
    assert text == "INSERT INTO t (a, b, c) VALUES (?, ?, COALESCE(?, ?))"
    assert rows == [(2, 1, None, 1), (4, 5, 3, 5)]
    conn.executemany(text, rows)
    assert conn.execute("SELECT a, b, c FROM t").fetchall() == [(2, 1, 1), (4, 5, 3)]
    # one parameter: still a row of one
    assert sql.bind("SELECT :x", [{"x": 7}]) == ("SELECT ?", [(7,)])


def test_postgresql_keeps_its_named_parameters() -> None:
    sql = Statements(postgres=True)
    rows = [{"id": 1, "w": "worker"}]
    assert sql.bind(sql.finish_entry, rows) == (sql.finish_entry, rows)


def test_every_hot_sqlite_statement_binds_positionally() -> None:
    sql = Statements(postgres=False)
    for statement in (sql.candidates, sql.claim_ids(3), sql.open_logs(3), sql.finish_entry, sql.finish_log):
        text, _ = sql.bind(statement, [])
        assert ":" not in text.replace("::", ""), text
        assert text.count("?") >= 1


def _claimed_row(**changes: object) -> list[object]:
    from shopops.queue.sql import ENTRY_COLUMNS

    values: dict[str, object] = dict.fromkeys(ENTRY_COLUMNS)
    values.update(id=7, report="noop", parameters='{"n": 1}', description=None, priority=2000, status="in_process")
    values.update(earliest_start_at="2026-12-04 14:00:00.123456", scheduled_at="2026-12-04 14:00:00.123456")
    values.update(recurring=0, max_attempts=3, attempts=1, rerun_delay_s=0, worker_id="w", stop_on_error=0)
    values.update(changes)
    return [*values.values(), 99]  # a claim's row may carry more columns (the log id) after the entry's


@pytest.mark.parametrize(
    "changes",
    [{}, {"parameters": "{}", "category_code": "SHOP", "expiration_at": "2026-12-05 00:00:00.000000"}],
)
def test_a_claimed_row_becomes_the_same_entry_by_the_short_way(changes: dict[str, object]) -> None:
    from shopops.queue.model import JobEntry

    sql = Statements(postgres=False)
    row = _claimed_row(**changes)
    short, long = sql.entry(row, 3), JobEntry.from_row(sql.entry_row(row), log_id=3)
    assert short == long and short.log_id == long.log_id == 3
    assert short.earliest_start_at.tzinfo is not None and short.description == ""


def test_a_recurring_row_keeps_its_recurrence() -> None:
    sql = Statements(postgres=False)
    entry = sql.entry(_claimed_row(recurring=1, every_minutes=15, timezone="UTC"), 3)
    assert entry.recurrence is not None and entry.recurrence.every_minutes == 15
