"""Small reports that ship with shopops: a queue self-test and a pause, used by the demo and benchmarks."""

from __future__ import annotations

import time
from typing import Any

from shopops.sync.context import RunContext
from shopops.sync.registry import Param, report_spec


@report_spec(
    "noop",
    description="Does nothing; measures the queue itself (claim, run, finish).",
    params={"sent_at": Param(float, default=None, doc="epoch seconds when it was enqueued: logs wait_us")},
    needs_shop=False,
)
def noop(ctx: RunContext, params: dict[str, Any]) -> None:
    """Count one run and return; given ``sent_at``, log how long the entry waited to start (``wait_us``)."""
    sent_at = params.get("sent_at")
    if sent_at is not None:
        ctx.stats["wait_us"] = round((time.time() - float(sent_at)) * 1_000_000)
    ctx.stats["runs"] += 1


@report_spec(
    "pause",
    description="Waits the given seconds; shows progress, serialisation and shutdown of long runs.",
    params={"seconds": Param(float, default=1.0, doc="how long to wait"), "fail": Param(bool, default=False)},
    needs_shop=False,
)
def pause(ctx: RunContext, params: dict[str, Any]) -> None:
    """Sleep in small steps, reporting progress; fail at the end when asked (to show retries)."""
    seconds = float(params.get("seconds", 1.0))
    steps = max(1, int(seconds / 0.05))
    for i in range(steps):
        time.sleep(seconds / steps)
        ctx.progress(i + 1, steps, "pausing")
    ctx.stats["paused_ms"] = round(seconds * 1000)
    if params.get("fail"):
        raise RuntimeError("pause was asked to fail (fail=true)")


@report_spec(
    "check-connection",
    description="Reads the shop and its locations: proves the URL, token and scopes work (BC's Test Connection).",
)
def check_connection(ctx: RunContext, params: dict[str, Any]) -> None:
    """Ask Shopify who the shop is and where it keeps stock; fails with Shopify's own reason if it cannot."""
    from shopops.shopify import operations

    shop = ctx.client.execute(operations.load("GetShop"))["shop"]
    ctx.log.info("connected to %s (%s, %s)", shop["name"], shop["myshopifyDomain"], shop["currencyCode"])
    locations = list(ctx.client.paginate(operations.load("GetLocations"), {"first": 50}, path=("locations",)))
    ctx.stats["read"] += 1 + len(locations)
    ctx.stats["locations"] = len(locations)
    ctx.progress(1, 1, f"{shop['name']}: {len(locations)} locations")
