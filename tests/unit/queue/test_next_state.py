"""What an entry becomes after a run (``next_state``), and the line a worker prints for it (``run_line``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from shopops.queue.log_lines import run_line
from shopops.queue.model import JobEntry, Outcome, Status, next_state
from shopops.queue.recurrence import Recurrence

NOW = dt.datetime(2026, 3, 2, 10, 7, tzinfo=dt.UTC)  # a Monday
SCHEDULED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def entry(**changes: Any) -> JobEntry:
    base = JobEntry(
        id=7,
        report="sync-orders",
        shop="DEMO",
        parameters={},
        description="",
        category="SHOPIFY",
        priority=2000,
        status=Status.IN_PROCESS,
        earliest_start_at=SCHEDULED,
        expiration_at=None,
        recurrence=None,
        max_attempts=1,
        attempts=1,
        rerun_delay_s=0,
        scheduled_at=SCHEDULED,
    )
    return dataclasses.replace(base, **changes)


EVERY_15 = Recurrence(every_minutes=15)


def test_success() -> None:
    assert next_state(entry(), NOW, None) == {"status": "finished", "last_error": None}
    recurring = next_state(entry(recurrence=EVERY_15), NOW, None)
    assert recurring["status"] == "ready" and recurring["attempts"] == 0 and recurring["last_error"] is None
    assert recurring["earliest_start_at"] == SCHEDULED + dt.timedelta(minutes=15)


def test_failure_with_attempts_left_is_retried_after_the_delay() -> None:
    got = next_state(entry(max_attempts=3, attempts=2, rerun_delay_s=60), NOW, "boom")
    assert got["status"] == "ready" and got["last_error"] == "boom"
    assert got["earliest_start_at"] == NOW + dt.timedelta(seconds=60, milliseconds=100)


def test_a_one_off_without_attempts_left_goes_to_error() -> None:
    assert next_state(entry(), NOW, "boom") == {"status": "error", "last_error": "boom"}


def test_a_recurring_entry_without_attempts_left_keeps_its_schedule() -> None:
    got = next_state(entry(recurrence=EVERY_15, max_attempts=2, attempts=2), NOW, "boom")
    assert got == {
        "status": "ready",
        "earliest_start_at": SCHEDULED + dt.timedelta(minutes=15),
        "attempts": 0,
        "last_error": "boom",
    }


def test_a_recurring_entry_that_stops_on_error_goes_to_error() -> None:
    got = next_state(entry(recurrence=EVERY_15, stop_on_error=True), NOW, "boom")
    assert got == {"status": "error", "last_error": "boom"}


def test_a_lost_run_is_tried_once_more_then_errors() -> None:
    assert next_state(entry(attempts=1), NOW, "lost", lost=True)["status"] == "ready"
    assert next_state(entry(attempts=2), NOW, "lost", lost=True) == {"status": "error", "last_error": "lost"}


def test_run_lines() -> None:
    ok = run_line(entry(), Outcome(stats={"read": 40, "created": 3, "skipped": 0}, api_cost=120.5), None, 1.24, NOW)
    assert ok == "#7 sync-orders for DEMO: success in 1.2s, read 40, created 3, API cost 120.5"
    nothing = run_line(entry(shop=None, report="noop"), Outcome(), None, 0.01, NOW)
    assert nothing == "#7 noop: success in 0.0s, nothing, API cost 0"
    recurring = run_line(entry(recurrence=EVERY_15), Outcome(stats={"read": 1}), None, 0.5, NOW)
    assert recurring.endswith("; next run 2026-03-02 10:15:00 UTC")
    error = "ConfigError: token_env: SHOPOPS_TOKEN is not set\nTraceback ..."
    kept = run_line(entry(recurrence=EVERY_15), None, error, 0.2, NOW)
    assert kept == (
        "#7 sync-orders for DEMO: error in 0.2s (attempt 1 of 1; schedule kept, next run 2026-03-02 10:15:00 UTC): "
        "ConfigError: token_env: SHOPOPS_TOKEN is not set"
    )
    retry = run_line(entry(max_attempts=3, rerun_delay_s=60), None, "boom", 0.2, NOW)
    assert "(attempt 1 of 3; retry at 2026-03-02 10:08:00 UTC): boom" in retry
    stopped = run_line(entry(), None, "boom", 0.2, NOW)
    assert stopped.endswith("(attempt 1 of 1; the entry is now in error): boom")
