"""The bulk query's JSONL as Shopify writes it: one object a line, nested connection nodes on their own
lines with ``__parentId``, lists inline; children after their parents, each connection in its own order,
and right after their parent only with ``groupObjects: true``."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from . import documents as docs
from .conftest import Client

Q1 = docs.windowed(docs.BULK_ORDERS_Q1_ACCEPTED, "")  # every order of the shop
Q2 = docs.windowed(docs.BULK_ORDERS_Q2, "")


def _jsonl(client: Client, query: str, group_objects: bool | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if group_objects is None:  # not sent: Shopify's default since 2026-01 is false
        run = client.data(docs.BULK_RUN, {"query": query})["bulkOperationRunQuery"]
    else:
        variables = {"query": query, "groupObjects": group_objects}
        run = client.data(docs.BULK_RUN_GROUPED, variables)["bulkOperationRunQuery"]
    assert run["userErrors"] == []
    for _ in range(500):
        status = client.data(docs.BULK_STATUS, {"id": run["bulkOperation"]["id"]})["bulkOperation"]
        if status["status"] == "COMPLETED":
            break
        time.sleep(0.02)
    text = requests.get(status["url"], timeout=30).text
    assert text.endswith("\n") and "\n\n" not in text
    lines = [json.loads(raw) for raw in text.splitlines()]
    assert all(isinstance(line, dict) for line in lines), "one JSON object a line"
    assert int(status["objectCount"]) == len(lines)
    assert int(status["rootObjectCount"]) == sum(1 for line in lines if "__parentId" not in line)
    return lines, status


def _type(gid: str) -> str:
    return gid.split("/")[3]


def _children_follow_parents(lines: list[dict[str, Any]]) -> dict[str, int]:
    position = {line["id"]: i for i, line in enumerate(lines) if "id" in line}
    for i, line in enumerate(lines):
        if "__parentId" in line:
            assert position[line["__parentId"]] < i, "a child comes after its parent"
    return position


def _sequence(lines: list[dict[str, Any]], type_name: str) -> list[str]:
    return [line["id"] for line in lines if _type(line["id"]) == type_name]


@pytest.mark.parametrize("query", [Q1, Q2], ids=["Q1", "Q2"])
def test_ungrouped_by_default_grouped_on_request(client: Client, query: str) -> None:
    ungrouped, _ = _jsonl(client, query, None)
    explicit, _ = _jsonl(client, query, False)
    grouped, _ = _jsonl(client, query, True)
    assert ungrouped == explicit
    assert sorted(map(json.dumps, ungrouped)) == sorted(map(json.dumps, grouped)), "the same lines"
    position = _children_follow_parents(ungrouped)
    _children_follow_parents(grouped)
    for type_name in {_type(line["id"]) for line in ungrouped}:  # each connection keeps its own order
        assert _sequence(ungrouped, type_name) == _sequence(grouped, type_name)
    # without grouping, some children come after other parents' lines, not right after their own
    parent_of = {line["id"]: line.get("__parentId") for line in ungrouped}
    assert any(position[p] != i - 1 and parent_of[ungrouped[i - 1]["id"]] != p for i, p in _first_children(ungrouped))
    # with grouping, everything between a node and its child belongs to that node
    grouped_parent = {line["id"]: line.get("__parentId") for line in grouped}
    grouped_position = {line["id"]: i for i, line in enumerate(grouped)}
    for i, line in enumerate(grouped):
        if (parent := line.get("__parentId")) is not None:
            for between in grouped[grouped_position[parent] + 1 : i]:
                assert parent in _ancestors(between["id"], grouped_parent)


def _first_children(lines: list[dict[str, Any]]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    out = []
    for i, line in enumerate(lines):
        parent = line.get("__parentId")
        if parent is not None and parent not in seen:
            seen.add(parent)
            out.append((i, parent))
    return out


def _ancestors(gid: str, parent_of: dict[str, str | None]) -> set[str]:
    out = set()
    while (parent := parent_of.get(gid)) is not None:
        out.add(parent)
        gid = parent
    return out


def test_q1_lines_connections_apart_lists_inline(client: Client) -> None:
    lines, status = _jsonl(client, Q1, None)
    orders = [line for line in lines if _type(line["id"]) == "Order"]
    children = [line for line in lines if "__parentId" in line]
    assert orders and {_type(line["id"]) for line in children} == {"LineItem", "ShippingLine"}
    assert all(_type(line["__parentId"]) == "Order" for line in children)
    for order in orders:
        assert "lineItems" not in order and "shippingLines" not in order and "edges" not in json.dumps(order)
        assert isinstance(order["transactions"], list) and isinstance(order["refunds"], list)
        assert isinstance(order["taxLines"], list) and "shopMoney" in order["totalPriceSet"]
    assert any(order["refunds"] for order in orders) and any(order["transactions"] for order in orders)
    item = next(line for line in children if _type(line["id"]) == "LineItem")
    assert isinstance(item["taxLines"], list) and item["variant"]["id"].startswith("gid://shopify/ProductVariant/")
    assert status["rootObjectCount"] == str(len(orders))


def test_q2_two_levels_of_parents(client: Client) -> None:
    lines, _ = _jsonl(client, Q2, None)
    types = {line["id"]: _type(line["id"]) for line in lines}
    for line in lines:
        if (parent := line.get("__parentId")) is not None:
            expected = {"FulfillmentOrder": "Order", "FulfillmentOrderLineItem": "FulfillmentOrder"}
            assert types[parent] == expected[types[line["id"]]]
    assert {"Order", "FulfillmentOrder", "FulfillmentOrderLineItem"} == set(types.values())
