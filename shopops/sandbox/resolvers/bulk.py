"""Bulk query operations: ``bulkOperationRunQuery``, ``bulkOperation(id:)``, ``currentBulkOperation``,
``bulkOperations``, ``bulkOperationCancel``, and the JSONL result the sandbox itself serves.

The query runs in a background thread through the same schema with paging switched off (``first`` and
``after`` are ignored, as Shopify ignores them in bulk queries). Each node becomes one JSON line;
nodes of nested connections get their own lines with ``__parentId`` set to the parent's id.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLResolveInfo,
    OperationDefinitionNode,
    execute_sync,
    get_named_type,
    parse,
    validate,
)

from shopops.sandbox.resolvers.common import ResolverMap, connect, lookup, state_of, time_sort, user_error
from shopops.sandbox.search import Matcher
from shopops.sandbox.store import Record, ShopState

MAX_CONCURRENT = 5
MAX_CONNECTIONS = 5
MAX_NESTING = 2
BULK_SEARCH = Matcher(
    {
        "status": ("string", lambda r: r["status"].lower()),
        "type": ("string", lambda r: r["type"].lower()),
        "created_at": ("time", lambda r: r.get("createdAt")),
        "id": ("number", lambda r: r["id"]),
    },
    default=lambda r: r.get("query"),
)


def _connections(schema: Any, parent: Any, selections: Any, depth: int, found: list[int]) -> None:
    for sel in selections or ():
        if not isinstance(sel, FieldNode) or sel.selection_set is None:
            continue
        field = getattr(parent, "fields", {}).get(sel.name.value)
        if field is None:
            continue
        named = get_named_type(field.type)
        is_conn = named.name.endswith("Connection")
        if is_conn:
            found.append(depth)
        _connections(schema, named, sel.selection_set.selections, depth + (1 if is_conn else 0), found)


def check_bulk_query(schema: Any, text: str) -> list[dict[str, Any]]:
    """userErrors for a bulk query (invalid GraphQL, no or too many connections, too deep, node(s))."""
    try:
        document = parse(text)
    except GraphQLError as err:
        return [user_error(f"Invalid bulk query: {err.message}", ["query"], "INVALID")]
    errors = validate(schema, document)
    if errors:
        return [user_error(f"Invalid bulk query: {errors[0].message}", ["query"], "INVALID")]
    op = document.definitions[0]
    if not isinstance(op, OperationDefinitionNode) or op.operation.value != "query":
        return [user_error("Bulk queries must be a single query operation.", ["query"], "INVALID")]
    top = [s for s in op.selection_set.selections if isinstance(s, FieldNode)]
    if any(s.name.value in ("node", "nodes") for s in top):
        return [user_error("Bulk queries cannot contain a top level `node` or `nodes` field.", ["query"], "INVALID")]
    found: list[int] = []
    _connections(schema, schema.query_type, top, 0, found)
    if not found:
        return [user_error("Bulk queries must contain at least one connection.", ["query"], "INVALID")]
    if len(found) > MAX_CONNECTIONS:
        return [
            user_error(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections.", ["query"], "INVALID")
        ]
    if max(found) > MAX_NESTING:
        return [
            user_error(
                f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_NESTING}.",
                ["query"],
                "INVALID",
            )
        ]
    return []


def _is_connection(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("edges", value.get("nodes")), list)


def _conn_nodes(value: dict[str, Any]) -> list[Any]:
    if isinstance(value.get("edges"), list):
        return [e.get("node") for e in value["edges"] if isinstance(e, dict)]
    return list(value.get("nodes") or [])


def _strip(obj: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if _is_connection(value):
            children.append(value)
        elif isinstance(value, dict):
            out[key] = _strip(value, children)
        else:
            out[key] = value
    return out


def to_jsonl(data: dict[str, Any]) -> tuple[bytes, int, int]:
    """Flatten a bulk result into JSONL; returns (bytes, objectCount, rootObjectCount)."""
    lines: list[str] = []
    roots = 0

    def emit(node: dict[str, Any], parent: str | None) -> None:
        children: list[dict[str, Any]] = []
        line = _strip(node, children)
        if parent is not None:
            line["__parentId"] = parent
        lines.append(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
        for conn in children:
            for child in _conn_nodes(conn):
                if isinstance(child, dict):
                    emit(child, node.get("id"))

    for value in data.values():
        if _is_connection(value):
            for node in _conn_nodes(value):
                if isinstance(node, dict):
                    roots += 1
                    emit(node, None)
    body = ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")
    return body, len(lines), roots


def _run(state: ShopState, op: Record, context: dict[str, Any], base_url: str) -> None:
    from shopops.sandbox.schema import default_resolver, served_schema, type_resolver

    with state.lock:
        if op["status"] == "CANCELING":
            op["status"] = "CANCELED"
            return
        op["status"] = "RUNNING"
    deadline = time.monotonic() + state.bulk_min_seconds
    while time.monotonic() < deadline and op["status"] == "RUNNING":
        time.sleep(0.02)
    with state.lock:
        if op["status"] == "CANCELING":
            op["status"], op["completedAt"] = "CANCELED", state.now()
            return
        result = execute_sync(
            served_schema(),
            parse(op["query"]),
            context_value=context,
            field_resolver=default_resolver,
            type_resolver=type_resolver,
        )
        if op["status"] == "CANCELING":
            op["status"], op["completedAt"] = "CANCELED", state.now()
            return
        codes = [(e.extensions or {}).get("code") for e in result.errors or []]
        if result.data is None or codes:
            op["status"] = "FAILED"
            op["errorCode"] = "ACCESS_DENIED" if "ACCESS_DENIED" in codes else "INTERNAL_SERVER_ERROR"
            op["completedAt"] = state.now()
            return
        body, count, roots = to_jsonl(result.data)
        num = int(op["legacyResourceId"])
        state.bulk_results[num] = body
        op.update(
            {
                "status": "COMPLETED",
                "objectCount": str(count),
                "rootObjectCount": str(roots),
                "fileSize": str(len(body)),
                "completedAt": state.now(),
                "url": f"{base_url}/bulk/{num}.jsonl" if count else None,
            }
        )


def _run_query(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    from shopops.sandbox.schema import served_schema

    state = state_of(info)
    errors = check_bulk_query(served_schema(), args["query"])
    if errors:
        return {"bulkOperation": None, "userErrors": errors}
    running = [
        b
        for b in state.table("BulkOperation").values()
        if b["type"] == "QUERY" and b["status"] in ("CREATED", "RUNNING")
    ]
    if len(running) >= MAX_CONCURRENT:
        return {
            "bulkOperation": None,
            "userErrors": [
                user_error(
                    "A bulk query operation for this app and shop is already in progress.", None, "LIMIT_REACHED"
                )
            ],
        }
    op = state.insert(
        "BulkOperation",
        {
            "status": "CREATED",
            "type": "QUERY",
            "query": args["query"],
            "errorCode": None,
            "objectCount": "0",
            "rootObjectCount": "0",
            "fileSize": None,
            "url": None,
            "partialDataUrl": None,
            "completedAt": None,
        },
    )
    context = {k: v for k, v in info.context.items()}
    context["bulk"] = True
    thread = threading.Thread(
        target=_run,
        args=(state, op, context, info.context.get("base_url", "")),
        name=f"bulk-{op['legacyResourceId']}",
        daemon=True,
    )
    thread.start()
    return {"bulkOperation": dict(op), "userErrors": []}


def _cancel(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    op = state.get(args["id"], "BulkOperation")
    if op is None:
        return {"bulkOperation": None, "userErrors": [user_error("Bulk operation does not exist", ["id"])]}
    if op["status"] not in ("CREATED", "RUNNING"):
        return {
            "bulkOperation": op,
            "userErrors": [
                user_error(f"A bulk operation cannot be canceled when it is {op['status'].lower()}", ["id"])
            ],
        }
    op["status"] = "CANCELING"
    return {"bulkOperation": op, "userErrors": []}


def _current(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Record | None:
    wanted = args.get("type") or "QUERY"
    ops = [b for b in state_of(info).table("BulkOperation").values() if b["type"] == wanted]
    return ops[-1] if ops else None


def _list(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = state_of(info).table("BulkOperation").values()
    return connect(
        info,
        rows,
        args,
        {
            "CREATED_AT": time_sort("createdAt"),
            "COMPLETED_AT": time_sort("completedAt"),
            "STATUS": time_sort("status"),
            "ID": None,
        },
        BULK_SEARCH,
    )


RESOLVERS: ResolverMap = {
    "QueryRoot": {"bulkOperation": lookup("BulkOperation"), "currentBulkOperation": _current, "bulkOperations": _list},
    "Mutation": {"bulkOperationRunQuery": _run_query, "bulkOperationCancel": _cancel},
}
