"""`shopops webhooks serve` as ops run it: a real process answering /health, refusing what is not Shopify's
without touching the queue, stopping cleanly on SIGTERM; several processes on PostgreSQL record each of
many concurrent events once and queue one entry; several processes on SQLite are refused in one line."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

import shopops
from shopops.store import tables as t

SECRET = "shpss_e2e_secret_value"
DOMAIN = "e2e-shop.myshopify.com"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> None:
    with shopops.open(url) as ws:
        ws.shops.add("E2E", url="https://e2e-shop.myshopify.com", token_env="E2E_TOKEN", shop_domain=DOMAIN)


@pytest.fixture
def serve() -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(url: str, *args: str) -> tuple[subprocess.Popen[str], str]:
        port = free_port()
        env = {**os.environ, "SHOPOPS_WEBHOOK_SECRET_E2E": SECRET}
        proc = subprocess.Popen(
            [sys.executable, "-m", "shopops", "--db", url, "webhooks", "serve", "--port", str(port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,  # --workers N forks: stop the whole group
        )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/health", timeout=1).status_code == 200:
                    return proc, base
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, proc.communicate()[1]
            time.sleep(0.1)
        raise AssertionError("the receiver did not answer /health")

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()


def delivery(order_id: int, event_id: str, topic: str = "orders/create") -> tuple[bytes, dict[str, str]]:
    raw = json.dumps({"id": order_id, "updated_at": "2026-12-04T10:00:00Z"}).encode()
    digest = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
    return raw, {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": digest,
        "X-Shopify-Shop-Domain": DOMAIN,
        "X-Shopify-Event-Id": event_id,
        "Content-Type": "application/json",
    }


def counts(url: str) -> tuple[int, int]:
    with shopops.open(url) as ws, ws.engine.connect() as conn:
        events = conn.execute(sa.select(sa.func.count()).select_from(t.webhook_event)).scalar_one()
        entries = conn.execute(sa.select(sa.func.count()).select_from(t.job_queue_entry)).scalar_one()
    return int(events), int(entries)


def test_serve_on_sqlite_refuses_strangers_and_stops_on_sigterm(serve: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/hooks.db"
    prepare(url)
    proc, base = serve(url)
    raw, headers = delivery(1001, "ev-1")
    unsigned = {**headers, "X-Shopify-Hmac-Sha256": "x"}
    assert requests.post(f"{base}/webhooks", data=raw, headers=unsigned, timeout=5).status_code == 401
    stranger = {**headers, "X-Shopify-Shop-Domain": "a.myshopify.com"}
    assert requests.post(f"{base}/webhooks", data=raw, headers=stranger, timeout=5).status_code == 404
    assert counts(url) == (0, 0)
    answer = requests.post(f"{base}/webhooks", data=raw, headers=headers, timeout=5)
    assert answer.status_code == 200 and answer.json()["outcome"] == "queued"
    assert counts(url) == (1, 1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    # uvicorn shuts down gracefully, then re-raises the signal it caught: the exit status says SIGTERM
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "Finished server process" in err
    assert SECRET not in out + err


@pytest.mark.pg
def test_several_processes_on_postgresql_record_each_event_once(pg_url: str, serve: Any) -> None:
    prepare(pg_url)
    _proc, base = serve(pg_url, "--workers", "2")
    sends = [delivery(5000 + i % 40, f"ev-{i}") for i in range(160)]
    sends += sends[::4]  # forty deliveries sent twice, concurrently with their first
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda d: requests.post(f"{base}/webhooks", data=d[0], headers=d[1]).json(), sends))
    outcomes = [s["outcome"] for s in statuses]
    assert outcomes.count("duplicate") == 40 and len(outcomes) == 200
    assert outcomes.count("queued") == 1, "one pending entry, however many processes"
    assert counts(pg_url) == (160, 1)
    pids = {requests.get(f"{base}/health", timeout=5).json()["pid"] for _ in range(30)}
    assert pids, "health answers from the processes"


def test_several_processes_on_sqlite_are_refused_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/hooks.db"
    prepare(url)
    proc = subprocess.run(
        [sys.executable, "-m", "shopops", "--db", url, "webhooks", "serve", "--workers", "2", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "PostgreSQL" in proc.stderr
