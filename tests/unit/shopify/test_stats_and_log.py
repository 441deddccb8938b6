"""Cost accounting and the request log."""

from __future__ import annotations

import json
import logging

import pytest

from shopops.shopify import ClientStats, LogMode, RequestLogEntry
from shopops.shopify.request_log import RequestLogger
from shopops.shopify.transport import Secret

TOKEN = "shpat_log_secret_77"


def test_snapshot_and_diff() -> None:
    s = ClientStats()
    s.record_call(10, 4)
    before = s.snapshot()
    s.record_call(100, 60)
    s.record_wait(1.5)
    s.record_retry()
    s.record_throttled()
    spent = s.since(before)
    assert spent.calls == 1 and spent.requested_cost == 100 and spent.actual_cost == 60
    assert spent.throttle_waits == 1 and spent.throttle_wait_seconds == 1.5
    assert spent.retries == 1 and spent.throttled == 1
    d = s.as_dict()
    assert d["calls"] == 2 and d["actual_cost"] == 64.0
    json.dumps(d)
    assert "2 calls" in str(s)
    assert (before + spent).calls == 2


def test_modes() -> None:
    assert not RequestLogger(mode="off").wants(True)
    assert RequestLogger(mode="errors").wants(True) and not RequestLogger(mode="errors").wants(False)
    assert RequestLogger(mode=LogMode.ALL).wants(False)
    with pytest.raises(ValueError):
        RequestLogger(mode="verbose")


def test_entries_are_redacted_and_keep_request_id(caplog: pytest.LogCaptureFixture) -> None:
    got: list[RequestLogEntry] = []
    log = RequestLogger(mode="all", sink=got.append, secret=Secret(TOKEN), shop="demo.myshopify.com")
    with caplog.at_level(logging.DEBUG, logger="shopops.shopify"):
        log.log(
            operation="GetShop",
            operation_type="query",
            attempt=1,
            status=401,
            request_id="rid-9",
            duration_s=0.01,
            requested_cost=None,
            actual_cost=None,
            outcome="error",
            error=f"rejected {TOKEN}",
            query="query GetShop { shop { name } }",
            variables={"token": TOKEN},
            response_text=f'{{"errors":"{TOKEN}"}}',
        )
    assert len(got) == 1
    entry = got[0]
    assert entry.request_id == "rid-9"
    assert TOKEN not in json.dumps(entry.as_dict())
    assert TOKEN not in caplog.text and "rid-9" in caplog.text


def test_broken_sink_does_not_break(caplog: pytest.LogCaptureFixture) -> None:
    def sink(_: RequestLogEntry) -> None:
        raise RuntimeError("db down")

    log = RequestLogger(mode="all", sink=sink)
    entry = log.log(
        operation="x",
        operation_type="query",
        attempt=1,
        status=200,
        request_id=None,
        duration_s=0,
        requested_cost=1,
        actual_cost=1,
        outcome="ok",
    )
    assert entry is not None
