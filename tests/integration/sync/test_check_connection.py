"""A report that talks to Shopify, run through the queue against the sandbox, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shopops.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="tiny", plan="standard") as shop:
        yield shop


def test_background_run_records_api_cost(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    ws.shops.add("SBX", url=sandbox.url, token_env="SANDBOX_TOKEN")
    entry = ws.run("check-connection", shop="SBX")
    assert entry.category == "SHOPIFY"
    ws.queue.work(concurrency=1)
    log = ws.queue.log(entry_id=entry.id).iloc[0]
    assert log.status == "success", log.error
    assert log.api_cost > 0 and log.stats["locations"] >= 1 and log.stats["api"]["calls"] >= 2
    assert sandbox.token not in str(ws.queue.log().to_dict())


def test_wrong_token_fails_the_run_without_leaking_it(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "shpat_wrong_token_0000000000000000"
    monkeypatch.setenv("SANDBOX_TOKEN", wrong)
    ws.shops.add("BAD", url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False)
    result = ws.run("check-connection", shop="BAD")
    assert result.status == "error"
    assert "401" in (result.error or "") or "uthenticat" in (result.error or "")
    log = ws.queue.log(shop="BAD")
    assert log.iloc[0].status == "error"
    dump = str(log.to_dict()) + str(ws.queue.traceback(int(log.iloc[0].id)))
    assert wrong not in dump
