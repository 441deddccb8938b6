"""What Shopify refuses in a bulk query, answered with its own userErrors (``field: ["query"]``, code INVALID).

The messages are the live Admin API's (2026-04 and 2026-07), as recorded against a development store by
the public conformance fixtures of github.com/airhorns/shopify-draft-proxy
(``fixtures/conformance/*/2026-04/bulk-operations/bulk-operation-run-query-validators.json``) and quoted
by other public projects that met them; docs/sandbox.md lists the sources. Several problems are reported
together, in the order Shopify reports them:

* a connection selected through ``nodes`` instead of ``edges { node }``;
* a top-level ``node`` field (a top-level ``nodes`` gets the same wording: not recorded, by analogy);
* a connection nested more than two levels below the root connection (``products > variants >
  metafields`` is allowed, one level more is not);
* more than five connections;
* a nested connection whose parent node does not select ``id`` without an alias (the JSONL needs it
  for ``__parentId``);
* a connection inside a list field (``orders > refunds > refundLineItems``: ``refunds`` is a list);
* no connection at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    get_named_type,
    parse,
    validate,
)

MAX_CONNECTIONS = 5
#: Connections may nest this many levels below the root connection.
MAX_NESTING = 2

NODES_SELECTION = (
    "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
    "'products {{ edges {{ node {{'. Selecting via 'nodes' is not supported. Invalid connection fields: '{fields}'."
)
TOP_LEVEL_NODE = "Bulk queries cannot contain a top level `{name}` field."
TOO_DEEP = f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_NESTING}."
TOO_MANY = f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections."
PARENT_WITHOUT_ID = (
    "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be "
    "of 'ID' return type. Connection fields without 'id': {fields}."
)
WITHIN_LIST = "Queries that contain a connection field within a list field are not currently supported."
NO_CONNECTION = "Bulk queries must contain at least one connection."
NOT_A_QUERY = "Invalid operation type. Only `query` operations are supported."
EMPTY = "Invalid bulk query: syntax error, unexpected end of file"


def _error(message: str) -> dict[str, Any]:
    return {"message": message, "field": ["query"], "code": "INVALID"}


@dataclass
class _Scan:
    """What one walk over a bulk query found."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    depths: list[int] = field(default_factory=list)
    nodes_fields: list[str] = field(default_factory=list)
    without_id: list[str] = field(default_factory=list)
    within_list: bool = False

    def fields(self, parent: Any, selections: Any) -> Iterator[tuple[Any, FieldNode]]:
        """(parent type, field) of every field selected, fragments flattened."""
        for sel in selections or ():
            yield from self._flatten(parent, sel)

    def _flatten(self, parent: Any, sel: SelectionNode) -> Iterator[tuple[Any, FieldNode]]:
        if isinstance(sel, FieldNode):
            yield parent, sel
        elif isinstance(sel, InlineFragmentNode):
            cond = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
            yield from self.fields(cond or parent, sel.selection_set.selections)
        elif isinstance(sel, FragmentSpreadNode) and (frag := self.fragments.get(sel.name.value)) is not None:
            yield from self.fields(self.schema.get_type(frag.type_condition.name.value), frag.selection_set.selections)

    def walk(
        self, parent: Any, selections: Any, depth: int, in_list: bool, node_has_id: bool, owner: str | None
    ) -> None:
        """Record every connection below ``parent``: its depth, and the rules it breaks."""
        for ptype, sel in self.fields(parent, selections):
            definition = getattr(ptype, "fields", {}).get(sel.name.value)
            if definition is None or sel.selection_set is None:
                continue
            named = get_named_type(definition.type)
            if is_connection(named):
                self._connection(named, sel, depth, in_list, node_has_id, owner)
                continue
            inner = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
            listed = in_list or isinstance(inner, GraphQLList)
            self.walk(named, sel.selection_set.selections, depth, listed, node_has_id, owner)

    def _connection(
        self, conn: Any, sel: FieldNode, depth: int, in_list: bool, node_has_id: bool, owner: str | None
    ) -> None:
        name = sel.name.value
        self.depths.append(depth)
        self.within_list = self.within_list or in_list
        if owner is not None and not node_has_id and owner not in self.without_id:
            self.without_id.append(owner)
        inner = list(self.fields(conn, sel.selection_set.selections if sel.selection_set else ()))
        selected = {f.name.value for _, f in inner}
        if "nodes" in selected and "edges" not in selected and name not in self.nodes_fields:
            self.nodes_fields.append(name)
        for ctype, csel in inner:
            node_sel: FieldNode | None = None
            node_type: Any = None
            if csel.name.value == "edges" and csel.selection_set is not None:
                edge_type = get_named_type(ctype.fields["edges"].type)
                for etype, esel in self.fields(edge_type, csel.selection_set.selections):
                    if esel.name.value == "node":
                        node_sel, node_type = esel, get_named_type(etype.fields["node"].type)
            elif csel.name.value == "nodes":
                node_sel, node_type = csel, get_named_type(ctype.fields["nodes"].type)
            if node_sel is None or node_sel.selection_set is None:
                continue
            chosen = node_sel.selection_set.selections
            has_id = any(f.name.value == "id" and f.alias is None for _, f in self.fields(node_type, chosen))
            self.walk(node_type, chosen, depth + 1, False, has_id, name)


def is_connection(named: Any) -> bool:
    """A Relay connection type (``XConnection`` with ``edges``)."""
    return isinstance(named, GraphQLObjectType) and named.name.endswith("Connection") and "edges" in named.fields


def check_bulk_query(schema: GraphQLSchema, text: str) -> list[dict[str, Any]]:
    """Shopify's userErrors for a bulk query document; an empty list when it may run."""
    if not text.strip():
        return [_error(EMPTY)]
    try:
        document = parse(text)
    except GraphQLError as err:
        return [_error(f"Invalid bulk query: {err.message}")]
    problems = validate(schema, document)
    if problems:
        return [_error(f"Invalid bulk query: {problems[0].message}")]
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(ops) != 1:
        return [_error("Bulk queries must be a single query operation.")]
    if ops[0].operation.value != "query":
        return [_error(NOT_A_QUERY)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    scan = _Scan(schema, fragments)
    top_level_node: list[str] = []
    for ptype, sel in scan.fields(schema.query_type, ops[0].selection_set.selections):
        if sel.name.value in ("node", "nodes"):
            top_level_node.append(sel.name.value)
            continue
        scan.walk(ptype, [sel], 0, False, True, None)
    errors: list[dict[str, Any]] = []
    if scan.nodes_fields:
        errors.append(_error(NODES_SELECTION.format(fields="', '".join(scan.nodes_fields))))
    errors.extend(_error(TOP_LEVEL_NODE.format(name=name)) for name in top_level_node)
    if scan.depths and max(scan.depths) > MAX_NESTING:
        errors.append(_error(TOO_DEEP))
    if len(scan.depths) > MAX_CONNECTIONS:
        errors.append(_error(TOO_MANY))
    if scan.without_id:
        errors.append(_error(PARENT_WITHOUT_ID.format(fields=", ".join(scan.without_id))))
    if scan.within_list:
        errors.append(_error(WITHIN_LIST))
    if not scan.depths and len(errors) == len(top_level_node):
        errors.append(_error(NO_CONNECTION))
    return errors
