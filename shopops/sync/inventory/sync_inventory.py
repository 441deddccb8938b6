"""``sync-inventory`` (BC 30102 "Sync Stock to Shopify"): ERP stock per mapped location -> Shopify.

    set_shop_location(ws.engine, "DEMO", "Main warehouse", erp_location_filter="MAIN", stock_calculation="available")
    ws.run("sync-inventory", shop="DEMO")                     # or skip_import=True, variant_ids="123|456", force=True

Per run, as BC does it:

1. Unless ``skip_import``: import Shopify's levels of every location in one bulk query (the locations come
   with it, so new ones are added, calculation off). Levels of variants the mirror does not know are
   mapped on the spot by the shop's SKU mapping (barcode fallback) and added to the mirror. Shopify's
   quantities are kept per level in ``shopify_inventory_level`` (written only when they changed).
2. For each level at a location whose calculation is not off: the ERP stock of the mapped item and variant
   over the location filter (``StockCalculation``), floored, negative sent as 0. Only differences go
   (or every level with ``skip_import``). Services and non-inventory items are passed over.
3. Guardrail: more than the card's ``zero_stock_limit`` variant-locations going to zero refuses, unless
   ``force``. Then ``inventorySetQuantities`` (absolute, the location's quantity name) 250 a call with an
   idempotency key; see :mod:`shopops.sync.inventory.push` for retries and bad lines.

A rerun with nothing changed costs one bulk query (a start and a poll or two) and writes nothing.
``dry_run`` returns the planned quantities as a DataFrame and sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
from sqlalchemy import and_, delete, insert, select, update

from shopops.erp.stock import Stock
from shopops.shopify import operations
from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.bulk_read import run_bulk
from shopops.sync.context import RunContext
from shopops.sync.guardrails import check_zero_stock
from shopops.sync.inventory.locations import mapped_locations, refresh_shop_locations, upsert_locations
from shopops.sync.inventory.push import PushLine, batches, push_batch
from shopops.sync.inventory.stock_calculation import push_quantity
from shopops.sync.products.mirror import Mirror, variant_hash
from shopops.sync.products.variants import ErpIndex
from shopops.sync.registry import Param, report_spec
from shopops.sync.values import shopify_id

IL = t.shopify_inventory_level
REPORT = "sync-inventory"
COLUMNS = ["location_id", "inventory_item_id", "variant_id", "item_no", "variant_code", "name", "shopify", "erp"]
LevelKey = tuple[int, int]  # location id, inventory item id


@report_spec(
    REPORT,
    bc_id=30102,
    description="ERP stock per mapped location -> Shopify (inventorySetQuantities, absolute, 250 a call).",
    params={
        "skip_import": Param(bool, default=False, doc="push every level without importing Shopify's first"),
        "variant_ids": Param(str, default="", doc="only these Shopify variant ids, joined by |"),
        "force": Param(bool, default=False, doc="push even when the zero-stock guardrail refuses"),
    },
)
def sync_inventory(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Import Shopify's levels, compute ERP stock per mapped location, push the differences."""
    assert ctx.shop is not None
    shop, settings = ctx.shop.code, ctx.shop.settings
    mirror = Mirror.load(ctx.engine, shop)
    index = ErpIndex.load(ctx.engine)
    if params.get("skip_import"):
        if not mapped_locations(ctx.engine, shop):
            refresh_shop_locations(_WsView(ctx), shop, ctx.client)
        current = _stored_levels(ctx, mapped=True)
    else:
        current = _import_levels(ctx, mirror, index, settings)
    lines, plan = _plan(ctx, mirror, index, current, params)
    if ctx.dry_run:
        return pd.DataFrame(plan, columns=COLUMNS)
    to_zero = [
        f"{p['item_no']} {p['variant_code']}".strip() + f" @ {p['location_id']}"
        for p in plan
        if p["erp"] == 0 and (p["shopify"] or 0) > 0
    ]
    check_zero_stock(to_zero, settings.zero_stock_limit, force=bool(params.get("force")), report=REPORT)
    _push(ctx, lines)
    return None


class _WsView:
    """Just enough of a Workspace for refresh_shop_locations (engine) from a RunContext."""

    def __init__(self, ctx: RunContext) -> None:
        self.engine = ctx.engine


