"""Cursor paging logic, with a fake execute function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from shopops.shopify.paging import PagingError, iter_nodes, iter_pages

DOC = "query Q($after: String) { orders(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }"


def fake_orders(total: int, per_page: int, *, edges: bool = False, wrap: tuple[str, ...] = ()) -> Any:
    calls: list[dict[str, Any]] = []

    def execute(document: str, variables: Mapping[str, Any]) -> Any:
        calls.append(dict(variables))
        start = int(variables.get("after") or 0)
        ids = list(range(start, min(total, start + per_page)))
        end = start + len(ids)
        conn: dict[str, Any] = {"pageInfo": {"hasNextPage": end < total, "endCursor": str(end) if ids else None}}
        if edges:
            conn["edges"] = [{"cursor": str(i), "node": {"id": i}} for i in ids]
        else:
            conn["nodes"] = [{"id": i} for i in ids]
        data: Any = {"orders": conn}
        for w in reversed(wrap):
            data = {w: data}
        return data

    return execute, calls


def test_follows_cursor_to_the_end() -> None:
    execute, calls = fake_orders(7, 3)
    assert [n["id"] for n in iter_nodes(execute, DOC, {"first": 3}, path=("orders",))] == list(range(7))
    assert [c.get("after") for c in calls] == [None, "3", "6"]
    assert all(c["first"] == 3 for c in calls)


def test_edges_and_nested_path_and_pages() -> None:
    execute, _ = fake_orders(5, 2, edges=True, wrap=("shopifyPaymentsAccount",))
    pages = list(iter_pages(execute, DOC, path=("shopifyPaymentsAccount", "orders")))
    assert [len(p.nodes) for p in pages] == [2, 2, 1]
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[-1].has_next_page is False


def test_max_pages_and_custom_cursor_variable() -> None:
    execute, calls = fake_orders(10, 2)

    def via_cursor(doc: str, v: Mapping[str, Any]) -> Any:
        return execute(doc, {"after": v.get("cursor")})

    pages = list(iter_pages(via_cursor, DOC, path=("orders",), cursor_variable="cursor", max_pages=2))
    assert len(pages) == 2 and calls[1]["after"] == "2"


def test_empty_and_null_connection() -> None:
    execute, _ = fake_orders(0, 2)
    assert list(iter_nodes(execute, DOC, path=("orders",))) == []
    assert list(iter_nodes(lambda d, v: {"order": None}, DOC, path=("order", "lineItems"))) == []


def test_errors_are_explicit() -> None:
    with pytest.raises(PagingError, match="no field 'products'"):
        list(iter_nodes(lambda d, v: {"orders": {}}, DOC, path=("products",)))
    with pytest.raises(PagingError, match="pageInfo"):
        list(iter_nodes(lambda d, v: {"orders": {"nodes": []}}, DOC, path=("orders",)))
    stuck = {"orders": {"nodes": [{"id": 1}], "pageInfo": {"hasNextPage": True, "endCursor": "same"}}}
    with pytest.raises(PagingError, match="repeated"):
        list(iter_nodes(lambda d, v: stuck, DOC, path=("orders",)))
    with pytest.raises(PagingError, match="path must name"):
        list(iter_nodes(lambda d, v: {}, DOC, path=()))


def test_streams_lazily() -> None:
    execute, calls = fake_orders(1000, 10)
    it = iter_nodes(execute, DOC, path=("orders",))
    next(it)
    assert len(calls) == 1
