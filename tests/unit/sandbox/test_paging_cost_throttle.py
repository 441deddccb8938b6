"""Paging, cost and the leaky bucket (no I/O)."""

from __future__ import annotations

import time

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from shopops.sandbox.engine.cost import CostCalculator
from shopops.sandbox.engine.errors import GraphQLFailure
from shopops.sandbox.engine.paging import decode_cursor, encode_cursor, paginate
from shopops.sandbox.engine.schema import served_schema
from shopops.sandbox.engine.throttle import PLANS, LeakyBucket, Plan, resolve_plan

RECORDS = [{"id": f"gid://shopify/Product/{n}", "title": t} for n, t in zip(range(1, 8), "gfedcba", strict=True)]


def test_forward_pages_cover_everything_once() -> None:
    seen, after = [], None
    while True:
        page = paginate(RECORDS, {"first": 3, "after": after})
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [r["id"] for r in RECORDS]


def test_sorted_reverse_and_last() -> None:
    page = paginate(RECORDS, {"first": 2}, sort=lambda r: r["title"])
    assert [n["title"] for n in page["nodes"]] == ["a", "b"]
    page = paginate(RECORDS, {"first": 2, "reverse": True}, sort=lambda r: r["title"])
    assert [n["title"] for n in page["nodes"]] == ["g", "f"]
    page = paginate(RECORDS, {"last": 2})
    assert [n["id"][-1] for n in page["nodes"]] == ["6", "7"] and page["pageInfo"]["hasPreviousPage"]


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor("x", 5)) == ("x", 5)
    with pytest.raises(GraphQLFailure):
        decode_cursor("!!!")


def test_page_argument_rules() -> None:
    with pytest.raises(GraphQLFailure, match="first or last"):
        paginate(RECORDS, {})
    with pytest.raises(GraphQLFailure):
        paginate(RECORDS, {"first": 251})
    assert len(paginate(RECORDS, {}, bulk=True)["nodes"]) == 7


def _cost(query: str, variables: dict[str, object] | None = None) -> int:
    doc = parse(query)
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    return CostCalculator(served_schema(), fragments, variables or {}).operation(op)


def test_cost_model() -> None:
    assert _cost("{ shop { id name } }") == 1
    assert _cost("{ products(first: 10) { nodes { id } } }") == 2 + 10
    assert _cost("{ products(first: 10) { edges { node { id variants(first: 5) { nodes { id } } } } } }") == 2 + 10 * (
        1 + 2 + 5
    )
    assert _cost("query($n: Int) { products(first: $n) { nodes { id } } }", {"n": 50}) == 52
    assert _cost('mutation { a: orderClose(input: {id: "x"}) { order { id } } }') == 10
    assert _cost('mutation { orderUpdate(input: {id: "x", note: "n"}) { order { id tags } } }') == 10
    assert _cost("{ ...F } fragment F on QueryRoot { shop { id } }") == 1


def test_bucket_take_refund_and_refill() -> None:
    bucket = LeakyBucket(Plan("t", 100.0, 50.0))
    assert bucket.take(40)
    assert not bucket.take(40)
    bucket.refund(30)
    assert bucket.take(40)
    time.sleep(0.2)
    assert bucket.status()["currentlyAvailable"] >= 19
    assert bucket.status()["maximumAvailable"] == 50.0


def test_plans() -> None:
    assert (PLANS["standard"].restore_rate, PLANS["standard"].maximum) == (100.0, 2000.0)
    assert (PLANS["advanced"].restore_rate, PLANS["advanced"].maximum) == (200.0, 4000.0)
    assert (PLANS["plus"].restore_rate, PLANS["plus"].maximum) == (1000.0, 20000.0)
    assert resolve_plan((5, 10)).maximum == 10.0
    with pytest.raises(ValueError, match="unknown plan"):
        resolve_plan("gold")
