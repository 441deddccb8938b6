"""``sync-products`` (BC 30108 "Shopify Sync Products"): items <-> products and variants, prices, by hash.

    ws.shops.set("DEMO", sync_item="to_shopify", can_update_shopify_products=True)
    ws.run("sync-products", shop="DEMO")                      # only_prices=True, items="1000|1001", force=True

The direction is the shop card's ``sync_item``:

* ``to_shopify`` (:mod:`shopops.sync.products.exporting`): every item is built into the product Shopify should
  show and hashed; unchanged items cost nothing, changed ones go as one ``productSet`` each, new ones are
  created, blocked ones archived or set to draft. Updating existing products needs
  ``can_update_shopify_products``; without it (or with ``only_prices``) only changed prices go, through
  ``productVariantsBulkUpdate``: one call per product, or, from ``BULK_PRICE_THRESHOLD`` changed variant
  prices in a run on, all of them as one bulk mutation (see :func:`_send_prices_bulk`). When items are not
  mapped yet, Shopify's catalog is read once (bulk) and matched by SKU and barcode first, so an existing
  product is never created twice. Prices come from :mod:`shopops.sync.products.prices`: the price list, turned
  into gross or net prices as the card's ``prices_including_tax`` says with the ERP's tax rates
  (``tax_business_group`` on the card x the item's ``tax_group_code``); an item whose price needs a rate
  that is not set up is skipped with what to set up. The same prices go by every path (``productSet``, one
  call per product, or the bulk mutation), and since the hash is taken over them, a changed rate is a
  changed price on the next run.
* ``from_shopify`` (:mod:`shopops.sync.products.importing`): products changed since the cursor, echo
  suppression, items auto-created from the template.

Guardrail: a price moving by more than the card's ``price_change_limit_pct`` refuses the whole push with
the list, unless ``force``. ``dry_run`` returns the plan as a DataFrame and sends nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from shopops.shopify import operations
from shopops.store.types import utcnow
from shopops.sync.bulk_read import run_bulk
from shopops.sync.context import RunContext
from shopops.sync.guardrails import check_price_changes
from shopops.sync.mutations import execute_mutation
from shopops.sync.products.exporting import PlannedProduct, plan_products, saved_rows
from shopops.sync.products.importing import changed_products, create_items, not_echo, update_items
from shopops.sync.products.mirror import Mirror
from shopops.sync.products.prices import PriceList
from shopops.sync.products.variants import ErpIndex
from shopops.sync.registry import Param, report_spec
from shopops.sync.state import get_cursor, set_cursor
from shopops.sync.values import amount

REPORT = "sync-products"
CURSOR = "products"
COLUMNS = ["item_no", "action", "product_id", "variants", "reason"]
#: From this many changed variant prices in one run on, price updates go as one bulk mutation
#: (staged JSONL + ``bulkOperationRunMutation``: a handful of calls instead of one per product).
BULK_PRICE_THRESHOLD = 100


@report_spec(
    REPORT,
    bc_id=30108,
    description="Items <-> Shopify products and variants, prices from the price list, change detection by hash.",
    params={
        "only_prices": Param(bool, default=False, doc="send changed prices only (BC's Only Sync Price)"),
        "items": Param(str, default="", doc="only these item nos., joined by |"),
        "force": Param(bool, default=False, doc="push even when the price guardrail refuses"),
    },
)
def sync_products(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Export or import products, as the shop card's sync_item says."""
    assert ctx.shop is not None
    direction = ctx.shop.settings.sync_item
    if direction == "to_shopify" or params.get("only_prices"):
        return export_products(ctx, params)
    if direction == "from_shopify":
        return import_products(ctx)
    ctx.log.info("sync_item is blank on shop %s: products only come with orders; nothing to do", ctx.shop.code)
    ctx.stats["nothing_to_do"] = 1
    return None


# --- to Shopify ----------------------------------------------------------------------------------------


