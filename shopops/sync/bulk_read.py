"""Bulk reads for the catalog syncs, polled sparingly: a quiet rerun must stay within a few API calls.

``client.bulk.run_query`` polls from 50 ms up, which is right for a notebook but spends a call per poll.
The catalog syncs know roughly how many objects a query returns (the mirror's size), so they start the
query, wait about as long as it should take, and only then poll, backing off between polls::

    result = run_bulk(client, operations.load("SyncBulkCatalog"), expected_objects=20_000)
    for product in result.objects(children={"ProductVariant": "variants"}):
        ...

On a 20k-variant shop that is one call to start and usually one to find it finished. The JSONL file is
then streamed from the signed URL, which is not an Admin API call and costs no points.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from shopops.shopify.bulk import FINISHED, BulkResult
from shopops.shopify.errors import BulkOperationError
from shopops.sync.mutations import start_bulk

#: Seconds to wait before the first poll, at least.
FIRST_POLL_MIN_S = 0.25
#: Objects a bulk query is assumed to produce per second (sets the first wait; Shopify is slower than this).
OBJECTS_PER_SECOND = 40_000.0
#: Longest first wait, and the bounds of the wait between later polls.
FIRST_POLL_MAX_S = 30.0
POLL_MIN_S = 0.5
POLL_MAX_S = 10.0
#: Give up after this long.
TIMEOUT_S = 6 * 3600.0


def first_wait(expected_objects: int) -> float:
    """How long to wait before the first poll for a query expected to return ``expected_objects``."""
    return min(FIRST_POLL_MAX_S, max(FIRST_POLL_MIN_S, expected_objects / OBJECTS_PER_SECOND))


def run_bulk(
    client: Any,
    query: str,
    *,
    expected_objects: int = 0,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = TIMEOUT_S,
) -> BulkResult:
    """Start a bulk query, poll it sparingly, and return the finished result (raise if it did not complete)."""
    operation_id = start_bulk(client, query, sleep=sleep)
    deadline = time.monotonic() + timeout
    wait = first_wait(expected_objects)
    pause = POLL_MIN_S
    while True:
        sleep(wait)
        node = client.bulk.status(operation_id)
        if node.get("status") in FINISHED:
            break
        if time.monotonic() > deadline:
            raise BulkOperationError(
                f"Bulk operation {operation_id} still {node.get('status')} after {timeout:.0f}s; run the sync later.",
                operation_id=operation_id,
            )
        wait, pause = pause, min(POLL_MAX_S, pause * 2)
    result = BulkResult.from_node({**node, "id": operation_id}, client.stream_lines)
    if result.status != "COMPLETED":
        raise BulkOperationError(
            f"Bulk operation {operation_id} ended {result.status} (error {result.error_code}); run the sync again.",
            operation_id=operation_id,
            status=result.status,
            error_code=result.error_code,
            partial_data_url=result.partial_data_url,
        )
    return result
