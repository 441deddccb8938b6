"""Query cost, Shopify's stand-in model: object 1, connection 2 + first x node, mutation 10,
scalars and enums 0. Requested cost is computed from the document before execution; actual cost
walks the result, counting only the nodes that came back.

The figures are an approximation (Shopify sets manual costs on some fields); tests should assert on
behaviour (throttle, refund, MAX_COST_EXCEEDED), not on exact numbers. ``COST_OVERRIDES`` lets a
field carry a fixed cost.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
)

MAX_QUERY_COST = 1000
MUTATION_COST = 10
OBJECT_COST = 1
CONNECTION_BASE = 2
COST_OVERRIDES: dict[str, int] = {}


class CostCalculator:
    """Computes requested and actual cost of one operation."""

    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def _fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        return [f for f, _ in self._typed_fields(selection_set, None)]

    def _typed_fields(self, selection_set: SelectionSetNode | None, parent: Any) -> list[tuple[FieldNode, Any]]:
        """The fields of a selection, each with the type it is asked of: a fragment on a type (``... on
        Refund`` under ``node``) asks for that type's fields, as Shopify costs them."""
        out: list[tuple[FieldNode, Any]] = []
        if selection_set is None:
            return out
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                out.append((sel, parent))
            elif isinstance(sel, InlineFragmentNode):
                on = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                out.extend(self._typed_fields(sel.selection_set, on or parent))
            elif isinstance(sel, FragmentSpreadNode):
                frag = self.fragments.get(sel.name.value)
                if frag is not None:
                    on = self.schema.get_type(frag.type_condition.name.value)
                    out.extend(self._typed_fields(frag.selection_set, on or parent))
        return out

    def _arg(self, node: FieldNode, name: str) -> Any:
        for arg in node.arguments or ():
            if arg.name.value == name:
                return value_from_ast_untyped(arg.value, self.variables)
        return None

    def _field_type(self, parent: Any, name: str) -> Any:
        fields = getattr(parent, "fields", None)
        if fields is None:
            return None
        field = fields.get(name)
        return field.type if field is not None else None

    def operation(self, op: OperationDefinitionNode, data: dict[str, Any] | None = None, actual: bool = False) -> int:
        """Requested cost (``actual=False``) or actual cost against ``data`` of an operation."""
        root: GraphQLObjectType | None
        if op.operation.value == "mutation":
            root = self.schema.mutation_type
            return sum(MUTATION_COST for f in self._fields(op.selection_set) if f.name.value != "__typename")
        root = self.schema.query_type
        return self._selection(root, op.selection_set, data, actual)

    def _selection(self, parent: Any, selection_set: SelectionSetNode | None, data: Any, actual: bool) -> int:
        total = 0
        for node, owner in self._typed_fields(selection_set, parent):
            name = node.name.value
            if name.startswith("__"):
                continue
            ftype = self._field_type(owner, name)
            if ftype is None:
                continue
            named = get_named_type(ftype)
            if is_leaf_type(named):
                continue
            key = node.alias.value if node.alias else name
            value = data.get(key) if isinstance(data, dict) else None
            override = COST_OVERRIDES.get(f"{owner.name}.{name}")
            if override is not None:
                total += override
            elif named.name.endswith("Connection"):
                total += self._connection(named, node, value, actual)
            elif actual and value is None:
                continue
            elif actual and isinstance(value, list):
                total += sum(OBJECT_COST + self._selection(named, node.selection_set, v, actual) for v in value)
            else:
                count = 1
                if not actual and _is_list(ftype):  # a list: as long as its first, or nodes(ids:) one per id
                    count = int(self._arg(node, "first") or len(self._arg(node, "ids") or ()) or 1)
                total += count * (OBJECT_COST + self._selection(named, node.selection_set, value, actual))
        return total

    def _connection(self, conn_type: Any, node: FieldNode, value: Any, actual: bool) -> int:
        per_node = 0
        node_type = None
        edges_field = conn_type.fields.get("edges")
        if edges_field is not None:
            node_type = get_named_type(get_named_type(edges_field.type).fields["node"].type)
        if not actual:
            size = int(self._arg(node, "first") or self._arg(node, "last") or 1)
            for sub in self._fields(node.selection_set):
                if sub.name.value == "edges":
                    for inner in self._fields(sub.selection_set):
                        if inner.name.value == "node" and node_type is not None:
                            per_node = max(
                                per_node, OBJECT_COST + self._selection(node_type, inner.selection_set, None, False)
                            )
                elif sub.name.value == "nodes" and node_type is not None:
                    per_node = max(per_node, OBJECT_COST + self._selection(node_type, sub.selection_set, None, False))
            return CONNECTION_BASE + size * per_node
        if not isinstance(value, dict) or node_type is None:
            return 0
        total = CONNECTION_BASE
        for sub in self._fields(node.selection_set):
            key = sub.alias.value if sub.alias else sub.name.value
            if sub.name.value == "nodes":
                items = value.get(key) or []
                total += sum(OBJECT_COST + self._selection(node_type, sub.selection_set, v, True) for v in items)
            elif sub.name.value == "edges":
                for edge in value.get(key) or []:
                    for inner in self._fields(sub.selection_set):
                        if inner.name.value == "node":
                            ikey = inner.alias.value if inner.alias else "node"
                            total += OBJECT_COST + self._selection(
                                node_type, inner.selection_set, (edge or {}).get(ikey), True
                            )
        return total


def _is_list(ftype: Any) -> bool:
    inner = getattr(ftype, "of_type", None)
    if type(ftype).__name__ == "GraphQLList":
        return True
    return inner is not None and type(inner).__name__ == "GraphQLList"
