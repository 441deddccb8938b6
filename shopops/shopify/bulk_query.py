"""Bulk query text from a shipped operation: fragments inline, the root connection's search set.

``bulkOperationRunQuery`` takes the query as a string without variables, so the search of each window is
written into the text; and the text is sent as one operation with every fragment spread inline, the form
Shopify's bulk guide shows. The document itself stays a file under ``operations/`` that a test validates
against the real schema::

    text = bulk_query(operations.load("SyncBulkOrders"), search="updated_at:>='2026-01-01T00:00:00Z'")
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    parse,
    print_ast,
)


def _inline(selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]) -> Any:
    if selection_set is None:
        return None
    selections: list[Any] = []
    for sel in selection_set.selections:
        if isinstance(sel, FragmentSpreadNode):
            frag = fragments[sel.name.value]
            selections.append(
                InlineFragmentNode(
                    type_condition=NamedTypeNode(name=NameNode(value=frag.type_condition.name.value)),
                    directives=(),
                    selection_set=_inline(frag.selection_set, fragments),
                )
            )
        elif isinstance(sel, InlineFragmentNode):
            selections.append(
                InlineFragmentNode(
                    type_condition=sel.type_condition,
                    directives=sel.directives,
                    selection_set=_inline(sel.selection_set, fragments),
                )
            )
        elif isinstance(sel, FieldNode):
            selections.append(
                FieldNode(
                    alias=sel.alias,
                    name=sel.name,
                    arguments=sel.arguments,
                    directives=sel.directives,
                    selection_set=_inline(sel.selection_set, fragments),
                )
            )
    return SelectionSetNode(selections=tuple(selections))


def _with_search(field: FieldNode, search: str) -> FieldNode:
    arguments = [a for a in field.arguments or () if a.name.value != "query"]
    arguments.append(ArgumentNode(name=NameNode(value="query"), value=StringValueNode(value=search)))
    return FieldNode(
        alias=field.alias,
        name=field.name,
        arguments=tuple(arguments),
        directives=field.directives,
        selection_set=field.selection_set,
    )


def bulk_query(document: str, *, search: str | None = None) -> str:
    """The text to hand ``bulkOperationRunQuery``: ``document``'s operation with its fragments inline and, when
    ``search`` is given, its root field's ``query`` argument set to it."""
    ast = parse(document, no_location=True)
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    op = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))
    body = _inline(op.selection_set, fragments)
    if search is not None:
        roots = list(body.selections)
        roots[0] = _with_search(roots[0], search)
        body = SelectionSetNode(selections=tuple(roots))
    single = OperationDefinitionNode(
        operation=op.operation, name=op.name, variable_definitions=(), directives=(), selection_set=body
    )
    return print_ast(DocumentNode(definitions=(single,)))
