"""The order readers' queries against the real Admin API schema (2026-07): every query a reader generates
validates and asks for less than Shopify's 1,000 points; the bulk query is one a bulk operation takes (at most
five connections, nested at most two deep, no connection inside a list); and the read path is chosen by cost."""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    build_client_schema,
    parse,
    validate,
    value_from_ast_untyped,
)

from shopops.sandbox.bulk.validate import check_bulk_query
from shopops.sandbox.engine.cost import CostCalculator
from shopops.shopify import operations
from shopops.shopify.bulk_query import bulk_query
from shopops.shopify.errors import MutationNotRetriedError, TransportError
from shopops.shopify.query_cost import MAX_QUERY_COST, largest_first, requested_cost
from shopops.sync.orders import batched, bulk_windows, fetch, read_path

REPO = Path(__file__).resolve().parents[4]
SHARED = Path(os.environ.get("SHOPOPS_SHARED", REPO.parent / "shared"))
SCHEMA = SHARED / "shopify" / "admin_2026-07.introspection.json.gz"
needs_schema = pytest.mark.skipif(not SCHEMA.exists(), reason=f"the real Admin API schema is not at {SCHEMA}")


@cache
def real() -> GraphQLSchema:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as f:
        return build_client_schema(json.load(f)["data"])


def schema_cost(document: str, variables: dict[str, Any]) -> int:
    """The requested cost as computed from the real schema's types (the sandbox's calculator)."""
    ast = parse(document)
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    op = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))
    values = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in op.variable_definitions or ()
        if d.default_value is not None
    }
    values.update(variables)
    return CostCalculator(real(), fragments, values).operation(op)


def generated() -> list[tuple[str, dict[str, Any]]]:
    """Every query the batched and per-order readers send, with the variables they send it with."""
    size = batched.batch_size()
    return [
        ("SyncGetOrders", {"first": size, "query": "id:1", **batched.NESTED}),
        ("SyncGetOrders", {"first": 1, "query": "id:1", **batched.NESTED, **batched.LONG_LISTS}),
        ("SyncGetRefunds", {"ids": ["x"] * fetch.refunds_per_call(), "linesFirst": fetch.REFUND_LINES}),
        ("SyncGetOrder", {"id": "x", "linesFirst": fetch.FIRST_LINES}),
        ("SyncGetOrderLines", {"id": "x", "first": fetch.NEXT_LINES}),
        ("SyncGetOrderShippingLines", {"id": "x"}),
        ("SyncGetOrderFulfillmentOrders", {"id": "x", "first": 5, "linesFirst": 25}),
        ("SyncGetFulfillmentOrderLines", {"id": "x", "first": 200}),
        ("SyncGetRefundLines", {"id": "x", "first": fetch.NEXT_LINES}),
        ("SyncOrdersCount", {"query": "status:open", "limit": bulk_windows.WINDOW_ORDERS}),
        # a staging page as large as a run may ask (page_size is cut to what fits)
        ("SyncOrdersToImport", {"first": largest_first(operations.load("SyncOrdersToImport"), {}), "query": ""}),
    ]


@needs_schema
@pytest.mark.parametrize(("name", "variables"), generated())
def test_every_generated_query_is_valid_and_under_the_cost_limit(name: str, variables: dict[str, Any]) -> None:
    document = operations.load(name)
    assert not validate(real(), parse(document))
    cost = schema_cost(document, variables)
    assert cost <= MAX_QUERY_COST, f"{name} asks for {cost} points"
    assert requested_cost(document, variables) == cost, "the reader's estimate is the schema's figure"


@needs_schema
def test_a_batch_is_as_large_as_the_limit_allows() -> None:
    document = operations.load("SyncGetOrders")
    size = batched.batch_size()
    assert size >= 3
    over = schema_cost(document, {"first": size + 1, "query": "", **batched.NESTED})
    assert over > MAX_QUERY_COST, "one order more would be refused: the page size is the largest that fits"
    smaller = {**batched.NESTED, "linesFirst": 1, "refundsFirst": 1}
    assert batched.batch_size(smaller) > size, "the page size follows the nested sizes, it is not a constant"


