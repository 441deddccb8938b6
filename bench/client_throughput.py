"""Client throughput on a sandbox shop: paged read vs bulk read of the same orders.

    python bench/client_throughput.py --orders 50000          # the issue's figure (long: see below)
    python bench/client_throughput.py --orders 5000 --plan standard

Prints, for each read, records per second and API points used per second, and the ratio of points
used to the plan's limit (restore rate x run time). The paged read should stay close to the limit
(goal >= 0.9): the client paces itself from throttleStatus instead of hitting THROTTLED. A full bucket
at the start is a free burst, so the ratio is printed both raw and with the initial bucket taken off.

Cost arithmetic: a GetOrderIds page of 250 orders is requested at about 2 + 250 x 3 = 752 points
(order, totalPriceSet, shopMoney), so 50k orders is ~200 pages x ~750 = ~150k points: ~25 minutes at a
standard plan's 100 points/s. A bulk read costs only its run/poll calls.
Benchmarks print ratios; they never pass or fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal
from typing import Any

from shopops.shopify import RetryPolicy, ShopifyClient, operations

BULK_QUERY = """
{
  orders {
    edges { node { id name updatedAt totalPriceSet { shopMoney { amount currencyCode } } } }
  }
}
"""


def paged_read(client: ShopifyClient, page_size: int) -> dict[str, Any]:
    """Read every order through the paging iterator."""
    before = client.stats.snapshot()
    started = time.monotonic()
    count, total = 0, Decimal(0)
    for order in client.paginate(operations.load("GetOrderIds"), {"first": page_size}, path=("orders",)):
        count += 1
        total += Decimal(order["totalPriceSet"]["shopMoney"]["amount"])
    elapsed = time.monotonic() - started
    return {"records": count, "total": total, "seconds": elapsed, "stats": client.stats.since(before)}


def bulk_read(client: ShopifyClient) -> dict[str, Any]:
    """Read every order through a bulk query, streaming the JSONL."""
    before = client.stats.snapshot()
    started = time.monotonic()
    result = client.bulk.run_query(BULK_QUERY)
    count, total = 0, Decimal(0)
    for rec in result.lines():
        if "__parentId" in rec:
            continue
        count += 1
        total += Decimal(rec["totalPriceSet"]["shopMoney"]["amount"])
    elapsed = time.monotonic() - started
    return {"records": count, "total": total, "seconds": elapsed, "stats": client.stats.since(before)}


def report(name: str, r: dict[str, Any], restore_rate: float, bucket: float) -> None:
    s = r["stats"]
    secs = max(r["seconds"], 1e-9)
    limit = restore_rate * secs
    raw = s.actual_cost / limit
    steady = max(0.0, s.actual_cost - bucket) / limit
    print(
        f"{name:<6} {r['records']:>7} records in {secs:8.1f}s  {r['records'] / secs:9.1f} rec/s  "
        f"{s.actual_cost / secs:7.1f} pts/s  ratio to limit {raw:5.2f} (without initial bucket {steady:5.2f})  "
        f"calls {s.calls}  throttled {s.throttled}  waits {s.throttle_waits} ({s.throttle_wait_seconds:.1f}s)  "
        f"retries {s.retries}  sum {r['total']}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=50_000, help="orders in the sandbox shop (default 50000)")
    ap.add_argument("--plan", default="standard", help="sandbox plan (standard, advanced, plus)")
    ap.add_argument("--page-size", type=int, default=250, help="orders per page (max 250)")
    ap.add_argument("--skip-bulk", action="store_true", help="only the paged read")
    ap.add_argument("--skip-paged", action="store_true", help="only the bulk read")
    args = ap.parse_args(argv)

    try:
        from shopops.sandbox import Sandbox
    except ImportError as exc:
        print(f"the sandbox is not available: {exc}", file=sys.stderr)
        return 2

    print(f"seeding a {args.plan} sandbox with {args.orders} orders ...", flush=True)
    t0 = time.monotonic()
    sandbox = Sandbox(seed={"orders": args.orders}, plan=args.plan)
    with sandbox as shop:
        plan = shop.shop.plan if hasattr(shop, "shop") else sandbox.shop.plan
        print(
            f"seeded in {time.monotonic() - t0:.1f}s; plan {plan.name}: restore {plan.restore_rate:g} pts/s, "
            f"bucket {plan.maximum:g}",
            flush=True,
        )
        client = ShopifyClient(shop.url, shop.token, retry=RetryPolicy(base_delay=0.2, max_delay=5))
        if not args.skip_paged:
            report("paged", paged_read(client, args.page_size), plan.restore_rate, plan.maximum)
        if not args.skip_bulk:
            report("bulk", bulk_read(client), plan.restore_rate, plan.maximum)
        print(f"client totals: {client.stats}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
