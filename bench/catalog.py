"""Catalog syncs on a standard-plan sandbox: the inventory push and the product export, with quiet reruns.

    python bench/catalog.py                                  # 50k item-locations, 5k products x 4 variants
    python bench/catalog.py --variants 4000 --products 500   # a quick look

Inventory: a shop whose variants are stocked at both of its locations is imported (sync-products, items
auto-created), both locations are mapped to ERP location MAIN (on hand, which is empty), and sync-inventory
pushes every level that differs. Printed: levels, quantities pushed, API calls against the goal of
ceil(pushed / 250) pushes plus the bulk read, and wall time against the theoretical minimum under the plan
(points spent beyond the initial bucket / restore rate; with the bucket taken as empty at the start too,
since a shop synced every 15 minutes rarely starts full). Then the quiet reruns of sync-inventory and of
the import: API calls and rows written.

Products: items with 4 variants each and a price list are exported (sync-products, to Shopify): calls,
points, wall time against the plan's minimum; then a quiet rerun (no call is the goal).
Benchmarks print figures; they never pass or fail.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

import shopops
from shopops.sandbox import Sandbox
from shopops.store import tables as t
from shopops.sync.inventory.locations import refresh_shop_locations, set_shop_location

RESTORE, BUCKET = 100.0, 2000.0  # the standard plan


def written(ws: Any) -> tuple[Any, ...]:
    """Row counts and newest updated_at of the catalog tables (equal before/after = nothing written)."""
    with ws.engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count(), sa.func.max(tb.c.updated_at))).one()
            for tb in (t.shopify_product, t.shopify_variant, t.shopify_inventory_level, t.sync_cursor)
        )


def minimum_s(points: float) -> tuple[float, float]:
    """Seconds the plan needs for ``points``: with a full bucket at the start, and with an empty one."""
    return max(0.0, points - BUCKET) / RESTORE, points / RESTORE


def ratio(wall: float, minimum: float) -> str:
    return f"{wall / minimum:.2f}" if minimum > 0 else "n/a (within the bucket)"


def bench_inventory(variants: int) -> None:
    seed = {"locations": 2, "products": max(1, variants // 4), "variants": variants, "customers": 0, "orders": 0}
    with tempfile.TemporaryDirectory() as tmp, Sandbox(seed=seed, plan="standard") as box:
        os.environ["BENCH_TOKEN"] = box.token
        ws = shopops.open(f"sqlite:///{tmp}/bench.db")
        ws.shops.add(
            "B",
            url=box.url,
            token_env="BENCH_TOKEN",
            allow_background_sync=False,
            sync_item="from_shopify",
            auto_create_unknown_items=True,
            zero_stock_limit=10**7,
        )
        ws.erp.locations.add("MAIN", name="Main")
        started = time.monotonic()
        imported = ws.run("sync-products", shop="B")
        print(f"setup import: {imported} ({time.monotonic() - started:.0f}s)")
        for row in refresh_shop_locations(ws, "B").itertuples():
            set_shop_location(
                ws.engine,
                "B",
                int(row.location_id),
                erp_location_filter="MAIN",
                stock_calculation="on_hand",
                quantity_name="on_hand",
            )
        levels = len(box.state.table("InventoryLevel"))
        push = ws.run("sync-inventory", shop="B", force=True)
        api = push.stats["api"]
        pushed = push.stats.get("updated", 0)
        goal = math.ceil(pushed / 250)
        full, empty = minimum_s(api["requested_cost"])
        print(f"inventory push: {levels} item-locations, {pushed} quantities pushed, {push.duration_s:.1f}s wall")
        print(
            f"  API calls {api['calls']} (goal {goal} pushes + the bulk read: start and polls), "
            f"points {api['requested_cost']:.0f} requested / {api['actual_cost']:.0f} actual, "
            f"throttle waits {api['throttle_waits']} ({api['throttle_wait_seconds']:.1f}s)"
        )
        print(
            f"  plan minimum {full:.1f}s with a full bucket -> ratio {ratio(push.duration_s, full)}; "
            f"{empty:.1f}s from an empty bucket -> ratio {ratio(push.duration_s, empty)}"
        )
        for name, card in (("sync-inventory", {}), ("sync-products", {"sync_item": "from_shopify"})):
            ws.shops.set("B", **card)
            before = written(ws)
            rerun = ws.run(name, shop="B")
            same = "nothing written" if written(ws) == before else "ROWS WRITTEN"
            print(
                f"quiet rerun {name} on {variants} variants: {rerun.stats.get('api', {}).get('calls', 0)} "
                f"API calls, {rerun.duration_s:.1f}s, {same}"
            )
        ws.close()


def bench_products(products: int, per_product: int = 4) -> None:
    with tempfile.TemporaryDirectory() as tmp, Sandbox(seed="empty", plan="standard") as box:
        os.environ["BENCH_TOKEN"] = box.token
        ws = shopops.open(f"sqlite:///{tmp}/bench.db")
        ws.shops.add(
            "P",
            url=box.url,
            token_env="BENCH_TOKEN",
            allow_background_sync=False,
            sync_item="to_shopify",
            sku_mapping="item_no_variant_code",
        )
        with ws.engine.begin() as conn:
            for p in range(products):
                no = f"IT{p:06d}"
                ws.erp.items.add(no, description=f"Item {p}", unit_price=Decimal("19.95"), conn=conn)
                for v in range(per_product):
                    ws.erp.items.add_variant(no, f"V{v}", f"Size {v}", conn=conn)
        export = ws.run("sync-products", shop="P")
        api = export.stats["api"]
        full, empty = minimum_s(api["requested_cost"])
        print(
            f"product export: {products} products x {per_product} variants, {export.stats.get('created', 0)} "
            f"created, {export.duration_s:.1f}s wall, {api['calls']} API calls (goal {products}), "
            f"points {api['requested_cost']:.0f}, throttle waits {api['throttle_waits']}"
        )
        print(
            f"  plan minimum {full:.1f}s with a full bucket -> ratio {ratio(export.duration_s, full)}; "
            f"{empty:.1f}s from an empty bucket -> ratio {ratio(export.duration_s, empty)}"
        )
        rerun = ws.run("sync-products", shop="P")
        print(
            f"quiet rerun sync-products (to Shopify): {rerun.stats.get('api', {}).get('calls', 0)} API calls, "
            f"{rerun.duration_s:.1f}s, unchanged {rerun.stats.get('unchanged', 0)}"
        )
        ws.close()


def bench_quiet_reruns(variants: int, customers: int = 2_000) -> None:
    """The reports this script does not time, on a roomy custom plan: only the rerun's call count matters."""
    seed = {"locations": 2, "products": max(1, variants // 4), "variants": variants, "customers": customers}
    seed["orders"] = 0
    with tempfile.TemporaryDirectory() as tmp, Sandbox(seed=seed, plan=(50_000.0, 100_000.0)) as box:
        os.environ["BENCH_TOKEN"] = box.token
        ws = shopops.open(f"sqlite:///{tmp}/bench.db")
        ws.shops.add(
            "Q",
            url=box.url,
            token_env="BENCH_TOKEN",
            allow_background_sync=False,
            sync_item="from_shopify",
            auto_create_unknown_items=True,
            customer_import="all",
            auto_create_unknown_customers=True,
        )
        # the seed's images live on a made-up CDN this machine cannot reach: a shop without images here, so
        # that the first image import is a read of every product and not thousands of failing downloads
        for product in box.state.table("Product").values():
            product["mediaIds"] = []
        imported = ws.run("sync-products", shop="Q")
        print(f"quiet-rerun shop: {variants} variants, {customers} customers; setup import {imported.duration_s:.0f}s")
        cases = (
            ("sync-images (from Shopify)", "sync-images", {"sync_item_images": "from_shopify"}),
            ("sync-images (to Shopify)", "sync-images", {"sync_item_images": "to_shopify"}),
            ("sync-customers (import all)", "sync-customers", {}),
        )
        for label, report, card in cases:
            ws.shops.set("Q", **card)
            first = ws.run(report, shop="Q")
            before = (written(ws), ws.erp.customers.frame().shape, len(ws.erp.items.frame()))
            rerun = ws.run(report, shop="Q")
            after = (written(ws), ws.erp.customers.frame().shape, len(ws.erp.items.frame()))
            print(
                f"quiet rerun {label}: {rerun.stats.get('api', {}).get('calls', 0)} API calls "
                f"(first run {first.stats.get('api', {}).get('calls', 0)}, {first.duration_s:.0f}s), "
                f"{'nothing written' if after == before else 'ROWS WRITTEN'}"
            )
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=33_400, help="about 1.5 levels each: ~50k item-locations")
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--quiet-variants", type=int, default=20_000, help="shop for the other quiet reruns")
    args = parser.parse_args()
    if args.quiet_variants:
        bench_quiet_reruns(args.quiet_variants)
    if args.variants:
        bench_inventory(args.variants)
    if args.products:
        bench_products(args.products)


if __name__ == "__main__":
    main()