def export_products(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Plan every item, check the guardrail, then send what changed."""
    assert ctx.shop is not None
    settings = ctx.shop.settings
    index = ErpIndex.load(ctx.engine)
    mirror = Mirror.load(ctx.engine, ctx.shop.code)
    items = {i.strip().upper() for i in str(params.get("items") or "").split("|") if i.strip()} or None
    mapped = set(mirror.product_of_item())
    if any(no not in mapped and not it.blocked and (not items or no in items) for no, it in index.items.items()):
        result = run_bulk(ctx.client, operations.load("SyncBulkCatalog"), expected_objects=len(mirror.variants) * 2)
        ctx.stats.update(mirror.apply(result.objects(children={"ProductVariant": "variants"}), index, settings))
    prices = PriceList.load(ctx.engine, settings)
    only_prices = bool(params.get("only_prices"))
    plan = list(plan_products(index, mirror, prices, settings, only_prices=only_prices, items=items))
    moves = [
        (f"{p.item_no} {v.variant_code}".strip(), v.old_price, v.price)
        for p in plan
        if p.action in ("update", "prices")
        for v in p.variants
        if v.price is not None and v.old_price is not None and v.price != v.old_price
    ]
    if ctx.dry_run:
        rows = [[p.item_no, p.action, p.product_id, len(p.variants), p.reason] for p in plan]
        return pd.DataFrame(rows, columns=COLUMNS)
    check_price_changes(moves, settings.price_change_limit_pct, force=bool(params.get("force")), report=REPORT)
    work = [p for p in plan if p.action not in ("unchanged", "skip")]
    for p in plan:
        if p.action == "unchanged":
            ctx.stats["unchanged"] += 1
        elif p.action == "skip":
            ctx.skip("item", p.item_no, p.reason)
    price_only = [p for p in work if p.action == "prices"]
    if sum(len(p.variants) for p in price_only) >= BULK_PRICE_THRESHOLD:
        _send_prices_bulk(ctx, mirror, price_only)
        work = [p for p in work if p.action != "prices"]
    for done, planned in enumerate(work, start=1):
        _send(ctx, mirror, planned)
        ctx.progress(done, len(work), f"{planned.action} {planned.item_no}")
    return None


def _price_variables(planned: PlannedProduct) -> dict[str, Any]:
    """``productVariantsBulkUpdate`` variables for a price-only product (same for one call or a bulk line)."""
    variants = [
        {
            "id": f"gid://shopify/ProductVariant/{v.shopify_id}",
            "price": v.input.get("price"),
            "compareAtPrice": v.input.get("compareAtPrice"),
        }
        for v in planned.variants
    ]
    return {"productId": f"gid://shopify/Product/{planned.product_id}", "variants": variants}


def _send_prices_bulk(ctx: RunContext, mirror: Mirror, planned: list[PlannedProduct]) -> None:
    """Many price-only products as one bulk mutation; each result line marks or remembers its product.

    The result file has one line per input line (``__lineNumber`` is the 0-based input line). A line with
    userErrors or GraphQL errors skips that product with the reason; the others are remembered in the
    mirror exactly as after a single call, so a rerun sends nothing. If the bulk operation itself fails,
    nothing is remembered and the run fails: resending the same prices next time is harmless.
    """
    lines = [_price_variables(p) for p in planned]
    ctx.log.info("sending %d price-only products as one bulk mutation", len(lines))
    result = ctx.client.bulk.run_mutation(operations.load("ProductVariantsBulkUpdate"), lines)
    ctx.stats["bulk_mutations"] += 1
    answered: dict[int, dict[str, Any]] = {}
    for record in result.lines():
        number = record.get("__lineNumber")
        if isinstance(number, int) and 0 <= number < len(planned):
            answered[number] = record
    for number, product in enumerate(planned):
        record = answered.get(number)
        ctx.progress(number + 1, len(planned), f"prices {product.item_no}")
        if record is None:
            _refused(ctx, mirror, product, "the bulk mutation returned no result for this product")
            continue
        payload = (record.get("data") or {}).get("productVariantsBulkUpdate") or {}
        if record.get("errors") or not payload:
            errors = record.get("errors") or [{"message": "no payload"}]
            _refused(ctx, mirror, product, "; ".join(str(e.get("message")) for e in errors))
            continue
        _record(ctx, mirror, product, payload)


def _send(ctx: RunContext, mirror: Mirror, planned: PlannedProduct) -> None:
    """One product: productSet, a status change, or a price update; a userError marks that product only."""
    if planned.action == "status":
        data = execute_mutation(
            ctx.client, operations.load("ProductUpdate"), {"product": planned.input}, user_errors="return"
        )
        payload = data["productUpdate"]
    elif planned.action == "prices":
        data = execute_mutation(
            ctx.client, operations.load("ProductVariantsBulkUpdate"), _price_variables(planned), user_errors="return"
        )
        payload = data["productVariantsBulkUpdate"]
    else:
        variables: dict[str, Any] = {"input": planned.input}
        if planned.product_id:
            variables["identifier"] = {"id": f"gid://shopify/Product/{planned.product_id}"}
        data = execute_mutation(ctx.client, operations.load("SyncProductSet"), variables, user_errors="return")
        payload = data["productSet"]
    _record(ctx, mirror, planned, payload)


def _record(ctx: RunContext, mirror: Mirror, planned: PlannedProduct, payload: dict[str, Any]) -> None:
    """A mutation payload for one product: its userErrors skip it, else what was sent is remembered."""
    errors = payload.get("userErrors") or []
    if errors:
        _refused(ctx, mirror, planned, "; ".join(f"{e.get('code') or ''} {e.get('message')}".strip() for e in errors))
        return
    _remember(ctx, mirror, planned, payload)


def _refused(ctx: RunContext, mirror: Mirror, planned: PlannedProduct, message: str) -> None:
    """Skip one product with Shopify's reason and flag it in the mirror (its hash stays, so it is retried)."""
    ctx.stats["failed"] += 1
    ctx.skip("item", planned.item_no, f"Shopify refused the {planned.action}: {message}")
    if planned.product_id:
        row = {"id": planned.product_id, "has_error": True, "error_message": message[:500]}
        mirror._write([("product", row)], dry_run=False)


def _remember(ctx: RunContext, mirror: Mirror, planned: PlannedProduct, payload: dict[str, Any]) -> None:
    """Store what was sent, so that the next run sees no change and the import sees its own echo."""
    if planned.action == "status":
        row = {"id": planned.product_id, "status": planned.input["status"], "last_updated_by_erp_at": utcnow()}
        mirror._write([("product", row)], dry_run=False)
        ctx.stats["updated"] += 1
    elif planned.action == "prices":
        rows = []
        for v in planned.variants:
            old = mirror.variants.get(v.shopify_id or 0)
            if old is not None:
                rows.append(
                    (
                        "variant",
                        {
                            **old,
                            "price": amount(v.input.get("price")),
                            "compare_at_price": amount(v.input.get("compareAtPrice")),
                        },
                    )
                )
        mirror._write(rows, dry_run=False)
        ctx.stats["prices_updated"] += len(rows)
    else:
        product, variants = saved_rows(planned, payload["product"])
        mirror.save_product(product, variants)
        ctx.stats["created" if planned.action == "create" else "updated"] += 1


# --- from Shopify --------------------------------------------------------------------------------------


def import_products(ctx: RunContext) -> pd.DataFrame | None:
    """Products changed since the cursor -> mirror -> items; the cursor moves only when something came in."""
    assert ctx.shop is not None
    shop, settings = ctx.shop.code, ctx.shop.settings
    started = utcnow()
    cursor = get_cursor(ctx.engine, shop, CURSOR)
    mirror = Mirror.load(ctx.engine, shop)
    index = ErpIndex.load(ctx.engine)
    latest: list[dt.datetime] = []
    products = list(not_echo(mirror, changed_products(ctx, cursor, len(mirror.variants) + 1000), ctx.stats, latest))
    ctx.stats["read"] += len(products)
    if ctx.dry_run:
        rows = [[None, "import", p["id"], len(p.get("variants") or []), ""] for p in products]
        return pd.DataFrame(rows, columns=COLUMNS)
    if not products and cursor is not None and not (ctx.stats["echo"] or ctx.stats["unchanged"]):
        return None  # a quiet shop: nothing read, nothing written, the cursor stays
    ctx.stats.update(mirror.apply(products, index, settings))
    ids = [int(str(p["id"]).rsplit("/", 1)[1]) for p in products]
    if settings.auto_create_unknown_items:
        create_items(ctx, mirror, index, settings, ids)
    if settings.shopify_can_update_items:
        update_items(ctx, mirror, index, ids)
    set_cursor(ctx.engine, shop, CURSOR, max([started, *latest]))
    return None