def _import_levels(ctx: RunContext, mirror: Mirror, index: ErpIndex, settings: Any) -> dict[LevelKey, dict[str, Any]]:
    """Bulk-read every location's levels; refresh locations, mirror and stored levels; Shopify's quantities."""
    expected = max(len(mirror.variants), 1) * 2
    result = run_bulk(ctx.client, operations.load("SyncBulkInventoryLevels"), expected_objects=expected)
    locations: list[dict[str, Any]] = []
    levels: dict[LevelKey, dict[str, Any]] = {}
    new_variants: list[dict[str, Any]] = []
    known = mirror.by_inventory_item()
    for location in result.objects(children={"InventoryLevel": "levels"}):
        locations.append(location)
        location_id = shopify_id(location["id"])
        for level in location.get("levels") or []:
            item = level.get("item") or {}
            inventory_item_id = shopify_id(item.get("id"))
            if location_id is None or inventory_item_id is None:
                continue
            quantities = {q["name"]: int(q["quantity"]) for q in level.get("quantities") or []}
            variant = item.get("variant") or {}
            levels[(location_id, inventory_item_id)] = {**quantities, "variant_id": shopify_id(variant.get("id"))}
            ctx.stats["read"] += 1
            if inventory_item_id not in known and variant.get("id"):
                new_variants.append(_variant_from_level(variant, inventory_item_id, index, settings))
                known[inventory_item_id] = new_variants[-1]
    if not ctx.dry_run:
        upsert_locations(ctx.engine, ctx.shop.code if ctx.shop else "", locations)
    ctx.stats["variants_added"] += mirror.add_variants(new_variants, dry_run=ctx.dry_run)
    _store_levels(ctx, levels)
    return levels


def _variant_from_level(
    variant: dict[str, Any], inventory_item_id: int, index: ErpIndex, settings: Any
) -> dict[str, Any]:
    values = {
        "id": shopify_id(variant["id"]),
        "product_id": shopify_id((variant.get("product") or {}).get("id")) or 0,
        "title": str(variant.get("title") or "")[:255],
        "sku": str(variant.get("sku") or "")[:255],
        "barcode": str(variant.get("barcode") or "")[:255],
        "price": None,
        "compare_at_price": None,
        "inventory_item_id": inventory_item_id,
    }
    found = index.map_variant(str(values["sku"]), str(values["barcode"]), settings)
    return {
        **values,
        "hash": variant_hash(values),
        "item_no": found[0] if found else None,
        "variant_code": found[1] if found else "",
    }


def _quantity_names(ctx: RunContext) -> dict[int, str]:
    return {
        location_id: name for location_id, name, _ in mapped_locations(ctx.engine, ctx.shop.code if ctx.shop else "")
    }


def _stored_levels(ctx: RunContext, *, mapped: bool) -> dict[LevelKey, dict[str, Any]]:
    """The levels as last imported or pushed (for skip_import), keyed like the import's."""
    names = _quantity_names(ctx)
    out: dict[LevelKey, dict[str, Any]] = {}
    with ctx.engine.connect() as conn:
        for r in conn.execute(select(IL).where(IL.c.shop_code == (ctx.shop.code if ctx.shop else ""))):
            if mapped and r.location_id not in names:
                continue
            out[(r.location_id, r.inventory_item_id)] = {
                names.get(r.location_id, "available"): r.shopify_quantity,
                "variant_id": r.variant_id,
            }
    return out


def _store_levels(ctx: RunContext, levels: dict[LevelKey, dict[str, Any]]) -> None:
    """Keep Shopify's quantity of each level at a mapped location; write only what changed, drop what is gone."""
    if ctx.dry_run:
        return
    names = _quantity_names(ctx)
    shop = ctx.shop.code if ctx.shop else ""
    stored = {key: row for key, row in _stored_rows(ctx, shop).items()}
    inserts, updates = [], []
    for key, level in levels.items():
        if key[0] not in names:
            continue
        quantity = level.get(names[key[0]])
        old = stored.pop(key, None)
        if old is None:
            inserts.append(
                {
                    "shop_code": shop,
                    "location_id": key[0],
                    "inventory_item_id": key[1],
                    "variant_id": level.get("variant_id"),
                    "shopify_quantity": quantity,
                    "updated_at": utcnow(),
                }
            )
        elif old != quantity:
            updates.append((key, quantity))
    gone = [key for key in stored]
    _write_levels(ctx, shop, inserts, updates, gone)


