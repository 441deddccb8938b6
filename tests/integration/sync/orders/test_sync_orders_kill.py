"""``kill -9`` of a worker in the middle of sync-orders, then a rerun, leaves the order mirror exactly as a
clean run into another database does: no order lost, none doubled, no half-written order.

The worker is a real process (``python -m shopops --db URL worker --threads 1``) talking to a sandbox in
this process over HTTP; it is killed once part of the orders are in the mirror.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import shopops
from shopops.sandbox import Sandbox
from shopops.store import tables as t

pytestmark = pytest.mark.slow

SHOP = "SBX"
ORDERS = 160  # about 120 of them open: what a first sync-orders imports
KILL_AT = 30  # orders in the mirror when the worker is killed
MIRROR = [
    t.shopify_order,
    t.shopify_order_line,
    t.shopify_order_shipping_line,
    t.shopify_order_tax_line,
    t.shopify_order_transaction,
    t.shopify_fulfillment_order,
    t.shopify_fulfillment_order_line,
    t.shopify_refund,
    t.shopify_refund_line,
]
#: Columns that say when we wrote a row, not what Shopify holds.
LOCAL_TIMES = {"imported_at", "staged_at"}


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with Sandbox(seed={"orders": ORDERS}, plan="plus") as box:
        yield box


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def content(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every mirror table's rows, without local write times, sorted: comparable across databases."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in MIRROR:
            columns = [c for c in table.c if c.name not in LOCAL_TIMES]
            rows = conn.execute(sa.select(*columns)).all()
            out[table.name] = sorted((tuple(_value(v) for v in r) for r in rows), key=repr)
    return out


def count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.shopify_order)).scalar_one())


def add_shop(ws: Any, sandbox: Any) -> None:
    ws.shops.add(SHOP, url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False)


def test_kill_9_mid_sync_orders_then_rerun_equals_a_clean_run(
    ws: Any, db_url: str, sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    add_shop(ws, sandbox)
    # the batched read writes an order at a time, so the kill lands mid-run (test_order_read_paths kills a bulk read)
    entry = ws.queue.enqueue("sync-orders", shop=SHOP, params={"read_path": "batched"})
    env = {**os.environ, "SANDBOX_TOKEN": sandbox.token, "SHOPOPS_PLUGINS": ""}
    worker = subprocess.Popen(
        [sys.executable, "-m", "shopops", "--db", db_url, "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while count(ws.engine) < KILL_AT:
            assert worker.poll() is None, f"the worker ended early: {worker.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the worker imported nothing in two minutes"
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        if worker.stderr is not None:
            worker.stderr.close()
    killed_at = count(ws.engine)
    open_orders = sum(1 for o in sandbox.state.table("Order").values() if not o.get("closed"))
    assert KILL_AT <= killed_at < open_orders, "the kill must land in the middle of the run"
    assert ws.queue.get(entry.id).status == "in_process", "the dead worker's entry waits for the janitor"

    rerun = ws.run("sync-orders", shop=SHOP, background=False)
    assert rerun.ok, rerun.error

    clean = shopops.open(f"sqlite:///{tmp_path}/clean.db")
    try:
        add_shop(clean, sandbox)
        first = clean.run("sync-orders", shop=SHOP, background=False, read_path="batched")
        assert first.ok, first.error
        expected = content(clean.engine)
    finally:
        clean.close()
    got = content(ws.engine)
    assert len(expected["shopify_order"]) == open_orders
    for table in MIRROR:
        assert got[table.name] == expected[table.name], f"{table.name} differs after kill -9 and rerun"
    with ws.engine.connect() as conn:
        assert not conn.execute(sa.select(t.shopify_order_to_import)).first(), "nothing left staged"
