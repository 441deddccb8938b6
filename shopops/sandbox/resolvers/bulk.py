"""Bulk operations: ``bulkOperationRunQuery``, ``bulkOperationRunMutation``, ``bulkOperation(id:)``,
``currentBulkOperation``, ``bulkOperations``, ``bulkOperationCancel``, and the JSONL results the sandbox serves.

A bulk query is checked as Shopify checks it (:mod:`shopops.sandbox.bulk.validate`), at most
``MAX_CONCURRENT`` may be in progress per shop, and each runs in a background thread
(:mod:`shopops.sandbox.bulk.runner`) at the shop's pace (``ShopState.bulk_timing``): CREATED, then
RUNNING with an ``objectCount`` that grows while it runs, then COMPLETED with the JSONL's url.

A bulk mutation reads the JSONL variables file staged through ``stagedUploadsCreate`` (resource
``BULK_MUTATION_VARIABLES``), runs the mutation once per line in a background thread through the same
schema and resolvers as a normal request, and writes one result line per input line:
``{"data": {...}, "__lineNumber": n}`` (0-based, plus ``"errors"`` when that line failed at GraphQL level).
Only ``MAX_CONCURRENT_MUTATIONS`` bulk mutations may run per shop at a time.
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
    parse,
    validate,
)

from shopops.sandbox.bulk.runner import run_query
from shopops.sandbox.bulk.validate import check_bulk_query
from shopops.sandbox.engine.defaults import default_resolver, type_resolver
from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.resolvers.common import ResolverMap, connect, lookup, state_of, time_sort, user_error
from shopops.sandbox.state.store import Record, ShopState

#: Bulk query operations one app may have in progress per shop (API 2026-01 and later; earlier versions
#: allowed one, and the sandbox serves 2026-01 onward).
MAX_CONCURRENT = 5
#: Statuses that hold one of those places: Shopify counts a CANCELING operation until it is CANCELED.
IN_PROGRESS = ("CREATED", "RUNNING", "CANCELING")
#: Bulk mutations allowed to run at once per shop (one, as the brief for issue 6 states Shopify's rule).
MAX_CONCURRENT_MUTATIONS = 1
#: Root fields a bulk mutation may not run (they would nest bulk work or staged uploads).
NOT_BULKABLE = frozenset(
    {"bulkOperationRunQuery", "bulkOperationRunMutation", "bulkOperationCancel", "stagedUploadsCreate"}
)
BULK_SEARCH = Matcher(
    {
        "status": ("string", lambda r: r["status"].lower()),
        "type": ("string", lambda r: r["type"].lower()),
        "created_at": ("time", lambda r: r.get("createdAt")),
        "id": ("number", lambda r: r["id"]),
    },
    default=lambda r: r.get("query"),
)


def _live_count(index: int) -> Any:
    """objectCount / rootObjectCount: while RUNNING, what the shop's pace lets a poll see so far."""

    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> str:
        key = ("objectCount", "rootObjectCount")[index]
        if source.get("status") in ("RUNNING", "CANCELING"):
            progress = state_of(info).bulk_progress.get(int(source["legacyResourceId"]))
            if progress is not None:
                return str(progress.shown()[index])
        return str(source.get(key) or "0")

    return resolve


