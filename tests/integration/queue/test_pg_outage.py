"""PostgreSQL goes away under two workers and the scheduler (their backends terminated, three times, as a
restart or a failover does): they reconnect and go on, no entry is lost or left in process, and each says
so in a line, never with a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest
import sqlalchemy as sa

import shopops
from tests.conftest import PG_SERVER

pytestmark = [pytest.mark.pg, pytest.mark.slow]

JOBS = 60
OUTAGES = 3


def test_workers_and_scheduler_ride_out_lost_connections(pg_url: str) -> None:
    app = f"shopops_outage_{uuid.uuid4().hex[:8]}"  # only this test's connections are cut
    url = f"{pg_url}&application_name={app}"
    ws = shopops.open(url)
    for _ in range(JOBS):
        ws.queue.enqueue("pause", params={"seconds": 0.2})
    command = [sys.executable, "-m", "shopops", "--db", url]
    procs = [
        *(
            subprocess.Popen(
                [*command, "worker", "--threads", "1", "--poll", "0.05"],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ),
        subprocess.Popen(
            [*command, "scheduler", "--tick", "0.5", "--threads", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
    ]
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        time.sleep(3)
        cut = 0
        for _ in range(OUTAGES):
            with admin.connect() as conn:
                cut += conn.execute(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a"
                    ),
                    {"a": app},
                ).scalar_one()
            time.sleep(1.5)
        assert cut >= OUTAGES, "the test cut no connection"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            statuses = ws.queue.entries()["status"].value_counts().to_dict()
            if statuses.get("finished", 0) == JOBS:
                break
            time.sleep(0.5)
        assert statuses == {"finished": JOBS}, statuses
    finally:
        for proc in procs:
            proc.terminate()
        outputs = [proc.communicate(timeout=60)[0] for proc in procs]
        admin.dispose()
        ws.close()
    for output in outputs:
        assert "Traceback" not in output, output
        outage_lines = [line for line in output.splitlines() if "connection" in line or "unreachable" in line]
        assert 1 <= len(outage_lines) <= 4 * OUTAGES, output
