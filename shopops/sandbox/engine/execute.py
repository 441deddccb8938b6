"""One GraphQL request, start to finish: parse, validate, limits, cost, bucket, execute, extensions.

Kept free of HTTP so that it can be read (and unit-tested) on its own; the server calls
:func:`run_graphql` with the decoded body and the shop/token it resolved.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    ListValueNode,
    OperationDefinitionNode,
    Visitor,
    execute_sync,
    get_operation_ast,
    parse,
    validate,
    value_from_ast_untyped,
    visit,
)

from shopops.sandbox.engine.auth import Token
from shopops.sandbox.engine.cost import MAX_QUERY_COST, CostCalculator
from shopops.sandbox.engine.defaults import default_resolver, type_resolver
from shopops.sandbox.engine.errors import error_dict, max_cost_error, throttled_error
from shopops.sandbox.engine.paging import MAX_PAGE
from shopops.sandbox.engine.schema import served_schema
from shopops.sandbox.engine.throttle import LeakyBucket
from shopops.sandbox.resolvers.common import MAX_INPUT_LIST
from shopops.sandbox.state.store import ShopState

_UNDEFINED_FIELD = re.compile(r"Cannot query field '(\w+)' on type '(\w+)'\.")


@dataclass
class Outcome:
    """What the transport sends back: a JSON body (always HTTP 200 here)."""

    body: dict[str, Any]


def _shopify_validation_error(err: GraphQLError) -> dict[str, Any]:
    out = err.formatted
    m = _UNDEFINED_FIELD.match(err.message)
    if m:
        out["message"] = f"Field '{m.group(1)}' doesn't exist on type '{m.group(2)}'"
        out["extensions"] = {"code": "undefinedField", "typeName": m.group(2), "fieldName": m.group(1)}
    else:
        out.setdefault("extensions", {"code": "GRAPHQL_VALIDATION_FAILED"})
    return dict(out)


class _LimitVisitor(Visitor):
    """Finds first/last over 250 and literal lists over 250 in the document."""

    def __init__(self, variables: dict[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.errors: list[dict[str, Any]] = []

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        for arg in node.arguments or ():
            if arg.name.value in ("first", "last"):
                value = value_from_ast_untyped(arg.value, self.variables)
                if isinstance(value, int) and value > MAX_PAGE:
                    self.errors.append(
                        error_dict(
                            f"The '{arg.name.value}' argument on field '{node.name.value}' must be at most "
                            f"{MAX_PAGE}; got {value}.",
                            "MAX_PAGE_SIZE_EXCEEDED",
                            argumentName=arg.name.value,
                            fieldName=node.name.value,
                        )
                    )

    def enter_list_value(self, node: ListValueNode, *_args: Any) -> None:
        if len(node.values) > MAX_INPUT_LIST:
            self.errors.append(_input_size_error(len(node.values)))


def _input_size_error(size: int) -> dict[str, Any]:
    return error_dict(
        f"The input array size of {size} is greater than the maximum allowed of {MAX_INPUT_LIST}.",
        "MAX_INPUT_SIZE_EXCEEDED",
    )


def _oversized_list(value: Any) -> int:
    if isinstance(value, list):
        if len(value) > MAX_INPUT_LIST:
            return len(value)
        return max((_oversized_list(v) for v in value), default=0)
    if isinstance(value, dict):
        return max((_oversized_list(v) for v in value.values()), default=0)
    return 0


@functools.lru_cache(maxsize=1024)
def _checked(query: str) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
    """Parse and validate once per distinct document text (clients resend the same few documents)."""
    try:
        document = parse(query)
    except GraphQLError as err:
        return None, [dict(err.formatted, extensions={"code": "PARSE_ERROR"})]
    errors = validate(served_schema(), document)
    return document, [_shopify_validation_error(e) for e in errors]


def run_graphql(
    body: dict[str, Any],
    state: ShopState,
    token: Token,
    bucket: LeakyBucket,
    extra_context: dict[str, Any] | None = None,
) -> Outcome:
    """Answer one decoded GraphQL request body for a shop and token."""
    schema = served_schema()
    query = body.get("query")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        variables = {}

    def answer(
        errors: list[dict[str, Any]],
        requested: int | None = 0,
        actual: int | None = None,
        data: Any = None,
        has_data: bool = False,
    ) -> Outcome:
        out: dict[str, Any] = {}
        if has_data:
            out["data"] = data
        if errors:
            out["errors"] = errors
        out["extensions"] = {
            "cost": {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": bucket.status()}
        }
        return Outcome(out)

    document, problems = _checked(query or "")
    if document is None or problems:
        return answer(problems, 0, 0)
    op = get_operation_ast(document, body.get("operationName"))
    if op is None or not isinstance(op, OperationDefinitionNode):
        return answer(
            [
                error_dict(
                    "An operation name is required when the document has several "
                    "operations (or the named one is missing).",
                    "BAD_REQUEST",
                )
            ],
            0,
            0,
        )
    size = _oversized_list(variables)
    limits = _LimitVisitor(variables)
    visit(document, limits)
    if size:
        limits.errors.append(_input_size_error(size))
    if limits.errors:
        return answer(limits.errors, 0, 0)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    calc = CostCalculator(schema, fragments, variables)
    requested = calc.operation(op)
    if requested > MAX_QUERY_COST:
        return answer([max_cost_error(requested, MAX_QUERY_COST)], requested, None)
    if not bucket.take(requested):
        return answer([throttled_error()], requested, None)
    context: dict[str, Any] = {"state": state, "token": token, "default_resolver": default_resolver}
    context.update(extra_context or {})
    with state.lock:
        result = execute_sync(
            schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=body.get("operationName"),
            field_resolver=default_resolver,
            type_resolver=type_resolver,
        )
    errs = [dict(e.formatted) for e in result.errors or []]
    for e in errs:
        e.setdefault("extensions", {"code": "INTERNAL_SERVER_ERROR"})
    if result.data is None:  # an error reached the root (e.g. a denied non-null field): data is null
        bucket.refund(requested)
        return answer(errs, requested, 0, None, has_data=bool(errs) and "path" in errs[0])
    actual = requested if op.operation.value == "mutation" else calc.operation(op, result.data, actual=True)
    bucket.refund(requested - actual)
    return answer(errs, requested, actual, result.data, has_data=True)
