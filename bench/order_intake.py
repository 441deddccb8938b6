"""Order intake: sync-orders' read paths side by side, and a bulk read of a big backlog (used by
``order_to_cash.py``; runnable alone).

    python bench/order_intake.py                         # 200-order increments, 50,000-order backlog, kill -9
    python bench/order_intake.py --backlog 5000 --kill-orders 2000   # quicker

Each sync-orders runs as its own process (``shopops run sync-orders --foreground``) on a fresh SQLite
database against a sandbox served from this process, so that its peak RSS (VmHWM, sampled every 50 ms)
is its own and a ``kill -9`` hits only it. Printed per run: orders, seconds, orders/s, actual and
requested API points an order, calls, the path taken and the bulk operations. Benchmarks print figures
and ratios; they never pass or fail.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import shopops
from shopops.sandbox import Sandbox
from shopops.sandbox.engine.throttle import PLANS, Plan
from shopops.store import tables as t
from shopops.sync.orders import mirror

SHOP = "BENCH"
TOKEN_ENV = "SHOPOPS_BENCH_TOKEN"
POINTS_GOAL = 15.0
SPEED_GOAL = 6.0
BACKLOG_SECONDS_GOAL = 600.0
RSS_GOAL_MB = 300.0
#: Orders of the backlog read again in batches to compare the mirror's content.
SAMPLE = 2_000


def open_shop(url: str, box: Any) -> None:
    ws = shopops.open(url)
    try:
        ws.shops.add(SHOP, url=box.url, token_env=TOKEN_ENV, allow_background_sync=False)
    finally:
        ws.close()


def command(url: str, path: str, params: dict[str, str] | None = None) -> list[str]:
    out = [sys.executable, "-m", "shopops", "--db", url, "run", "sync-orders", "--shop", SHOP, "--foreground"]
    for name, value in {**({"read_path": path} if path != "auto" else {}), **(params or {})}.items():
        out += ["-p", name, value]
    return out


def last_run(url: str) -> dict[str, Any]:
    """Stats of the newest sync-orders log entry (counts, notes, the client's API figures)."""
    ws = shopops.open(url)
    try:
        log = t.job_queue_log_entry
        with ws.engine.connect() as conn:
            row = conn.execute(
                sa.select(log.c.stats, log.c.error_message)
                .where(log.c.report == "sync-orders")
                .order_by(log.c.id.desc())
            ).first()
        if row is None:
            return {}
        stats = dict(row.stats or {})
        stats["error"] = row.error_message
        stats["checksum"] = mirror.checksum(ws.engine, SHOP)
        with ws.engine.connect() as conn:
            stats["mirror_orders"] = conn.execute(
                sa.select(sa.func.count()).select_from(t.shopify_order).where(t.shopify_order.c.shop_code == SHOP)
            ).scalar_one()
        return stats
    finally:
        ws.close()


def run(url: str, token: str, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    """One sync-orders in a child process: its seconds, peak RSS and logged stats."""
    env = {**os.environ, TOKEN_ENV: token, "SHOPOPS_PLUGINS": ""}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(command(url, path, params), env=env, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while proc.poll() is None:  # the child's own high-water mark (a forked child's ru_maxrss counts ours)
            peak = max(peak, high_water_kb(proc.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        errors.seek(0)
        error = errors.read().decode()[-500:] if proc.returncode else ""
    stats = last_run(url)
    stats.update(seconds=seconds, rss_mb=peak / 1024, exit=proc.returncode, stderr=error)
    return stats


def high_water_kb(pid: int) -> int:
    """Peak resident memory of a running process (VmHWM), in kB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for text in status:
                if text.startswith("VmHWM:"):
                    return int(text.split()[1])
    except OSError:
        pass
    return 0


def line(name: str, r: dict[str, Any]) -> str:
    api = r.get("api") or {}
    n = max(1, int(r.get("created", 0)) + int(r.get("updated", 0)) + int(r.get("unchanged", 0)))
    return (
        f"   {name:<11} {n:>6} orders {r['seconds']:>7.1f}s {n / r['seconds']:>7.1f} orders/s "
        f"{api.get('actual_cost', 0) / n:>7.2f} pts/order actual {api.get('requested_cost', 0) / n:>7.1f} requested "
        f"{api.get('calls', 0):>6} calls  path {r.get('read_path')}  RSS {r['rss_mb']:.0f} MB"
        + (f"  ERROR {r.get('error') or r.get('stderr')}" if r.get("error") or r.get("exit") else "")
    )


def increments(work: Path, orders: int, plan: str) -> None:
    """The same open orders read by each path, each on its own bucket (a fresh token)."""
    print(f"== increments: {orders} orders (1-4 lines, a fulfillment order, a payment) on a {plan} plan")
    with Sandbox(seed={"orders": orders, "customers": 40}, plan=plan) as box:
        results: dict[str, dict[str, Any]] = {}
        for path in ("per_order", "batched", "auto"):
            url = f"sqlite:///{work}/increments-{path}.db"
            open_shop(url, box)
            results[path] = run(url, box.shop.add_token(), path)
            print(line(path, results[path]), flush=True)
        base, auto = results["per_order"], results["auto"]
        n = max(1, int(auto.get("created", 0)))
        spent = {k: float((r.get("api") or {}).get("actual_cost", 0)) for k, r in results.items()}
        points, speed = spent["auto"] / n, n / auto["seconds"]
        print(
            f"   auto vs per_order: {base['seconds'] / auto['seconds']:.1f}x faster, "
            f"{spent['per_order'] / max(1.0, spent['auto']):.0f}x fewer points; {points:.2f} points/order "
            f"(goal <= {POINTS_GOAL:g}: ratio {POINTS_GOAL / max(points, 0.01):.1f}), {speed:.1f} orders/s "
            f"(goal >= {SPEED_GOAL:g}: ratio {speed / SPEED_GOAL:.1f})"
        )
        same = len({r["checksum"] for r in results.values()}) == 1
        print(f"   mirror checksums equal on all three paths: {same}")


def backlog(work: Path, orders: int, plan: str) -> None:
    """A big backlog read in bulk, then the same orders read in batches on an unthrottled token (content)."""
    print(f"== backlog: ~{orders} open orders on a {plan} plan, read through bulk")
    t0 = time.perf_counter()
    with Sandbox(seed={"orders": int(orders * 1.26), "customers": 400}, plan=plan) as box:
        open_count = sum(1 for o in box.state.table("Order").values() if not o.get("closed"))
        print(f"   seeded {open_count} open orders in {time.perf_counter() - t0:.0f}s", flush=True)
        url = f"sqlite:///{work}/backlog-bulk.db"
        open_shop(url, box)
        bulk = run(url, box.shop.add_token(), "bulk")
        print(line("bulk", bulk))
        print(
            f"   wall {bulk['seconds']:.0f}s (goal < {BACKLOG_SECONDS_GOAL:.0f}s: ratio "
            f"{BACKLOG_SECONDS_GOAL / bulk['seconds']:.2f}); peak RSS {bulk['rss_mb']:.0f} MB "
            f"(goal <= {RSS_GOAL_MB:.0f}: ratio {RSS_GOAL_MB / bulk['rss_mb']:.2f}); "
            f"{bulk.get('bulk_windows')} windows, {bulk.get('bulk_objects')} objects"
        )
        print(f"   operations: {bulk.get('bulk_operations')}")
        if bulk.get("bulk_refund_lines"):
            print(f"   refund lines: {bulk['bulk_refund_lines']}")
        box.shop.set_plan(Plan("unthrottled", 1e9, 1e9))  # the content check is about rows, not speed
        sample = content_sample(url, SAMPLE)
        check = f"sqlite:///{work}/backlog-batched.db"
        open_shop(check, box)
        names = ",".join(sample.values())
        batched = run(check, box.shop.add_token(), "batched", {"order_no": names, "page_size": "250"})
        same = checksum(url, sample) == checksum(check, sample)
        print(
            f"   the same {len(sample)} orders (a random sample) read again in batches: mirror checksum equal: {same} "
            f"(batched run: {batched['seconds']:.0f}s unthrottled, content check only)"
        )


def content_sample(url: str, size: int) -> dict[int, str]:
    """A random sample of the mirror's orders: id -> order name."""
    ws = shopops.open(url)
    try:
        with ws.engine.connect() as conn:
            rows = conn.execute(sa.select(t.shopify_order.c.id, t.shopify_order.c.order_no)).all()
    finally:
        ws.close()
    picked = random.Random(7).sample(rows, min(size, len(rows)))
    return {int(r.id): str(r.order_no) for r in picked}


def checksum(url: str, orders: dict[int, str]) -> str:
    ws = shopops.open(url)
    try:
        return mirror.checksum(ws.engine, SHOP, orders)
    finally:
        ws.close()


def kill_and_resume(work: Path, orders: int, plan: str) -> None:
    """kill -9 while the bulk read writes its orders; the rerun resumes the saved operations."""
    print(f"== kill -9 in the middle of a bulk read of ~{orders} orders, then a rerun")
    with Sandbox(seed={"orders": int(orders * 1.26), "customers": 200}, plan=plan) as box:
        expected = sum(1 for o in box.state.table("Order").values() if not o.get("closed"))
        url = f"sqlite:///{work}/kill.db"
        open_shop(url, box)
        token = box.shop.add_token()
        env = {**os.environ, TOKEN_ENV: token, "SHOPOPS_PLUGINS": ""}
        proc = subprocess.Popen(command(url, "bulk"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ws = shopops.open(url)
        written = 0
        try:
            while proc.poll() is None and written < expected // 3:
                time.sleep(0.2)
                with ws.engine.connect() as conn:
                    written = conn.execute(sa.select(sa.func.count()).select_from(t.shopify_order)).scalar_one()
            with ws.engine.connect() as conn:
                saved = conn.execute(sa.select(t.bulk_read_window.c.operation_id)).scalars().all()
        finally:
            ws.close()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        ws = shopops.open(url)
        try:
            with ws.engine.connect() as conn:  # what the killed run had committed
                written = conn.execute(sa.select(sa.func.count()).select_from(t.shopify_order)).scalar_one()
        finally:
            ws.close()
        operations_before = len(box.state.table("BulkOperation"))
        print(
            f"   killed with {written} of {expected} orders written; saved operations: {', '.join(filter(None, saved))}"
        )
        rerun = run(url, token, "auto")
        started = len(box.state.table("BulkOperation")) - operations_before
        print(line("rerun", rerun))
        print(
            f"   resumed: {rerun.get('bulk_resumed')}; bulk queries started by the rerun: {started}; "
            f"created {rerun.get('created', 0)} + unchanged {rerun.get('unchanged', 0)}; "
            f"mirror holds {rerun['mirror_orders']} of {expected} orders "
            f"(each once: {rerun['mirror_orders'] == expected and written + rerun.get('created', 0) == expected})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--increments", type=int, default=250, help="orders seeded for the increment runs (~200 open)")
    parser.add_argument("--backlog", type=int, default=50_000, help="open orders of the backlog read in bulk")
    parser.add_argument("--kill-orders", type=int, default=10_000, help="open orders of the kill -9 run")
    parser.add_argument("--plan", default="standard", choices=sorted(PLANS))
    parser.add_argument("--skip", nargs="*", default=[], choices=["increments", "backlog", "kill"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="shopops-intake-"))
    if "increments" not in args.skip:
        increments(work, args.increments, args.plan)
    if "backlog" not in args.skip:
        backlog(work, args.backlog, args.plan)
    if "kill" not in args.skip:
        kill_and_resume(work, args.kill_orders, args.plan)
    print(f"   databases kept in {work}")


if __name__ == "__main__":
    main()