def _stored_rows(ctx: RunContext, shop: str) -> dict[LevelKey, int | None]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(IL.c.location_id, IL.c.inventory_item_id, IL.c.shopify_quantity).where(IL.c.shop_code == shop)
        )
        return {(r[0], r[1]): r[2] for r in rows}


def _write_levels(
    ctx: RunContext,
    shop: str,
    inserts: list[dict[str, Any]],
    updates: list[tuple[LevelKey, int | None]],
    gone: list[LevelKey],
    *,
    erp: bool = False,
) -> None:
    if not (inserts or updates or gone):
        return
    now = utcnow()
    with ctx.engine.begin() as conn:
        if inserts:
            conn.execute(insert(IL), inserts)
        for (location_id, item_id), quantity in updates:
            key = and_(IL.c.shop_code == shop, IL.c.location_id == location_id, IL.c.inventory_item_id == item_id)
            values: dict[str, Any] = {"shopify_quantity": quantity, "updated_at": now}
            if erp:
                values["erp_quantity"] = quantity
            conn.execute(update(IL).where(key).values(**values))
        for location_id, item_id in gone:
            key = and_(IL.c.shop_code == shop, IL.c.location_id == location_id, IL.c.inventory_item_id == item_id)
            conn.execute(delete(IL).where(key))


def _plan(
    ctx: RunContext, mirror: Mirror, index: ErpIndex, current: dict[LevelKey, dict[str, Any]], params: dict[str, Any]
) -> tuple[dict[str, list[PushLine]], list[dict[str, Any]]]:
    """The lines to push per quantity name, and the plan as rows (for dry_run and the guardrail)."""
    skip_import = bool(params.get("skip_import"))
    wanted = {int(v) for v in str(params.get("variant_ids") or "").split("|") if v.strip().isdigit()}
    locations = mapped_locations(ctx.engine, ctx.shop.code if ctx.shop else "")
    levels = Stock(ctx.engine).levels() if locations else None
    by_item = mirror.by_inventory_item()
    lines: dict[str, list[PushLine]] = defaultdict(list)
    plan: list[dict[str, Any]] = []
    for location_id, name, calc in locations:
        stock = calc.stock(levels)
        for (loc, inventory_item_id), level in current.items():
            if loc != location_id:
                continue
            variant = by_item.get(inventory_item_id)
            if variant is None or not variant.get("item_no"):
                ctx.stats["unmapped"] += 1
                continue
            if wanted and variant["id"] not in wanted:
                continue
            item = index.items.get(variant["item_no"])
            if item is None or not item.keeps_stock:
                ctx.stats["not_inventory"] += 1
                continue
            quantity = push_quantity(stock.get((variant["item_no"], variant.get("variant_code") or ""), 0))
            shopify = level.get(name)
            if not skip_import and shopify == quantity:
                ctx.stats["unchanged"] += 1
                continue
            change_from = None if skip_import else shopify
            label = f"{variant['item_no']} {variant.get('variant_code') or ''}".strip()
            lines[name].append(PushLine(inventory_item_id, location_id, quantity, change_from, label))
            plan.append(
                {
                    "location_id": location_id,
                    "inventory_item_id": inventory_item_id,
                    "variant_id": variant["id"],
                    "item_no": variant["item_no"],
                    "variant_code": variant.get("variant_code") or "",
                    "name": name,
                    "shopify": shopify,
                    "erp": quantity,
                }
            )
    return lines, plan


def _push(ctx: RunContext, lines: dict[str, list[PushLine]]) -> None:
    """Send the lines in batches of 250; record what was set; log refused lines as skipped."""
    shop = ctx.shop.code if ctx.shop else ""
    total = sum(len(v) for v in lines.values())
    done = 0
    reference = f"gid://shopops/SyncInventory/{shop}"
    for name, name_lines in lines.items():
        for batch in batches(name_lines):
            result = push_batch(ctx.client, name, batch, reference=reference)
            ctx.stats["updated"] += len(result.done)
            ctx.stats["retries"] += result.retries
            for line, message in result.failed:
                ctx.stats["failed"] += 1
                ctx.skip("inventory_level", f"{line.label} @ {line.location_id}", message)
            updates: list[tuple[LevelKey, int | None]] = [
                ((line.location_id, line.inventory_item_id), line.quantity) for line in result.done
            ]
            _write_levels(ctx, shop, [], updates, [], erp=True)
            done += len(batch)
            ctx.progress(done, total, f"{name}: {done}/{total} quantities")
