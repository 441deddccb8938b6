"""Several worker processes on one database: no overlap within a category, every job exactly once,
and a worker killed with SIGKILL mid-run is recovered by the janitor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pandas as pd
import pytest

import shopops
from shopops.queue import Status

CATEGORIES = ["ORDERS", "STOCK", "PRODUCTS", None]


def worker_cmd(db_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "shopops", "--db", db_url, "worker", "--threads", "1", *extra]


def overlaps(log: pd.DataFrame) -> int:
    """Pairs of runs of one category whose [start, end] intervals overlap."""
    found = 0
    for _, runs in log[log.category.notna()].groupby("category"):
        runs = runs.sort_values("start")
        previous_end = None
        for start, end in zip(runs.start, runs.end, strict=True):
            if previous_end is not None and start < previous_end:
                found += 1
            previous_end = end if previous_end is None else max(previous_end, end)
    return found


@pytest.mark.slow
def test_four_worker_processes_2000_jobs(db_url: str) -> None:
    ws = shopops.open(db_url)
    jobs = 2000
    for i in range(jobs):
        ws.queue.store.insert_entry(
            {
                "report": "pause",
                # uncategorised runs last longer, so that running side by side is sure to show in the log
                "parameters": {"seconds": 0.001 if CATEGORIES[i % 4] else 0.01},
                "category_code": CATEGORIES[i % 4],
                "priority": 2000,
                "status": "ready",
                "earliest_start_at": shopops.queue.job_queue.utcnow(),
                "max_attempts": 1,
                "rerun_delay_s": 0,
                "recurring": False,
            }
        )
    procs = [
        subprocess.Popen(worker_cmd(db_url, "--until-idle", "--poll", "0.02"), stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    log = ws.queue.log()
    assert len(log) == jobs
    assert (log.status == "success").all()
    assert log.entry_id.nunique() == jobs  # every job exactly once
    assert overlaps(log) == 0
    assert log.worker.nunique() >= 2  # the work really was shared
    assert set(ws.queue.entries().status) == {"finished"}
    # uncategorised jobs did run side by side: the check above can see overlap when there is some
    free = log[log.category.isna()].assign(category="free")
    assert overlaps(free) > 0
    ws.close()


def _wait_for(predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def _kill_mid_run(ws: Any, db_url: str, entry_id: int) -> str:
    """Start a worker, wait until it runs the entry, show `queue list` meanwhile, SIGKILL it, let the janitor
    recover the entry; the `queue list` output taken while it ran."""
    proc = subprocess.Popen(worker_cmd(db_url, "--heartbeat", "0.2", "--lost-after", "1"), stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: ws.queue.get(entry_id).status == Status.IN_PROCESS)
        listing = subprocess.run(
            [sys.executable, "-m", "shopops", "--db", db_url, "queue", "list"], capture_output=True, text=True
        )
        assert listing.returncode == 0, listing.stderr
        assert f":{proc.pid}:" in listing.stdout  # the worker that holds the entry: host:pid:tag
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        time.sleep(1.5)
        assert ws.queue.store.recover_lost(1.0) == [entry_id]
    finally:
        if proc.poll() is None:
            proc.kill()
    return listing.stdout


def test_kill_9_mid_run_is_retried_once_more_then_errors(db_url: str) -> None:
    ws = shopops.open(db_url)
    entry = ws.queue.enqueue("pause", params={"seconds": 60.0}, category="KILL")  # max_attempts 1, the default
    _kill_mid_run(ws, db_url, entry.id)
    got = ws.queue.get(entry.id)
    assert got.status == Status.READY and "worker lost" in (got.last_error or "")  # README: a lost run is retried
    _kill_mid_run(ws, db_url, entry.id)
    got = ws.queue.get(entry.id)
    assert got.status == Status.ERROR and got.attempts == 2 and "worker lost" in (got.last_error or "")
    log = ws.queue.log(entry_id=entry.id)
    assert log.status.tolist() == ["error", "error"] and log.error.str.contains("worker lost").all()
    assert ws.queue.entries(status="in_process").empty
    assert ws.queue.log(status="in_process").empty
    ws.close()


def test_max_attempts_from_the_command_line_gives_more_tries(db_url: str) -> None:
    ws = shopops.open(db_url)
    run = ["run", "pause", "-p", "seconds", "60", "--background", "--max-attempts", "2"]
    queued = subprocess.run([sys.executable, "-m", "shopops", "--db", db_url, *run], capture_output=True, text=True)
    assert queued.returncode == 0, queued.stderr
    entry = ws.queue.entries().iloc[0]
    assert entry.max_attempts == 2
    for _ in range(2):
        _kill_mid_run(ws, db_url, int(entry.id))
        assert ws.queue.get(int(entry.id)).status == Status.READY
    _kill_mid_run(ws, db_url, int(entry.id))
    assert ws.queue.get(int(entry.id)).status == Status.ERROR
    ws.close()


def test_sigterm_lets_the_running_entry_finish(db_url: str) -> None:
    ws = shopops.open(db_url)
    entry = ws.queue.enqueue("pause", params={"seconds": 1.0})
    proc = subprocess.Popen(worker_cmd(db_url, "--grace", "10"), stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: ws.queue.get(entry.id).status == Status.IN_PROCESS)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "SIGTERM" in err
    assert ws.queue.get(entry.id).status == Status.FINISHED
    assert ws.queue.log(entry_id=entry.id).iloc[0].status == "success"
    ws.close()
