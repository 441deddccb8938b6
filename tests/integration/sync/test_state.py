"""Cursors and the skipped-record log, on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shopops.sync.context import RunContext
from shopops.sync.state import get_cursor, set_cursor, skipped_records

UTC = dt.UTC


def test_cursor_round_trip_and_reset(ws: Any) -> None:
    ws.shops.add("CUR", url="https://cur.myshopify.com", token_env="T")
    assert get_cursor(ws.engine, "CUR", "orders") is None
    first = dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    set_cursor(ws.engine, "CUR", "orders", first)
    set_cursor(ws.engine, "CUR", "orders", first + dt.timedelta(hours=1))
    assert get_cursor(ws.engine, "CUR", "orders") == first + dt.timedelta(hours=1)
    assert get_cursor(ws.engine, "CUR", "products") is None
    set_cursor(ws.engine, "CUR", "orders", None)
    assert get_cursor(ws.engine, "CUR", "orders") is None


def test_skip_counts_logs_and_goes_on(ws: Any) -> None:
    ws.shops.add("SK", url="https://sk.myshopify.com", token_env="T")
    ctx = RunContext(engine=ws.engine, shop=ws.shops["SK"], params={}, report="sync-orders")
    ctx.skip("order", 1001, "line 2: SKU 'X-9' matches no item (sku_mapping=item_no)")
    dry = RunContext(engine=ws.engine, shop=ws.shops["SK"], params={}, report="sync-orders", dry_run=True)
    dry.skip("order", 1002, "dry runs write nothing")
    assert ctx.stats["skipped"] == 1 and dry.stats["skipped"] == 1
    frame = skipped_records(ws.engine, shop="SK")
    assert list(frame.record_id) == ["1001"] and "X-9" in frame.iloc[0].reason
