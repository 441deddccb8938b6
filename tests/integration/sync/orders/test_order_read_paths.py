"""sync-orders' three read paths against the sandbox, on SQLite and PostgreSQL: the per-order read (the
baseline), batched pages and bulk queries fill the mirror with the same rows; auto takes bulk for a backlog
and batches for a few; a rerun reads nothing again; a worker killed with ``kill -9`` while its bulk query runs
leaves the operation's id saved, and the next run resumes that operation and imports every order once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.sandbox import Sandbox
from shopops.shopify import operations
from shopops.store import tables as t
from shopops.sync.orders import mirror
from shopops.sync.values import shopify_id

SHOP = "RP"
MIRROR_TABLES = (t.shopify_order, *mirror.CHILD_TABLES)
REFUND = """
mutation Refund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } }
}"""


def usd(value: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": value, "currencyCode": "USD"}}


def _post(box: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = box.post(query, variables).json()
    assert "errors" not in body, body
    return dict(body["data"])


def create_order(box: Any, **order: Any) -> dict[str, Any]:
    data = _post(box, operations.load("OrderCreate"), {"order": order})["orderCreate"]
    assert not data["userErrors"], data["userErrors"]
    return dict(data["order"])


def refund(box: Any, order_gid: str, key: str, lines: list[tuple[str, int]]) -> None:
    spec = {"orderId": order_gid, "refundLineItems": [{"lineItemId": i, "quantity": q} for i, q in lines]}
    assert not _post(box, REFUND, {"input": spec, "key": key})["refundCreate"]["userErrors"]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with Sandbox(seed={"orders": 60}, plan="plus") as box:
        box.state.bulk_min_seconds = 0.0
        # what the first pages of a batch do not hold: many lines, two shipping lines, several refunds
        long = create_order(
            box,
            email="long@example.com",
            lineItems=[
                {"title": f"Part {i}", "sku": f"P-{i}", "quantity": 2, "priceSet": usd("3.10")} for i in range(14)
            ],
            shippingLines=[
                {"title": "Freight", "priceSet": usd("20.00")},
                {"title": "Insurance", "priceSet": usd("4.00")},
            ],
            financialStatus="PAID",
        )
        gid = long["id"]
        order = box.state.get(gid, "Order")
        line_ids = list(order["lineItemIds"])
        refund(box, gid, "r1", [(line_ids[0], 1)])
        refund(box, gid, "r2", [(lid, 1) for lid in line_ids[1:13]])  # one refund with twelve lines
        yield box


@pytest.fixture
def shop(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.shop.add_token())
    ws.shops.add(SHOP, url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False)
    return SHOP


def forget(ws: Any) -> None:
    """An empty mirror, staging and cursor: the next run is a first run."""
    with ws.engine.begin() as conn:
        for table in (*MIRROR_TABLES, t.shopify_order_to_import, t.bulk_read_window, t.sync_cursor):
            conn.execute(sa.delete(table).where(table.c.shop_code == SHOP))


def open_orders(sandbox: Any) -> int:
    return sum(1 for o in sandbox.state.table("Order").values() if not o.get("closed"))


def test_every_path_fills_the_same_mirror(ws: Any, shop: str, sandbox: Any) -> None:
    sums: dict[str, str] = {}
    for path in ("per_order", "batched", "bulk"):
        forget(ws)
        result = ws.run("sync-orders", shop=shop, read_path=path)
        assert result.status == "success", result.error
        assert result.stats["read_path"] == path
        assert result.stats["created"] == open_orders(sandbox)
        sums[path] = mirror.checksum(ws.engine, shop)
    assert sums["batched"] == sums["per_order"], "batched pages read what the per-order read does"
    assert sums["bulk"] == sums["per_order"], "bulk queries read what the per-order read does"
    with ws.engine.connect() as conn:
        refund_lines = conn.execute(sa.select(sa.func.count()).select_from(t.shopify_refund_line)).scalar_one()
    assert refund_lines >= 13, "the twelve-line refund came whole on every path"


def test_batched_reads_fewer_calls_than_per_order(ws: Any, shop: str, sandbox: Any) -> None:
    calls = {}
    for path in ("per_order", "batched"):
        forget(ws)
        result = ws.run("sync-orders", shop=shop, read_path=path)
        calls[path] = result.stats["api"]["calls"]
    assert calls["batched"] < 0.75 * calls["per_order"], calls


def test_auto_takes_bulk_for_a_backlog_and_batches_for_a_few(ws: Any, shop: str, sandbox: Any) -> None:
    forget(ws)
    first = ws.run("sync-orders", shop=shop)
    assert first.stats["read_path"] == "bulk", "60 open orders on a Plus plan (bulk from 50)"
    assert first.stats["bulk_operations"].startswith("gid://shopify/BulkOperation/")
    assert first.stats["created"] == open_orders(sandbox)
    assert first.stats["points_per_order"] < 15
    with ws.engine.connect() as conn:
        logged = conn.execute(
            sa.select(t.job_queue_log_entry.c.stats).where(t.job_queue_log_entry.c.id == first.log_id)
        )
        notes = logged.scalar_one()
    assert notes["read_path"] == "bulk" and notes["bulk_operations"] == first.stats["bulk_operations"]

    again = ws.run("sync-orders", shop=shop)
    assert again.stats["read_path"] == "batched" and again.stats.get("created", 0) == 0
    assert again.stats.get("updated", 0) == 0, "nothing changed in Shopify: nothing read again"

    made = create_order(
        sandbox, email="late@example.com", lineItems=[{"title": "X", "quantity": 1, "priceSet": usd("1.00")}]
    )
    third = ws.run("sync-orders", shop=shop)
    assert third.stats["read_path"] == "batched" and third.stats["created"] == 1
    with ws.engine.connect() as conn:
        ids = conn.execute(sa.select(t.shopify_order.c.id).where(t.shopify_order.c.shop_code == shop)).scalars().all()
    assert shopify_id(made["id"]) in ids


@pytest.mark.slow
def test_kill_9_during_a_bulk_read_resumes_the_saved_operation(
    ws: Any, db_url: str, shop: str, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    forget(ws)
    token = os.environ["SANDBOX_TOKEN"]
    before = set(sandbox.state.table("BulkOperation"))
    sandbox.state.bulk_min_seconds = 4.0  # long enough to kill the worker while Shopify runs the query
    try:
        entry = ws.queue.enqueue("sync-orders", shop=shop, params={"read_path": "bulk"})
        env = {**os.environ, "SANDBOX_TOKEN": token, "SHOPOPS_PLUGINS": ""}
        worker = subprocess.Popen(
            [sys.executable, "-m", "shopops", "--db", db_url, "worker", "--threads", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                with ws.engine.connect() as conn:
                    saved = (
                        conn.execute(
                            sa.select(t.bulk_read_window.c.operation_id).where(t.bulk_read_window.c.shop_code == shop)
                        )
                        .scalars()
                        .all()
                    )
                if saved and all(saved):
                    break
                assert worker.poll() is None, "the worker ended before its bulk query was saved"
                assert time.monotonic() < deadline, "no bulk operation was saved in a minute"
                time.sleep(0.05)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        assert ws.queue.get(entry.id).status == "in_process", "killed mid-run"
        started = set(sandbox.state.table("BulkOperation")) - before
        assert len(started) == len(saved)

        rerun = ws.run("sync-orders", shop=shop)
        assert rerun.status == "success", rerun.error
        assert rerun.stats["read_path"] == "bulk"
        assert sorted(rerun.stats["bulk_resumed"].split(", ")) == sorted(saved), "the saved operations, not new ones"
        assert set(sandbox.state.table("BulkOperation")) - before == started, "no bulk query started twice"
        assert rerun.stats["created"] == open_orders(sandbox), "every order imported once"
        with ws.engine.connect() as conn:
            assert not conn.execute(sa.select(t.bulk_read_window)).first(), "the read is finished and forgotten"
            assert not conn.execute(sa.select(t.shopify_order_to_import)).first(), "nothing left staged"
    finally:
        sandbox.state.bulk_min_seconds = 0.0


def test_a_full_limit_of_running_bulk_queries_is_waited_out(ws: Any, shop: str, sandbox: Any) -> None:
    """Five bulk queries of another job keep the shop at its limit: the read waits for them, then reads."""
    forget(ws)
    sandbox.shop.set_bulk_timing((1.5, 1000.0))
    try:
        others = []
        for _ in range(5):
            started = _post(
                sandbox, operations.load("BulkOperationRunQuery"), {"query": "{ orders { edges { node { id } } } }"}
            )
            assert not started["bulkOperationRunQuery"]["userErrors"]
            others.append(started["bulkOperationRunQuery"]["bulkOperation"]["id"])
        begun = time.monotonic()
        result = ws.run("sync-orders", shop=shop, read_path="bulk")
        assert result.status == "success", result.error
        assert time.monotonic() - begun >= 1.0, "it waited for the five others"
        assert result.stats["created"] == open_orders(sandbox)
        assert not set(others) & set(result.stats["bulk_operations"].split()), "its own operations, not theirs"
    finally:
        sandbox.shop.set_bulk_timing("instant")
