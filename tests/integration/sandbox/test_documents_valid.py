"""Every document the sandbox tests send is valid against the full, real 2026-07 Admin API schema."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_client_schema, parse, validate

from . import documents as docs

REAL_SCHEMA = Path(__file__).resolve().parents[4] / "shared" / "shopify" / "admin_2026-07.introspection.json.gz"


@pytest.fixture(scope="module")
def real_schema() -> GraphQLSchema:
    if not REAL_SCHEMA.exists():
        pytest.skip(f"the real schema is not here ({REAL_SCHEMA}); the check needs ../shared")
    with gzip.open(REAL_SCHEMA, "rt", encoding="utf-8") as f:
        return build_client_schema(json.load(f)["data"])


@pytest.mark.parametrize("name", sorted(set(docs.ALL) - docs.INVALID))
def test_document_is_valid_against_real_schema(real_schema: GraphQLSchema, name: str) -> None:
    errors = validate(real_schema, parse(docs.ALL[name]))
    assert not errors, f"{name}: {[e.message for e in errors]}"


@pytest.mark.parametrize("name", sorted(docs.INVALID))
def test_invalid_documents_are_invalid_on_shopify_too(real_schema: GraphQLSchema, name: str) -> None:
    try:
        errors = validate(real_schema, parse(docs.ALL[name]))
    except Exception:  # a syntax error: parse() raises
        return
    assert errors


def test_collection_is_not_empty() -> None:
    assert len(docs.ALL) > 40
