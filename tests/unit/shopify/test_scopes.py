"""The access scopes shopops needs: the operations it sends, checked against the real schema and the sandbox."""

from __future__ import annotations

import ast
import gzip
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, TypeInfo, TypeInfoVisitor, Visitor, build_client_schema, build_schema, parse, visit
from graphql import get_named_type as named

from shopops.shopify import operations, scopes
from shopops.shopify.errors import ConfigurationError

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("SHOPOPS_SHARED", REPO.parent / "shared"))
SCHEMA = SHARED / "shopify" / "admin_2026-07.introspection.json.gz"


@cache
def real() -> tuple[GraphQLSchema, dict[str, str]]:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as f:
        data = json.load(f)["data"]
    return build_client_schema(data), scopes.access_table(data)


def sent_by_the_code() -> set[str]:
    """Operation names the package's code (sandbox aside) and the notebooks pass to ``operations.load``."""
    names = set(operations.names())
    found: set[str] = set()
    for path in (REPO / "shopops").rglob("*.py"):
        if "sandbox" in path.relative_to(REPO).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
                found.add(node.value)
    notebooks = (REPO / "notebooks" / "_build.py").read_text(encoding="utf-8")
    found |= set(re.findall(r'operations\.load\(\\?"(\w+)\\?"\)', notebooks)) & names
    return found


def test_sent_is_every_operation_the_code_sends() -> None:
    assert set(scopes.SENT) == sent_by_the_code(), "update scopes.SENT (and OPERATION_SCOPES)"
    assert set(scopes.OPERATION_SCOPES) == set(scopes.SENT)
    assert "GetOrderIds" in scopes.SENT  # sent by notebook 06 only: the notebooks count
    assert "OrderCreate" not in scopes.SENT  # tests create orders in the sandbox; shopops never does


@pytest.mark.skipif(not SCHEMA.exists(), reason=f"the real Admin API schema is not at {SCHEMA}")
def test_the_table_is_what_the_real_schema_says() -> None:
    schema, access = real()
    fresh = {name: scopes.operation_scopes(operations.load(name), schema, access) for name in scopes.SENT}
    table = "".join(f"    {name!r}: {needed!r},\n" for name, needed in fresh.items()).replace("'", '"')
    assert fresh == scopes.OPERATION_SCOPES, f"paste into OPERATION_SCOPES:\n{table}"


@pytest.mark.skipif(not SCHEMA.exists(), reason=f"the real Admin API schema is not at {SCHEMA}")
def test_requirements_read_types_fields_and_fragments() -> None:
    schema, access = real()
    needed = scopes.requirements(operations.load("GetDisputes"), schema, access)
    assert ("read_shopify_payments_disputes",) in needed  # the dispute type
    assert ("read_shopify_payments", "read_shopify_payments_accounts") in needed  # the account field's type
    assert any("read_orders" in accepted for accepted in needed)  # a dispute's order
    fragment = "query Q($id: ID!) { node(id: $id) { ... on Customer { id } } }"
    assert scopes.requirements(fragment, schema, access) == {("read_customers",)}
    with pytest.raises(ConfigurationError, match="not a field"):
        scopes.requirements("{ shop { nope } }", schema, access)


def test_alternatives_parse_the_schema_texts() -> None:
    text = "`write_inventory` access scope. Also: The user must have a permission to update an inventory."
    assert scopes.alternatives(text) == ("write_inventory",)
    assert scopes.alternatives("`read_orders` access scope or `read_marketplace_orders` access scope.") == (
        "read_orders",
        "read_marketplace_orders",
    )
    assert scopes.alternatives("The user must have access to payouts.") == ("read_shopify_payments_payouts",)
    assert scopes.alternatives("Only accessible by supported access tokens: https://example.test") is None
    with pytest.raises(ConfigurationError, match="names no access scope"):
        scopes.alternatives("Only on Tuesdays.")


def test_choose_takes_the_fewest_preferred_scopes() -> None:
    orders = ("read_orders", "read_marketplace_orders", "read_quick_sale")
    location = ("read_locations", "read_inventory", "read_markets_home")
    assert scopes.choose([orders]) == ("read_orders",)
    assert scopes.choose([location]) == ("read_locations",)
    assert scopes.choose([location, ("read_inventory",)]) == ("read_inventory",)  # one scope meets both
    assert scopes.choose([("read_products",), ("write_products",)]) == ("write_products",)  # write covers read
    assert scopes.choose([("read_inventory", "read_products"), ("write_products",)]) == ("write_products",)
    assert scopes.choose([]) == ()


def test_required_scopes_and_the_list_for_the_app() -> None:
    needs = scopes.required_scopes()
    by_scope = {need.scope: need.operations for need in needs}
    assert [need.scope for need in needs] == sorted(by_scope)
    assert "SyncOrdersToImport" in by_scope["read_orders"]
    assert by_scope["write_inventory"] == ("InventorySetQuantities",)
    assert "write_orders" not in by_scope  # shopops never changes an order in Shopify
    assert scopes.scope_list() == ",".join(by_scope)
    assert scopes.scope_list(["GetLocations"]) == "read_locations"
    with pytest.raises(ConfigurationError, match="not one shopops sends"):
        scopes.required_scopes(["OrderCreate"])


def sandbox_refusals(document: str, schema: GraphQLSchema, granted: frozenset[str]) -> list[str]:
    """The fields of ``document`` that the sandbox would refuse to a token holding ``granted``."""
    from shopops.sandbox.engine import auth

    info = TypeInfo(schema)
    refused: list[str] = []

    class Check(Visitor):
        def enter_field(self, node: Any, *_args: Any) -> None:
            parent, definition = info.get_parent_type(), info.get_field_def()
            if parent is None or definition is None:
                return
            if parent.name == "Mutation":
                guard = auth.MUTATION_SCOPES.get(node.name.value)
            else:
                resource = auth.TYPE_RESOURCE.get(named(definition.type).name)
                guard = auth.RESOURCES.get(resource) if resource else None
            if guard and not set(guard) & granted:
                refused.append(f"{parent.name}.{node.name.value} needs one of {guard}")

    visit(parse(document), TypeInfoVisitor(info, Check()))
    return refused


def test_the_sandbox_guards_nothing_the_scopes_leave_out() -> None:
    """The sandbox's own map (type -> resource -> scopes) is written apart from this one; they must agree.

    A token holds the whole list, so each operation is checked against all of it: the two maps may name
    different scopes for one field (the sandbox guards the payments account with the payouts scope, the
    real schema with the account scope) as long as the list holds both.
    """
    from shopops.sandbox.engine.auth import expand
    from shopops.sandbox.engine.schema import sdl

    schema = build_schema(sdl())
    granted = expand(frozenset(need.scope for need in scopes.required_scopes()))
    for name in scopes.SENT:
        refused = sandbox_refusals(operations.load(name), schema, granted)
        assert not refused, f"{name}: {refused}"
    assert sandbox_refusals(operations.load("InventorySetQuantities"), schema, granted - {"write_inventory"})
