"""The requested cost of a query, known before it is sent, so that a reader can size its pages.

Shopify refuses a query whose requested cost is over 1,000 (``MAX_COST_EXCEEDED``) and holds the requested
cost in the bucket until the answer comes. A reader that asks for as many orders as fit under the limit
needs that cost in advance::

    cost = requested_cost(document, {"first": 4, "query": "id:1 OR id:2"})
    size = largest_first(document, {"query": ""})    # as many as fit under 1,000

The rules are Shopify's published ones: a scalar or enum costs 0, an object 1, a connection 2 plus
``first`` (or ``last``) times the cost of one node, a list with ``first`` that many times its item
(``nodes(ids:)`` once per id), a mutation 10. They are read from the document alone: a field with a
selection is an object, a list or a connection; a connection is a field with ``first``/``last`` whose
selection has ``nodes`` or ``edges``. Shopify sets manual costs on a few fields; the answer's
``requestedQueryCost`` is the last word, and tests check these figures against the real schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    value_from_ast_untyped,
)

#: Shopify's limit on one query's requested cost.
MAX_QUERY_COST = 1000
#: Cost of each mutation root field.
MUTATION_COST = 10
#: Base cost of a connection.
CONNECTION_BASE = 2


def requested_cost(document: str, variables: Mapping[str, Any] | None = None) -> int:
    """The requested cost of the (first) operation in ``document`` with ``variables``."""
    ast = parse(document, no_location=True)
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    op = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))
    values = _defaults(op)
    values.update(variables or {})
    if op.operation.value == "mutation":
        return MUTATION_COST * len(_fields(op.selection_set, fragments))
    return _selection(op.selection_set, fragments, values)


def _defaults(op: OperationDefinitionNode) -> dict[str, Any]:
    return {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in op.variable_definitions or ()
        if d.default_value is not None
    }


def _fields(selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode]) -> list[FieldNode]:
    out: list[FieldNode] = []
    for sel in selection_set.selections if selection_set else ():
        if isinstance(sel, FieldNode):
            out.append(sel)
        elif isinstance(sel, InlineFragmentNode):
            out.extend(_fields(sel.selection_set, fragments))
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value in fragments:
            out.extend(_fields(fragments[sel.name.value].selection_set, fragments))
    return out


def _size(node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    """How many items a field may return: its ``first``/``last``, or the number of ``ids`` of ``nodes(ids:)``."""
    for arg in node.arguments or ():
        if arg.name.value in ("first", "last"):
            value = value_from_ast_untyped(arg.value, dict(variables))
            return int(value) if value is not None else None
        if arg.name.value == "ids":
            value = value_from_ast_untyped(arg.value, dict(variables))
            return len(value) if isinstance(value, list) else None
    return None


def _selection(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> int:
    total = 0
    for node in _fields(selection_set, fragments):
        if node.selection_set is None or node.name.value.startswith("__"):
            continue  # a scalar or an enum
        size = _size(node, variables)
        inner = _fields(node.selection_set, fragments)
        if size is not None and any(f.name.value in ("nodes", "edges") for f in inner):
            per_node = 0
            for sub in inner:
                if sub.name.value == "nodes":
                    per_node = max(per_node, 1 + _selection(sub.selection_set, fragments, variables))
                elif sub.name.value == "edges":
                    for edge_field in _fields(sub.selection_set, fragments):
                        if edge_field.name.value == "node":
                            per_node = max(per_node, 1 + _selection(edge_field.selection_set, fragments, variables))
            total += CONNECTION_BASE + size * per_node
        else:
            total += (size if size is not None else 1) * (1 + _selection(node.selection_set, fragments, variables))
    return total


def largest_first(
    document: str, variables: Mapping[str, Any], name: str = "first", *, limit: int = MAX_QUERY_COST, cap: int = 250
) -> int:
    """The largest value of the page-size variable ``name`` that keeps the requested cost at most ``limit``
    (0 when not even one fits), the other variables as given."""
    base = requested_cost(document, {**variables, name: 0})
    per_item = requested_cost(document, {**variables, name: 1}) - base
    if per_item <= 0:
        return cap
    return max(0, min(cap, (limit - base) // per_item))
