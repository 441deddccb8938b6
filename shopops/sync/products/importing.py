"""Product import (sync-products, from Shopify): products updated since the cursor -> mirror -> ERP items.

1. One cheap call asks whether any product changed since the cursor; a quiet shop costs nothing more.
2. Otherwise the changed products come in one bulk query. A product whose last change was the ERP's own
   push (``last_updated_by_erp_at`` >= Shopify's ``updatedAt``) is an echo and is passed over; so is one
   Shopify has not changed since it was last seen.
3. The mirror is updated and each new variant mapped by the shop's SKU mapping with barcode fallback.
4. Unmapped variants become items when ``auto_create_unknown_items`` is on: the item no. is the SKU (item
   no. mappings) or ``P`` + the product id; variant codes come from the SKU or ``variant_prefix`` + a
   number; fields are copied from the card's ``item_template`` item when one is named (the ERP has no item
   templates, so the template is an item to copy from); barcodes become references. Shopify's price is
   the unit price (net, local currency: a gross price is taken net with the card's tax rate); a gross or
   foreign-currency price also becomes a price line on the shop's own basis, so that a later export sends
   back exactly that price.
5. Mapped items take the product title when ``shopify_can_update_items`` is on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from shopops.shopify import operations
from shopops.sync.bulk_read import run_bulk
from shopops.sync.context import RunContext
from shopops.sync.products.mirror import Mirror
from shopops.sync.products.prices import add_price, convert
from shopops.sync.products.variants import ErpIndex, ErpItem, code
from shopops.sync.values import shopify_id, when

TEMPLATE_FIELDS = ("type", "base_unit_of_measure", "tax_group_code", "item_category_code", "vendor_no")


def search_since(cursor: dt.datetime | None) -> str:
    """Shopify search text for products updated after the cursor ('' for all; gift cards are dropped later)."""
    if cursor is None:
        return ""
    return f"updated_at:>'{cursor.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"


def changed_products(ctx: RunContext, cursor: dt.datetime | None, expected: int) -> Iterator[dict[str, Any]]:
    """Products (with ``variants``) updated after the cursor; nothing but one probe when there are none."""
    search = search_since(cursor)
    if cursor is not None:
        probe = ctx.client.execute(operations.load("SyncProductsChanged"), {"query": search})
        if not probe["products"]["nodes"]:
            return
    query = operations.load("SyncBulkCatalog")
    if search:
        escaped = search.replace("\\", "\\\\").replace('"', '\\"')
        query = query.replace("  products {", f'  products(query: "{escaped}") {{', 1)
    result = run_bulk(ctx.client, query, expected_objects=expected)
    for product in result.objects(children={"ProductVariant": "variants"}):
        if not product.get("isGiftCard"):  # gift cards are not items (BC excludes them too)
            yield product


def not_echo(
    mirror: Mirror, products: Iterator[dict[str, Any]], stats: Counter[str], latest: list[dt.datetime]
) -> Iterator[dict[str, Any]]:
    """Pass over products the ERP itself changed last, and products unchanged since last seen.

    ``latest`` receives the newest ``updatedAt`` read (Shopify's clock), so the cursor never lags behind
    what was read when the two clocks disagree.
    """
    for product in products:
        stored = mirror.products.get(shopify_id(product["id"]) or 0) or {}
        remote = when(product.get("updatedAt"))
        if remote is not None and (not latest or remote > latest[0]):
            latest[:] = [remote]
        mine = stored.get("last_updated_by_erp_at")
        if remote is not None and mine is not None and remote <= mine:
            stats["echo"] += 1
            continue
        if remote is not None and stored.get("shopify_updated_at") == remote:
            stats["unchanged"] += 1
            continue
        yield product


def create_items(ctx: RunContext, mirror: Mirror, index: ErpIndex, settings: Any, product_ids: list[int]) -> None:
    """Create items and variants for the unmapped variants of the products just imported (auto-create)."""
    erp = _erp(ctx)
    template = _template(erp, settings.item_template)
    imported = set(product_ids)
    for pid in sorted({v["product_id"] for v in mirror.variants.values() if not v.get("item_no")} & imported):
        product = mirror.products.get(pid) or {}
        rows = [v for v in mirror.variants_of(pid) if not v.get("item_no")]
        mapped = [v["item_no"] for v in mirror.variants_of(pid) if v.get("item_no")]
        item_no = mapped[0] if mapped else _item_no(rows[0], pid, settings)
        try:
            first_price = _price(rows[0].get("price"))
            unit_price = _unit_price(erp, settings, template, first_price)
            if item_no not in index.items:
                fields = {**template, "unit_price": unit_price} if unit_price is not None else template
                erp.items.add(item_no, description=(product.get("title") or item_no)[:100], **fields)
                index.items[item_no] = ErpItem(
                    item_no,
                    product.get("title") or item_no,
                    template.get("type", "inventory"),
                    False,
                    "",
                    unit_price if unit_price is not None else Decimal(0),
                )
                ctx.stats["items_created"] += 1
                if first_price is not None and _needs_price_line(settings):
                    # the shop's price is gross or in another currency: a price line on the shop's own basis
                    # sends back exactly what Shopify has now (the unit price is net, in local currency)
                    _add_shop_price(ctx, settings, item_no, "", first_price)
            for number, row in enumerate(rows, start=1):
                variant = "" if len(rows) == 1 and not mapped else _variant_code(row, number, settings)
                if variant:
                    erp.items.add_variant(item_no, variant, row.get("title") or "")
                if row.get("barcode"):
                    erp.items.add_reference(item_no, row["barcode"], variant_code=variant)
                price = _price(row.get("price"))
                if variant and price is not None and price != first_price:
                    # BC keeps one unit price per item; a variant that sells for another price gets its own
                    # price list line, so that exporting the item later sends back what Shopify has now
                    _add_shop_price(ctx, settings, item_no, variant, price)
                row["item_no"], row["variant_code"] = item_no, variant
                mirror._write([("variant", row)], dry_run=False)
                ctx.stats["variants_mapped"] += 1
            mirror._write([("product", {"id": pid, "item_no": item_no})], dry_run=False)
        except Exception as exc:  # one bad product never stops the import
            ctx.skip("shopify_product", pid, f"could not create item {item_no}: {exc}")
            mirror._write([("product", {"id": pid, "has_error": True, "error_message": str(exc)[:500]})], False)


def update_items(ctx: RunContext, mirror: Mirror, index: ErpIndex, product_ids: list[int]) -> None:
    """Copy the product title to mapped items (shopify_can_update_items)."""
    erp = _erp(ctx)
    for pid in product_ids:
        product = mirror.products.get(pid) or {}
        item = index.items.get(product.get("item_no") or "")
        title = (product.get("title") or "")[:100]
        if item is not None and title and item.description != title:
            erp.items.update(item.no, description=title)
            ctx.stats["items_updated"] += 1


def _needs_price_line(settings: Any) -> bool:
    return bool(settings.prices_including_tax) or bool((settings.currency_code or "").strip())


def _add_shop_price(ctx: RunContext, settings: Any, item_no: str, variant: str, price: Decimal) -> None:
    add_price(
        ctx.engine,
        item_no,
        price,
        variant_code=variant,
        currency_code=settings.currency_code or "",
        price_includes_tax=bool(settings.prices_including_tax),
    )


def _unit_price(erp: Any, settings: Any, template: dict[str, Any], price: Decimal | None) -> Decimal | None:
    """The item's unit price (net, local currency) from a Shopify price, or None when it cannot be told:
    a foreign-currency price, or a gross one without a tax rate for the card's business group and the
    template's product group."""
    if price is None or (settings.currency_code or "").strip():
        return None
    if not settings.prices_including_tax:
        return price
    business, product = (settings.tax_business_group or "").strip(), str(template.get("tax_group_code") or "")
    percent = erp.tax_rates.percent(business, product) if business and product else None
    return None if percent is None else convert(price, percent, to_gross=False)


def _price(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def _erp(ctx: RunContext) -> Any:
    from shopops.erp import Erp

    return Erp(ctx.engine)


def _template(erp: Any, template: str) -> dict[str, Any]:
    if not template:
        return {}
    item = erp.items.find(template)
    return {f: getattr(item, f) for f in TEMPLATE_FIELDS} if item else {}


def _item_no(row: dict[str, Any], pid: int, settings: Any) -> str:
    sku = code(row.get("sku"))
    if sku and settings.sku_mapping == "item_no":
        return sku[:20]
    if sku and settings.sku_mapping == "item_no_variant_code":
        return sku.split(code(settings.sku_separator) or "|")[0].strip()[:20]
    return f"P{pid}"[:20]


def _variant_code(row: dict[str, Any], number: int, settings: Any) -> str:
    sku = code(row.get("sku"))
    if sku and settings.sku_mapping == "variant_code":
        return sku[:10]
    if sku and settings.sku_mapping == "item_no_variant_code":
        parts = sku.split(code(settings.sku_separator) or "|")
        if len(parts) > 1 and parts[1].strip():
            return parts[1].strip()[:10]
    return f"{code(settings.variant_prefix)}{number:03d}"[:10]
