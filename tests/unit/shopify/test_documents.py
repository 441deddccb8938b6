"""Operation type and @idempotent detection, cached per document."""

from __future__ import annotations

import pytest

from shopops.shopify.documents import inspect_document
from shopops.shopify.errors import ConfigurationError


def test_query_is_retry_safe() -> None:
    info = inspect_document("query GetShop { shop { name } }")
    assert info.operation == "query" and info.name == "GetShop" and info.retry_safe
    assert inspect_document("{ shop { name } }").label == "shop"


def test_mutation_without_key_is_not_retry_safe() -> None:
    info = inspect_document("mutation C($i: CustomerInput!) { customerCreate(input: $i) { userErrors { message } } }")
    assert info.is_mutation and not info.idempotent and not info.retry_safe


def test_mutation_with_key_literal_or_variable() -> None:
    lit = inspect_document(
        'mutation { inventorySetQuantities(input: {}) @idempotent(key: "k1") { userErrors { code } } }'
    )
    var = inspect_document(
        "mutation S($k: String!) { inventorySetQuantities(input: {}) @idempotent(key: $k) { userErrors { code } } }"
    )
    assert lit.retry_safe and var.retry_safe


def test_every_root_field_needs_the_key() -> None:
    doc = (
        'mutation { a: inventorySetQuantities(input: {}) @idempotent(key: "k") { userErrors { code } } '
        "b: customerCreate(input: {}) { userErrors { message } } }"
    )
    assert not inspect_document(doc).retry_safe


def test_operation_name_selects_and_errors_are_clear() -> None:
    doc = "query A { shop { name } } mutation B { customerCreate(input: {}) { userErrors { message } } }"
    assert inspect_document(doc, "B").is_mutation
    with pytest.raises(ConfigurationError, match="exactly one operation"):
        inspect_document(doc)
    with pytest.raises(ConfigurationError, match="does not parse"):
        inspect_document("query {")


def test_cached() -> None:
    doc = "query Cached { shop { id } }"
    assert inspect_document(doc) is inspect_document(doc)
