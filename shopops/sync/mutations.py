"""Sending a non-idempotent mutation that Shopify THROTTLED: it was not executed, so it is safe to resend.

The client never resends a mutation without ``@idempotent`` after a transient failure, because it cannot
know whether it ran. A THROTTLED answer is the one case where it certainly did not run (Shopify rejects it
before execution). A fresh client per run does not know how empty the bucket is after the previous run,
so a long export (productSet per product) or a bulk start can meet THROTTLED on its first call; this
helper waits as Shopify says and sends it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from shopops.shopify.errors import MutationNotRetriedError, ThrottledError

#: How many THROTTLED answers one mutation may get before the run gives up.
MAX_THROTTLED = 8
#: Wait when Shopify gives no retry time.
DEFAULT_WAIT_S = 1.0


def execute_mutation(
    client: Any,
    document: str,
    variables: Mapping[str, Any],
    *,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> Any:
    """``client.execute`` for a mutation without an idempotency key, resent only after THROTTLED."""
    for attempt in range(MAX_THROTTLED + 1):
        try:
            return client.execute(document, variables, **kwargs)
        except MutationNotRetriedError as exc:
            if not isinstance(exc.cause, ThrottledError) or attempt == MAX_THROTTLED:
                raise
            sleep(max(DEFAULT_WAIT_S, float(exc.cause.retry_after or 0)))
    raise AssertionError("unreachable")


def start_bulk(client: Any, query: str, *, sleep: Callable[[float], None] = time.sleep) -> str:
    """``client.bulk.start`` resent after THROTTLED (the start is a mutation without a key)."""
    for attempt in range(MAX_THROTTLED + 1):
        try:
            return str(client.bulk.start(query, on_running="wait"))
        except MutationNotRetriedError as exc:
            if not isinstance(exc.cause, ThrottledError) or attempt == MAX_THROTTLED:
                raise
            sleep(max(DEFAULT_WAIT_S, float(exc.cause.retry_after or 0)))
    raise AssertionError("unreachable")
