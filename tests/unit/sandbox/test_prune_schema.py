"""The pruning script reproduces the committed schema, and the committed schema builds (no network)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from graphql import build_schema

from shopops.sandbox.engine.schema import sdl

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT.parent / "shared" / "shopify" / "admin_2026-07.introspection.json.gz"


def test_committed_schema_builds_and_is_small() -> None:
    text = sdl()
    schema = build_schema(text)
    assert schema.query_type is not None and schema.query_type.name == "QueryRoot"
    assert "orderCreate" in schema.mutation_type.fields  # type: ignore[union-attr]
    assert len(text) < 150_000
    assert '"""' not in text, "descriptions are pruned (country names stay, one line each)"
    assert '"United States." US' in text


def test_script_reproduces_committed_schema() -> None:
    if not SOURCE.exists():
        pytest.skip(f"the real schema is not here ({SOURCE}); the check needs ../shared")
    spec = importlib.util.spec_from_file_location("prune_schema", ROOT / "scripts" / "prune_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.prune(SOURCE) == sdl()
