"""What Shopify refuses in a bulk query, over real HTTP, with Shopify's own userErrors."""

from __future__ import annotations

import pytest

from . import documents as docs
from .conftest import Client

SIX_CONNECTIONS = """
{ orders { edges { node { id
  lineItems { edges { node { id } } }
  shippingLines { edges { node { id } } }
  fulfillmentOrders { edges { node { id
    lineItems { edges { node { id } } }
    fulfillments { edges { node { id } } } } } } } } } }
"""
NODES_INSTEAD_OF_EDGES = "{ products { nodes { id title } } }"
PARENT_WITHOUT_ID = "{ products { edges { node { title variants { edges { node { id } } } } } } }"
TOP_LEVEL_NODE = '{ node(id: "gid://shopify/Product/1001") { id } }'
A_MUTATION = 'mutation { productCreate(product: { title: "Bulk" }) { product { id } } }'


def _errors(client: Client, query: str) -> list[dict[str, object]]:
    run = client.data(docs.BULK_RUN, {"query": query})["bulkOperationRunQuery"]
    assert run["bulkOperation"] is None
    errors: list[dict[str, object]] = run["userErrors"]
    return errors


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        (
            docs.BULK_ORDERS_Q1,
            ["Queries that contain a connection field within a list field are not currently supported."],
        ),
        (SIX_CONNECTIONS, ["Bulk queries cannot contain more than 5 connections."]),
        (docs.BULK_TOO_DEEP, ["Bulk queries cannot contain connections with a nesting depth greater than 2."]),
        (
            NODES_INSTEAD_OF_EDGES,
            [
                "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
                "'products { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: "
                "'products'."
            ],
        ),
        (
            PARENT_WITHOUT_ID,
            [
                "The parent 'node' field for a nested connection must select the 'id' field without an alias and "
                "must be of 'ID' return type. Connection fields without 'id': products."
            ],
        ),
        (
            TOP_LEVEL_NODE,
            [
                "Bulk queries cannot contain a top level `node` field.",
                "Bulk queries must contain at least one connection.",
            ],
        ),
        (A_MUTATION, ["Invalid operation type. Only `query` operations are supported."]),
        ("", ["Invalid bulk query: syntax error, unexpected end of file"]),
    ],
    ids=["connection-in-list", "six-connections", "depth-3", "nodes", "parent-without-id", "node", "mutation", "empty"],
)
def test_refused_with_shopifys_user_errors(client: Client, query: str, messages: list[str]) -> None:
    errors = _errors(client, query)
    assert [e["message"] for e in errors] == messages
    assert {e["code"] for e in errors} == {"INVALID"} and all(e["field"] == ["query"] for e in errors)


def test_the_readers_queries_as_shopify_accepts_them(client: Client) -> None:
    for query in (docs.BULK_ORDERS_Q1_ACCEPTED, docs.BULK_ORDERS_Q2):  # Q2 nests two levels: the most allowed
        run = client.data(docs.BULK_RUN, {"query": query})["bulkOperationRunQuery"]
        assert run["userErrors"] == [] and run["bulkOperation"]["status"] == "CREATED"
