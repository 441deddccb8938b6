"""The background run of one bulk query: CREATED, the start delay, RUNNING, the JSONL, COMPLETED.

The delay and the pacing are waited out without the shop's lock, and the query executes in chunks of
root nodes with the lock released between chunks, so that the shop answers other requests meanwhile; a
cancel is seen within ``POLL_SECONDS`` while waiting, and between chunks while executing. The query runs through the
same schema and resolvers as a normal request, with paging switched off (``first`` and ``after`` are
ignored, as Shopify ignores them in bulk queries).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, execute_sync, parse

from shopops.sandbox.bulk import jsonl
from shopops.sandbox.bulk.progress import Progress
from shopops.sandbox.engine.defaults import default_resolver, type_resolver
from shopops.sandbox.state.store import Record, ShopState

#: How often a waiting operation looks for a cancel.
POLL_SECONDS = 0.02
#: Root nodes executed per hold of the shop's lock: 100 orders of the backlog reader's Q1 take about 0.12 s
#: on a 2-core machine, so a request waits about that long at most behind a bulk query (docs/sandbox.md).
CHUNK_ROOTS = 100
#: A pause after each chunk, lock released, in which waiting requests take the lock first.
YIELD_SECONDS = 0.002
#: Without groupObjects, children follow their parents this many root nodes later at most (jsonl).
UNGROUPED_BATCH = 50


def _wait(op: Record, until: float) -> bool:
    """Sleep until ``until`` (monotonic), unless the operation is being canceled: True when it is."""
    while op["status"] != "CANCELING":
        left = until - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(POLL_SECONDS, left))
    return True


def _execute(state: ShopState, op: Record, context: dict[str, Any]) -> Iterator[ExecutionResult]:
    """The query's results, ``CHUNK_ROOTS`` root nodes at a time, the shop's lock held per chunk only.

    The root connection's nodes are filtered and sorted on the first chunk (``resolvers.common.connect``
    keeps them in the window); a root field that is not paged that way comes whole in the first chunk.
    """
    document = parse(op["query"])
    window: dict[str, Any] = {"start": 0, "size": CHUNK_ROOTS, "roots": {}}
    chunk_context = dict(context, bulk_window=window)
    while True:
        # Several operations run at once; only one at a time waits for the shop's lock (the gate), and it
        # lets go of the interpreter after its chunk, so a request is next in line for the lock rather than
        # behind every running operation's next chunk. They share one interpreter: nothing is lost.
        with state.bulk_gate:
            with state.lock:
                result = execute_sync(
                    context["schema"],
                    document,
                    context_value=chunk_context,
                    field_resolver=default_resolver,
                    type_resolver=type_resolver,
                )
            time.sleep(YIELD_SECONDS)
        yield result
        window["start"] += CHUNK_ROOTS
        if window["start"] >= max((len(nodes) for nodes in window["roots"].values()), default=0):
            return


def run_query(state: ShopState, op: Record, context: dict[str, Any], base_url: str, group_objects: bool) -> None:
    """Run one bulk query operation to its end (COMPLETED, FAILED or CANCELED); a thread's body."""
    num = int(op["legacyResourceId"])
    timing = state.bulk_timing
    progress = Progress(timing.objects_per_second)
    state.bulk_progress[num] = progress
    try:
        _run(state, op, context, base_url, group_objects, progress, time.monotonic() + timing.start_delay)
    finally:
        with state.lock:
            state.bulk_progress.pop(num, None)


def _run(
    state: ShopState,
    op: Record,
    context: dict[str, Any],
    base_url: str,
    group_objects: bool,
    progress: Progress,
    start_at: float,
) -> None:
    if _wait(op, start_at):
        _cancel(state, op, progress)
        return
    with state.lock:
        if op["status"] == "CANCELING":
            _cancel(state, op, progress)
            return
        op["status"] = "RUNNING"
        progress.started = time.monotonic()
    parts: list[str] = []
    for result in _execute(state, op, context):
        if op["status"] == "CANCELING":
            _cancel(state, op, progress)
            return
        codes = [(e.extensions or {}).get("code") for e in result.errors or []]
        if result.data is None or codes:
            with state.lock:
                op["status"] = "FAILED"
                op["errorCode"] = "ACCESS_DENIED" if "ACCESS_DENIED" in codes else "INTERNAL_SERVER_ERROR"
                op["completedAt"] = state.now()
            return
        roots = jsonl.root_nodes(result.data)
        lines = jsonl.grouped_lines(roots) if group_objects else jsonl.ungrouped_lines(roots, UNGROUPED_BATCH)
        parts.append("".join(f"{line}\n" for line in lines))
        progress.produced += len(lines)
        progress.produced_roots += len(roots)
    if _wait(op, max(progress.paced_end(), (progress.started or 0.0) + state.bulk_min_seconds)):
        _cancel(state, op, progress)
        return
    body = "".join(parts).encode("utf-8")
    with state.lock:
        if op["status"] == "CANCELING":
            _cancel(state, op, progress)
            return
        state.bulk_results[num := int(op["legacyResourceId"])] = body
        op.update(
            {
                "status": "COMPLETED",
                "objectCount": str(progress.produced),
                "rootObjectCount": str(progress.produced_roots),
                "fileSize": str(len(body)),
                "completedAt": state.now(),
                "url": f"{base_url}/bulk/{num}.jsonl" if progress.produced else None,
            }
        )


def _cancel(state: ShopState, op: Record, progress: Progress) -> None:
    """CANCELED, keeping the counts a poll saw last."""
    with state.lock:
        objects, roots = progress.shown()
        op.update({"status": "CANCELED", "completedAt": state.now()})
        op.update({"objectCount": str(objects), "rootObjectCount": str(roots)})
