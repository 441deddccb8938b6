"""Bulk queries take time as on Shopify: CREATED for the start delay, RUNNING with a growing objectCount at
the shop's rate, COMPLETED at about delay + objects / rate; cancel works at any point; five at a time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from shopops.sandbox import Sandbox, ShopHandle

from . import documents as docs
from .conftest import Client

ORDERS_WITH_LINES = docs.BULK_ORDERS.replace('(query: "financial_status:paid")', "")


@pytest.fixture(scope="module")
def paced(sandbox: Sandbox) -> Iterator[ShopHandle]:
    """A shop of its own (so that its five places are its own) whose pace each test sets."""
    shop = sandbox.add_shop("paced", seed="small", plan="plus", bulk_timing="instant")
    yield shop
    shop.set_bulk_timing("instant")


@pytest.fixture(scope="module")
def paced_client(paced: ShopHandle) -> Client:
    return Client(paced.url, paced.token)


def _status(client: Client, op_id: str) -> dict[str, Any]:
    status: dict[str, Any] = client.data(docs.BULK_STATUS, {"id": op_id})["bulkOperation"]
    return status


def _start(client: Client, query: str = ORDERS_WITH_LINES) -> str:
    run = client.data(docs.BULK_RUN, {"query": query})["bulkOperationRunQuery"]
    assert run["userErrors"] == [], run["userErrors"]
    assert run["bulkOperation"]["status"] == "CREATED"
    op_id: str = run["bulkOperation"]["id"]
    return op_id


def _wait_for(client: Client, op_id: str, statuses: set[str], timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(client, op_id)
        if status["status"] in statuses:
            return status
        time.sleep(0.01)
    raise AssertionError(f"{op_id} never reached {statuses}")


def _total_objects(shop: ShopHandle, client: Client) -> int:
    """How many lines ORDERS_WITH_LINES produces (run once at no pace)."""
    shop.set_bulk_timing("instant")
    op_id = _start(client)
    return int(_wait_for(client, op_id, {"COMPLETED"})["objectCount"])


def test_created_for_the_delay_then_running_at_the_rate_then_completed(paced: ShopHandle, paced_client: Client) -> None:
    total = _total_objects(paced, paced_client)
    assert total > 300
    delay, rate = 0.4, 1000.0
    paced.set_bulk_timing((delay, rate))
    started = time.monotonic()
    op_id = _start(paced_client)
    seen: list[tuple[float, str, int]] = []
    while True:
        status = _status(paced_client, op_id)
        seen.append((time.monotonic() - started, status["status"], int(status["objectCount"])))
        if status["status"] == "COMPLETED":
            break
        time.sleep(0.02)
    elapsed = seen[-1][0]
    assert all(s == "CREATED" for t, s, _ in seen if t < delay - 0.05)
    running = [(t, n) for t, s, n in seen if s == "RUNNING"]
    counts = [n for _, n in running]
    assert counts == sorted(counts), "objectCount only grows"
    assert len({n for n in counts if 0 < n < total}) >= 3, f"objectCount grows while RUNNING: {counts}"
    for t, n in running:  # never ahead of the rate
        assert n <= rate * (t - delay + 0.05) + 1
    assert delay + total / rate - 0.05 <= elapsed <= delay + total / rate + 1.5
    assert seen[-1][2] == total
    final = _status(paced_client, op_id)
    assert final["url"] and final["rootObjectCount"] != "0"


def test_cancel_during_the_start_delay(paced: ShopHandle, paced_client: Client) -> None:
    paced.set_bulk_timing((5.0, 1000.0))
    op_id = _start(paced_client)
    canceled = paced_client.data(docs.BULK_CANCEL, {"id": op_id})["bulkOperationCancel"]
    assert canceled["userErrors"] == [] and canceled["bulkOperation"]["status"] == "CANCELING"
    started = time.monotonic()
    status = _wait_for(paced_client, op_id, {"CANCELED", "RUNNING", "COMPLETED"})
    assert status["status"] == "CANCELED" and time.monotonic() - started < 1.0
    assert status["objectCount"] == "0" and status["url"] is None


def test_cancel_while_running_keeps_the_count_so_far(paced: ShopHandle, paced_client: Client) -> None:
    total = _total_objects(paced, paced_client)
    paced.set_bulk_timing((0.0, 200.0))
    op_id = _start(paced_client)
    running = _wait_for(paced_client, op_id, {"RUNNING"})
    while int(running["objectCount"]) == 0:
        running = _status(paced_client, op_id)
    paced_client.data(docs.BULK_CANCEL, {"id": op_id})
    status = _wait_for(paced_client, op_id, {"CANCELED", "COMPLETED"})
    assert status["status"] == "CANCELED"
    assert 0 < int(status["objectCount"]) < total and status["url"] is None


def test_the_shop_answers_while_operations_wait(paced: ShopHandle, paced_client: Client) -> None:
    paced.set_bulk_timing((0.5, 600.0))
    op_id = _start(paced_client)
    worst = 0.0
    while _status(paced_client, op_id)["status"] != "COMPLETED":
        started = time.monotonic()
        paced_client.data(docs.CHEAP)
        worst = max(worst, time.monotonic() - started)
        time.sleep(0.02)
    assert worst < 0.5, f"a request waited {worst:.2f}s while a bulk query was paced"


def test_a_sixth_query_is_refused_with_shopifys_error(paced: ShopHandle, paced_client: Client) -> None:
    paced.set_bulk_timing((30.0, 1000.0))
    ids = [_start(paced_client) for _ in range(5)]
    try:
        run = paced_client.data(docs.BULK_RUN, {"query": ORDERS_WITH_LINES})["bulkOperationRunQuery"]
        assert run["bulkOperation"] is None
        assert run["userErrors"] == [
            {
                "field": None,
                "message": f"A bulk query operation for this app and shop is already in progress: {', '.join(ids)}.",
                "code": "OPERATION_IN_PROGRESS",
            }
        ]
        paced_client.data(docs.BULK_CANCEL, {"id": ids[0]})
        _wait_for(paced_client, ids[0], {"CANCELED"})
        ids.append(_start(paced_client))  # a place is free again once the cancel is done
    finally:
        for op_id in ids:
            paced_client.data(docs.BULK_CANCEL, {"id": op_id})
        for op_id in ids:
            _wait_for(paced_client, op_id, {"CANCELED"})


def test_the_default_is_shopifys_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPOPS_SANDBOX_BULK_TIMING", raising=False)
    box = Sandbox(seed=None)
    assert box.shop.bulk_timing.name == "shopify"
    assert (box.shop.bulk_timing.start_delay, box.shop.bulk_timing.objects_per_second) == (1.0, 1000.0)
    monkeypatch.setenv("SHOPOPS_SANDBOX_BULK_TIMING", "0.5,250")
    other = box.add_shop("env-paced", seed=None)
    assert (other.bulk_timing.start_delay, other.bulk_timing.objects_per_second) == (0.5, 250.0)
    fast = Sandbox(seed=None, bulk_timing="instant")
    assert fast.add_shop("second", seed=None).bulk_timing.name == "instant"
