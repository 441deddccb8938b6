"""Measure the sandbox's bulk queries at scale (the figures in docs/sandbox.md); a script, not a test.

    python -m tests.integration.sandbox.measure_bulk 50000 shopify   # orders, bulk timing

Seeds a shop, splits its orders into five ``updated_at`` windows, runs the backlog reader's Q1 (as Shopify
accepts it) and Q2 over each window over real HTTP with at most five operations in flight, while a probe
sends ``{ shop { id } }`` every 50 ms. Prints per operation its lines, file size, time from created to
completed and time spent executing with the shop's lock held; then the probe's latencies and the
interpreter's full garbage collections.
"""

from __future__ import annotations

import gc
import statistics
import sys
import threading
import time
from typing import Any

import requests

from shopops.sandbox import Sandbox
from shopops.sandbox.bulk import runner

from . import documents as docs

HOLDS: list[tuple[str, float]] = []
COLLECTIONS: list[float] = []


def _instrument() -> None:
    """Time every chunk execution (the lock is held exactly that long) and every full collection."""
    execute = runner.execute_sync

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = execute(*args, **kwargs)
        HOLDS.append((threading.current_thread().name, time.perf_counter() - started))
        return result

    runner.execute_sync = timed  # type: ignore[assignment]
    began = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        elif info["generation"] == 2:
            COLLECTIONS.append(time.perf_counter() - began[0])

    gc.callbacks.append(on_gc)


def main(orders: int, timing: str) -> None:
    """Seed, run the ten operations, print the figures."""
    _instrument()
    started = time.perf_counter()
    box = Sandbox(seed={"orders": orders, "customers": 40}, plan="standard", bulk_timing=timing).start()
    print(f"seeded {orders} orders in {time.perf_counter() - started:.1f}s; {box.shop.bulk_timing}", flush=True)
    stamps = sorted(o["updatedAt"] for o in box.state.table("Order").values())
    cuts = [stamps[i * len(stamps) // 5] for i in range(5)] + ["2100-01-01T00:00:00Z"]
    windows = [f"updated_at:>='{cuts[i]}' updated_at:<'{cuts[i + 1]}'" for i in range(5)]
    session = requests.Session()
    headers = {"X-Shopify-Access-Token": box.token}

    def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        body = {"query": query, "variables": variables}
        answer: dict[str, Any] = session.post(box.graphql_url, json=body, headers=headers, timeout=120).json()
        return answer["data"]

    latencies: list[float] = []
    done = threading.Event()

    def probe() -> None:
        own = requests.Session()
        while not done.is_set():
            sent = time.perf_counter()
            own.post(box.graphql_url, json={"query": "{ shop { id } }"}, headers=headers, timeout=60)
            latencies.append(time.perf_counter() - sent)
            time.sleep(0.05)

    threading.Thread(target=probe, daemon=True).start()
    queries = (("Q1", docs.BULK_ORDERS_Q1_ACCEPTED), ("Q2", docs.BULK_ORDERS_Q2))
    pending = [(f"{name} w{i}", docs.windowed(query, w)) for name, query in queries for i, w in enumerate(windows)]
    flying: dict[str, tuple[str, float]] = {}
    finished: list[tuple[str, dict[str, Any], float]] = []
    started = time.perf_counter()
    while pending or flying:
        while pending and len(flying) < 5:
            run = post(docs.BULK_RUN, {"query": pending[0][1]})["bulkOperationRunQuery"]
            if run["userErrors"]:
                break
            flying[run["bulkOperation"]["id"]] = (pending.pop(0)[0], time.perf_counter())
        time.sleep(0.5)
        for op_id, (label, created) in list(flying.items()):
            status = post(docs.BULK_STATUS, {"id": op_id})["bulkOperation"]
            if status["status"] in ("COMPLETED", "FAILED", "CANCELED"):
                del flying[op_id]
                finished.append((label, status, time.perf_counter() - created))
    print(f"all {len(finished)} operations done in {time.perf_counter() - started:.1f}s wall")
    done.set()
    for label, status, seconds in finished:
        holds = [h for name, h in HOLDS if name == f"bulk-{status['id'].rsplit('/', 1)[1]}"]
        size = len(requests.get(status["url"], timeout=300).content)
        print(
            f"{label}: {status['status']} roots {status['rootObjectCount']} lines {status['objectCount']} "
            f"{size / 1e6:.1f} MB; created->completed {seconds:.1f}s; executing {sum(holds):.1f}s in "
            f"{len(holds)} chunks, longest lock hold {max(holds):.3f}s"
        )
    latencies.sort()
    print(
        f"probe: {len(latencies)} requests, median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    print(f"full collections: {len(COLLECTIONS)}, longest {max(COLLECTIONS, default=0):.2f}s")
    box.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, sys.argv[2] if len(sys.argv) > 2 else "instant")
