"""Injected faults (5xx, INTERNAL_SERVER_ERROR, slow, reset) and JSON snapshots across restarts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from shopops.sandbox import FaultPlan, Sandbox

from . import documents as docs
from .conftest import Client


@pytest.mark.parametrize(("kind", "status"), [("http_500", 500), ("http_503", 503)])
def test_http_5xx_faults(kind: str, status: int) -> None:
    with Sandbox(seed="empty", fault_rate=1.0, faults=[kind]) as box:
        response = Client(box.url, box.token).post(docs.CHEAP)
        assert response.status_code == status
        assert response.json() == {"errors": "An unexpected error occurred"}


def test_internal_server_error_at_200() -> None:
    with Sandbox(seed="empty", fault_rate=1.0, faults=["internal_error"]) as box:
        body = Client(box.url, box.token).run(docs.CHEAP)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        assert error["extensions"]["requestId"]


def test_slow_fault_delays_the_answer() -> None:
    with Sandbox(seed="empty", fault_rate=1.0, faults=["slow"], slow_seconds=0.3) as box:
        started = time.monotonic()
        body = Client(box.url, box.token).run(docs.CHEAP)
        assert time.monotonic() - started >= 0.3
        assert body["data"]["shop"]["id"]


def test_connection_reset_fault() -> None:
    with (
        Sandbox(seed="empty", fault_rate=1.0, faults=["reset"]) as box,
        pytest.raises(requests.exceptions.ConnectionError),
    ):
        requests.post(
            box.graphql_url, json={"query": docs.CHEAP}, headers={"X-Shopify-Access-Token": box.token}, timeout=5
        )


def test_fault_rate_is_seeded_and_partial() -> None:
    first = [FaultPlan(0.3, seed=7).draw() for _ in range(1)]
    plan_a, plan_b = FaultPlan(0.3, seed=7), FaultPlan(0.3, seed=7)
    draws_a = [plan_a.draw() for _ in range(200)]
    assert draws_a == [plan_b.draw() for _ in range(200)]
    faults = [d for d in draws_a if d]
    assert 30 < len(faults) < 90 and len(set(faults)) == 5
    assert first[0] == draws_a[0]


def test_faults_mixed_with_success_over_http() -> None:
    with Sandbox(seed="empty", fault_rate=0.5, faults=["http_503", "internal_error"], fault_seed=3) as box:
        client = Client(box.url, box.token)
        statuses = []
        for _ in range(20):
            response = client.post(docs.CHEAP)
            ok = response.status_code == 200 and "errors" not in response.json()
            statuses.append("ok" if ok else "fault")
        assert "ok" in statuses and "fault" in statuses


def test_snapshot_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "rehearsal.json"
    with Sandbox(seed="tiny", snapshot=path) as box:
        token = box.token
        client = Client(box.url, token)
        created = client.data(docs.CUSTOMER_CREATE, {"input": {"email": "kept@example.com"}})
        customer_id = created["customerCreate"]["customer"]["id"]
        box.add_shop("second", seed="empty")
        counts = box.state.counts()
    assert path.exists()
    with Sandbox(seed="small", snapshot=path) as again:  # the snapshot wins over the seed
        assert again.token == token
        assert again.state.counts() == counts
        assert "second" in again.shops
        client = Client(again.url, again.token)
        found = client.data(docs.CUSTOMERS, {"first": 5, "query": "email:kept@example.com"})
        assert found["customers"]["nodes"][0]["id"] == customer_id
        newer = client.data(docs.CUSTOMER_CREATE, {"input": {"email": "after@example.com"}})
        new_id = newer["customerCreate"]["customer"]["id"]
        assert int(new_id.rsplit("/", 1)[1]) > int(customer_id.rsplit("/", 1)[1])
