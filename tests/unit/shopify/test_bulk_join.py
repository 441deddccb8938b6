"""Joining bulk JSONL children to parents on __parentId, streamed, order-independent."""

from __future__ import annotations

import json
from collections.abc import Iterator

from shopops.shopify.bulk import BulkResult, gid_type


def result(lines: list[dict[str, object]]) -> BulkResult:
    def stream(url: str) -> Iterator[bytes]:
        assert url == "http://127.0.0.1/result.jsonl"
        for rec in lines:
            yield json.dumps(rec).encode()

    return BulkResult(
        id="gid://shopify/BulkOperation/1",
        status="COMPLETED",
        error_code=None,
        object_count=len(lines),
        root_object_count=None,
        url="http://127.0.0.1/result.jsonl",
        partial_data_url=None,
        _stream=stream,
    )


def test_gid_type() -> None:
    assert gid_type("gid://shopify/LineItem/12") == "LineItem"
    assert gid_type("weird") == "children"


def test_children_joined_even_when_interleaved() -> None:
    lines: list[dict[str, object]] = [
        {"id": "gid://shopify/Order/1", "name": "#1"},
        {"id": "gid://shopify/Order/2", "name": "#2"},
        {"id": "gid://shopify/LineItem/20", "__parentId": "gid://shopify/Order/2"},
        {"id": "gid://shopify/LineItem/10", "__parentId": "gid://shopify/Order/1"},
        {"id": "gid://shopify/LineItem/11", "__parentId": "gid://shopify/Order/1"},
        {"id": "gid://shopify/FulfillmentOrder/5", "__parentId": "gid://shopify/Order/1"},
        {"id": "gid://shopify/FulfillmentOrderLineItem/7", "__parentId": "gid://shopify/FulfillmentOrder/5"},
        {"id": "gid://shopify/Order/3", "name": "#3"},
    ]
    objs = list(result(lines).objects(children={"LineItem": "lineItems"}))
    assert [o["name"] for o in objs] == ["#1", "#2", "#3"]
    assert [li["id"] for li in objs[0]["lineItems"]] == ["gid://shopify/LineItem/10", "gid://shopify/LineItem/11"]
    assert objs[0]["FulfillmentOrder"][0]["FulfillmentOrderLineItem"][0]["id"].endswith("/7")
    assert "lineItems" not in objs[2]
    assert all("__parentId" not in li for li in objs[1]["lineItems"])


def test_lines_stream_raw_records() -> None:
    r = result(
        [
            {"id": "gid://shopify/Product/1"},
            {"id": "gid://shopify/ProductVariant/2", "__parentId": "gid://shopify/Product/1"},
        ]
    )
    assert [x.get("__parentId") for x in r.lines()] == [None, "gid://shopify/Product/1"]


def test_no_url_no_lines() -> None:
    r = BulkResult(
        id="x",
        status="COMPLETED",
        error_code=None,
        object_count=0,
        root_object_count=0,
        url=None,
        partial_data_url=None,
        _stream=lambda u: iter(()),
    )
    assert list(r.objects()) == []
