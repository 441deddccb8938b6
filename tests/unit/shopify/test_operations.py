"""Every shipped .graphql operation loads and validates against the real Admin API schema."""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_client_schema, parse, validate

from shopops.shopify import operations
from shopops.shopify.documents import inspect_document
from shopops.shopify.errors import ConfigurationError

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("SHOPOPS_SHARED", REPO.parent / "shared"))
SCHEMA = SHARED / "shopify" / "admin_2026-07.introspection.json.gz"

REQUIRED = [
    "GetOrders",
    "GetProducts",
    "InventorySetQuantities",
    "FulfillmentCreate",
    "ProductSet",
    "OrderCreate",
    "BulkOperationRunQuery",
    "GetBulkOperation",
    "GetShop",
    "GetLocations",
    "GetCustomers",
    "GetPayouts",
    "GetBalanceTransactions",
    "GetDisputes",
    "ProductCreate",
    "ProductUpdate",
    "ProductVariantsBulkCreate",
    "ProductVariantsBulkUpdate",
    "CustomerCreate",
    "CustomerUpdate",
    "StagedUploadsCreate",
    "FileCreate",
]


@cache
def schema() -> GraphQLSchema:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as f:
        return build_client_schema(json.load(f)["data"])


def test_loader() -> None:
    assert set(REQUIRED) <= set(operations.names())
    assert "inventorySetQuantities" in operations.load("InventorySetQuantities")
    with pytest.raises(ConfigurationError, match="No operation"):
        operations.load("Nope")
    with pytest.raises(ConfigurationError):
        operations.load("../client")


def test_inventory_set_is_idempotent_and_creates_are_not() -> None:
    assert inspect_document(operations.load("InventorySetQuantities")).retry_safe
    assert inspect_document(operations.load("InventoryActivate")).retry_safe
    assert not inspect_document(operations.load("OrderCreate")).retry_safe
    assert not inspect_document(operations.load("CustomerCreate")).retry_safe


@pytest.mark.skipif(not SCHEMA.exists(), reason=f"the real Admin API schema is not at {SCHEMA}")
@pytest.mark.parametrize("name", operations.names())
def test_validates_against_real_schema(name: str) -> None:
    doc = operations.load(name)
    errors = validate(schema(), parse(doc))
    assert not errors, "\n".join(e.message for e in errors)
    info = inspect_document(doc)
    assert info.name == name, "the operation name must match the file name"