@needs_schema
@pytest.mark.parametrize("part", sorted(bulk_windows.PARTS))
def test_the_bulk_queries_are_ones_a_bulk_operation_takes(part: str) -> None:
    search = bulk_windows.window_search("status:open", None, None)
    text = bulk_query(operations.load(bulk_windows.PARTS[part]), search=search)
    assert not validate(real(), parse(text))
    assert check_bulk_query(real(), text) == [], "at most five connections, nested at most two deep"
    assert "fragment" not in text and "..." in text, "fragments are inline"
    root = parse(text).definitions[0]
    assert isinstance(root, OperationDefinitionNode)
    orders = root.selection_set.selections[0]
    assert isinstance(orders, FieldNode)
    assert {a.name.value: a.value.value for a in orders.arguments}["query"] == "status:open"  # type: ignore[attr-defined]


def test_the_orders_query_reads_no_refund_lines_and_the_refunds_query_only_those() -> None:
    orders = bulk_query(operations.load("SyncBulkOrders"))
    refunds = bulk_query(operations.load("SyncBulkOrderRefunds"))
    assert "refundLineItems" not in orders and "refundShippingLines" not in orders
    assert "refundLineItems" in refunds and "lineItems {" not in refunds.replace("refundLineItems", "")


def test_the_estimate_follows_first_and_ids() -> None:
    document = operations.load("SyncGetRefunds")
    one = requested_cost(document, {"ids": ["a"]})
    assert requested_cost(document, {"ids": ["a", "b", "c"]}) == 3 * one
    assert largest_first(operations.load("SyncGetOrderLines"), {"id": "x"}) == 58  # 2 + 58 x 17 <= 1000


@pytest.mark.parametrize(
    ("rate", "backlog", "expected"),
    [(100, 4, "batched"), (100, 5, "bulk"), (100, 200, "bulk"), (1000, 49, "batched"), (1000, 50, "bulk")],
)
def test_auto_reads_in_bulk_from_the_backlog_the_restore_rate_makes_cheaper(
    rate: float, backlog: int, expected: str
) -> None:
    assert read_path.choose("auto", 0, backlog, rate).path == expected


def test_the_shop_card_decides_when_it_says() -> None:
    assert read_path.choose("auto", 500, 200, 100).path == "batched"
    assert read_path.choose("per_order", 0, 10_000, 100).path == "per_order"
    assert read_path.choose("batched", 0, 0, None, resuming=True).path == "bulk"
    assert "shop card" in read_path.choose("auto", 500, 600, 100).reason


class LostAnswer:
    """A client whose first bulk start is applied by Shopify but its answer lost on the way back."""

    def __init__(self, started_anyway: bool) -> None:
        self.started_anyway = started_anyway
        self.starts = 0
        self.running: list[dict[str, Any]] = []

    def execute(self, document: str, variables: dict[str, Any] | None = None, **_: Any) -> Any:
        if "bulkOperationRunQuery" in document:
            self.starts += 1
            op = {"id": f"gid://shopify/BulkOperation/{self.starts}", "query": (variables or {})["query"]}
            if self.starts == 1:
                if self.started_anyway:
                    self.running.append(op)
                raise MutationNotRetriedError("lost", cause=TransportError("reset"))
            return {"bulkOperationRunQuery": {"bulkOperation": op, "userErrors": []}}
        return {"bulkOperations": {"nodes": self.running}}


@pytest.mark.parametrize("started_anyway", [True, False])
def test_a_bulk_start_whose_answer_was_lost_is_found_or_made_again(started_anyway: bool) -> None:
    client = LostAnswer(started_anyway)
    got = bulk_windows._start(client, "orders", "status:open", sleep=lambda _s: None)
    assert got == ("gid://shopify/BulkOperation/1" if started_anyway else "gid://shopify/BulkOperation/2")
    assert client.starts == (1 if started_anyway else 2), "no slot of the five spent twice"
