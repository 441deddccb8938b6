"""Workers and the scheduler say what they run: one line per run at the default level; a recurring entry
that fails keeps its schedule (or stops, when it says so); `queue show` gives the last error and traceback."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import shopops

TOKEN_ENV = "SHOPOPS_TEST_TOKEN_NEVER_SET"


def sh(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    return subprocess.run(
        [sys.executable, "-m", "shopops", "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A shop whose token is not set, a recurring check of it due now, one that stops on error, and a pause."""
    path = tmp_path / "runs.db"
    now = dt.datetime.now(dt.UTC)
    with shopops.open(str(path)) as ws:
        ws.shops.add("BAD", url="https://bad.myshopify.com", token_env=TOKEN_ENV)
        every_hour = shopops.Recurrence(every_minutes=60)
        ws.queue.enqueue("check-connection", shop="BAD", recurrence=every_hour, earliest_start=now)
        ws.queue.enqueue("check-connection", shop="BAD", recurrence=every_hour, earliest_start=now, stop_on_error=True)
        ws.queue.enqueue("pause", params={"seconds": 0.2})
    return path


def run_lines(stderr: str) -> list[str]:
    return [line.split("shopops.runs: ", 1)[1] for line in stderr.splitlines() if "shopops.runs: " in line]


def test_the_scheduler_prints_one_line_per_run_and_keeps_failing_schedules(db: Path) -> None:
    proc = sh(db, "scheduler", "--tick", "0.2", "--duration", "3")
    assert proc.returncode == 0, proc.stderr
    lines = run_lines(proc.stderr)
    assert len(lines) == 3, proc.stderr
    with shopops.open(str(db)) as ws:
        assert len(ws.queue.log()) == 3  # one line per run, no more, no less
    by_entry = {int(re.match(r"#(\d+) ", line).group(1)): line for line in lines}  # type: ignore[union-attr]
    assert re.fullmatch(
        r"#1 check-connection for BAD: error in \d+\.\ds \(attempt 1 of 1; schedule kept, next run "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\): ConfigError: token_env: shop BAD: environment variable "
        + TOKEN_ENV
        + r" is not set; .*",
        by_entry[1],
    )
    assert "(attempt 1 of 1; the entry is now in error): ConfigError: token_env" in by_entry[2]
    assert re.fullmatch(r"#3 pause: success in 0\.\ds, paused_ms \d+, API cost 0", by_entry[3]), by_entry[3]
    assert "Traceback" not in proc.stderr

    listing = sh(db, "queue", "list").stdout.splitlines()
    assert re.search(r"^ 1 +check-connection +BAD +ready .* every 60 min UTC .*ConfigError: token_env", listing[1])
    assert re.search(r"^ 2 +check-connection +BAD +error .* every 60 min UTC", listing[2])

    shown = sh(db, "queue", "show", "1")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert out.startswith("entry #1 check-connection for BAD: ready\n")
    assert "on failure    keeps its schedule" in out
    assert "attempts      0 of 1, rerun delay 0s" in out
    assert re.search(r"last run: log #\d+ error, started \d{4}-", out)
    assert f"environment variable {TOKEN_ENV} is not set" in out
    assert "  traceback:\n    Traceback (most recent call last):" in out
    assert out.rstrip().endswith(
        f"ConfigError: token_env: shop BAD: environment variable {TOKEN_ENV} is not set; "
        f"export {TOKEN_ENV}=<the shop's Admin API access token>"
    )
    assert "on failure    stops (status error)" in sh(db, "queue", "show", "2").stdout
    assert "last run: none yet" not in out


def test_a_worker_prints_one_line_per_run(db: Path) -> None:
    proc = sh(db, "worker", "--until-idle")
    assert proc.returncode == 0, proc.stderr
    assert len(run_lines(proc.stderr)) == 3


def test_queue_show_of_an_entry_that_never_ran(db: Path) -> None:
    with shopops.open(str(db)) as ws:
        entry = ws.queue.enqueue("noop", on_hold=True, description="a test of the queue")
    out = sh(db, "queue", "show", str(entry.id)).stdout
    assert f"entry #{entry.id} noop: on_hold" in out and "a test of the queue" in out
    assert "recurrence    none (runs once)" in out and out.rstrip().endswith("last run: none yet")
    missing = sh(db, "queue", "show", "999")
    assert missing.returncode == 1 and missing.stderr.strip() == "error: no job queue entry 999"


def test_an_unresolvable_shop_fails_fast_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "dns.db"
    with shopops.open(str(db)) as ws:
        ws.shops.add("GONE", url="https://no-such-shop.invalid", token_env="SHOPOPS_GONE_TOKEN")
    env = {**os.environ, "SHOPOPS_GONE_TOKEN": "shpat_gone_0123456789abcdef"}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "shopops", "--db", str(db), "run", "check-connection", "--shop", "GONE", "--foreground"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert time.monotonic() - started < 10  # was 18-27 s of retries
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("check-connection for GONE: error in "), proc.stdout
    assert "HostNotFoundError: Cannot find the shop's host no-such-shop.invalid (" in lines[0]
    assert "Check the shop URL" in lines[0] and "HTTPSConnectionPool" not in lines[0]
    assert "WARNING" not in proc.stderr and "Traceback" not in proc.stderr
    assert "shpat_gone" not in proc.stdout + proc.stderr