def _run_query(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    errors = check_bulk_query(info.schema, args["query"])
    if errors:
        return {"bulkOperation": None, "userErrors": errors}
    running = [b for b in state.table("BulkOperation").values() if b["type"] == "QUERY" and b["status"] in IN_PROGRESS]
    if len(running) >= MAX_CONCURRENT:
        # Shopify's answer to a sixth query, as recorded on API 2026-04: the ids of the five in progress
        ids = ", ".join(b["id"] for b in running)
        message = f"A bulk query operation for this app and shop is already in progress: {ids}."
        return {"bulkOperation": None, "userErrors": [user_error(message, None, "OPERATION_IN_PROGRESS")]}
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
    context["schema"] = info.schema  # the served schema, without importing the module that builds it
    context["bulk"] = True
    thread = threading.Thread(
        target=run_query,
        args=(state, op, context, info.context.get("base_url", ""), bool(args.get("groupObjects"))),
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


def check_bulk_mutation(schema: Any, text: str) -> list[dict[str, Any]]:
    """userErrors for a bulk mutation document: valid GraphQL, one mutation operation, one bulkable root field."""
    try:
        document = parse(text)
    except GraphQLError as err:
        return [user_error(f"Invalid bulk mutation: {err.message}", ["mutation"], "INVALID_MUTATION")]
    errors = validate(schema, document)
    if errors:
        return [user_error(f"Invalid bulk mutation: {errors[0].message}", ["mutation"], "INVALID_MUTATION")]
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(ops) != 1 or ops[0].operation.value != "mutation":
        return [user_error("Bulk mutations must be a single mutation operation.", ["mutation"], "INVALID_MUTATION")]
    top = [s for s in ops[0].selection_set.selections if isinstance(s, FieldNode)]
    if len(top) != 1:
        return [user_error("Bulk mutations must call exactly one mutation field.", ["mutation"], "INVALID_MUTATION")]
    if top[0].name.value in NOT_BULKABLE:
        return [user_error(f"{top[0].name.value} cannot be run as a bulk mutation.", ["mutation"], "INVALID_MUTATION")]
    return []


def read_variables(body: bytes) -> list[dict[str, Any]] | str:
    """The variables of each JSONL line of a staged file, or why the file is unusable."""
    out: list[dict[str, Any]] = []
    for number, raw in enumerate(body.decode("utf-8", errors="replace").splitlines()):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            return f"line {number} is not valid JSON"
        if not isinstance(value, dict):
            return f"line {number} is not a JSON object"
        out.append(value)
    return out


def _upload_key(path: str) -> str:
    """The staged upload's key from a ``stagedUploadPath`` (the target's ``key`` parameter, or a URL)."""
    return path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _run_mutation_lines(
    state: ShopState, op: Record, context: dict[str, Any], base_url: str, lines: list[dict[str, Any]]
) -> None:
    """Background body of a bulk mutation: one execution per variables line, then the result file."""
    with state.lock:
        if op["status"] == "CANCELING":
            op["status"], op["completedAt"] = "CANCELED", state.now()
            return
        op["status"] = "RUNNING"
    deadline = time.monotonic() + state.bulk_min_seconds
    while time.monotonic() < deadline and op["status"] == "RUNNING":
        time.sleep(0.02)
    document = parse(op["query"])
    out: list[str] = []
    for number, variables in enumerate(lines):
        with state.lock:
            if op["status"] == "CANCELING":
                break
            result = execute_sync(
                context["schema"],
                document,
                context_value=dict(context),
                variable_values=variables,
                field_resolver=default_resolver,
                type_resolver=type_resolver,
            )
        line: dict[str, Any] = {"data": result.data}
        if result.errors:
            line["errors"] = [dict(e.formatted) for e in result.errors]
        line["__lineNumber"] = number
        out.append(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
    body = ("\n".join(out) + ("\n" if out else "")).encode("utf-8")
    num = int(op["legacyResourceId"])
    with state.lock:
        state.bulk_results[num] = body
        url = f"{base_url}/bulk/{num}.jsonl" if out else None
        op.update(
            {
                "objectCount": str(len(out)),
                "rootObjectCount": str(len(out)),
                "fileSize": str(len(body)),
                "completedAt": state.now(),
            }
        )
        if op["status"] == "CANCELING":
            op.update({"status": "CANCELED", "partialDataUrl": url})
        else:
            op.update({"status": "COMPLETED", "url": url})


def _run_mutation(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    errors = check_bulk_mutation(info.schema, args["mutation"])
    if errors:
        return {"bulkOperation": None, "userErrors": errors}
    staged = state.uploads.get(_upload_key(args["stagedUploadPath"]))
    if staged is None:
        return {
            "bulkOperation": None,
            "userErrors": [user_error("The staged upload file does not exist.", ["stagedUploadPath"], "NO_SUCH_FILE")],
        }
    lines = read_variables(staged)
    if isinstance(lines, str):
        return {
            "bulkOperation": None,
            "userErrors": [
                user_error(
                    f"The staged upload file is not valid JSONL: {lines}.",
                    ["stagedUploadPath"],
                    "INVALID_STAGED_UPLOAD_FILE",
                )
            ],
        }
    running = [
        b
        for b in state.table("BulkOperation").values()
        if b["type"] == "MUTATION" and b["status"] in ("CREATED", "RUNNING", "CANCELING")
    ]
    if len(running) >= MAX_CONCURRENT_MUTATIONS:
        return {
            "bulkOperation": None,
            "userErrors": [
                user_error(
                    "A bulk mutation operation for this app and shop is already in progress.",
                    None,
                    "OPERATION_IN_PROGRESS",
                )
            ],
        }
    op = state.insert(
        "BulkOperation",
        {
            "status": "CREATED",
            "type": "MUTATION",
            "query": args["mutation"],
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
    context["schema"] = info.schema  # the served schema, without importing the module that builds it
    thread = threading.Thread(
        target=_run_mutation_lines,
        args=(state, op, context, info.context.get("base_url", ""), lines),
        name=f"bulk-mutation-{op['legacyResourceId']}",
        daemon=True,
    )
    thread.start()
    return {"bulkOperation": dict(op), "userErrors": []}


RESOLVERS: ResolverMap = {
    "BulkOperation": {"objectCount": _live_count(0), "rootObjectCount": _live_count(1)},
    "QueryRoot": {"bulkOperation": lookup("BulkOperation"), "currentBulkOperation": _current, "bulkOperations": _list},
    "Mutation": {
        "bulkOperationRunQuery": _run_query,
        "bulkOperationRunMutation": _run_mutation,
        "bulkOperationCancel": _cancel,
    },
}
