"""Product export (sync-products, to Shopify): ERP items -> whole products through ``productSet``.

For each item the product Shopify should show is built from the ERP (title, type, options, one variant
per unblocked item variant, SKU and barcode by the shop's mapping, prices from the price list converted to
the card's tax basis (:mod:`shopops.sync.products.prices`), inventory policy and tracking from the card) and
hashed. The hash is compared with the one stored after the last push, so an unchanged item costs no call
at all, and a changed price or tax rate is a change. A changed item goes as one ``productSet``; an unmapped
item is created (status from the card); a blocked item is archived or set to draft per the card. An item
without a price (none in the shop's currency, or no tax rate to convert it) is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopops.sync.products.mirror import Mirror, content_hash, variant_hash, variant_values
from shopops.sync.products.prices import Price, PriceList
from shopops.sync.products.variants import ErpIndex, ErpItem
from shopops.sync.values import shopify_id, when

DEFAULT_OPTION = ("Title", "Default Title")
VARIANT_OPTION = "Variant"
REMOVED_STATUS = {"archive": "ARCHIVED", "draft": "DRAFT"}


@dataclass
class PlannedVariant:
    """One variant of a planned product: the ERP key, the input sent, the price compared by the guardrail."""

    item_no: str
    variant_code: str
    input: dict[str, Any]
    price: Decimal | None
    old_price: Decimal | None = None
    shopify_id: int | None = None


@dataclass
class PlannedProduct:
    """What to do with one item: create, update, prices, status, or nothing (and why)."""

    item_no: str
    action: str  # create | update | prices | status | unchanged | skip
    product_id: int | None = None
    input: dict[str, Any] = field(default_factory=dict)
    variants: list[PlannedVariant] = field(default_factory=list)
    hash: str = ""
    reason: str = ""


def _money_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.quantize(Decimal("0.01")), "f")


def build_variants(item: ErpItem, index: ErpIndex, prices: PriceList, settings: Any) -> list[PlannedVariant] | str:
    """The variants an item should have in Shopify, or the reason it cannot be exported."""
    codes = [c for c, blocked in sorted(item.variants.items()) if not blocked] or [""]
    out = []
    for code in codes:
        found = prices.price_for(item.no, code)
        if isinstance(found, str) and settings.sync_prices:
            return found  # no price in the shop's currency, or no tax rate to convert it: the item is skipped
        price = found if isinstance(found, Price) else None
        option = (
            {"optionName": VARIANT_OPTION, "name": item.variant_names.get(code) or code}
            if code
            else {"optionName": DEFAULT_OPTION[0], "name": DEFAULT_OPTION[1]}
        )
        sku = index.sku_for(item.no, code, settings)
        data: dict[str, Any] = {
            "optionValues": [option],
            "sku": sku,
            "barcode": index.barcode_for(item.no, code) or None,
            "inventoryPolicy": settings.default_inventory_policy.upper(),
            "taxable": True,
            "inventoryItem": {"tracked": settings.inventory_tracked, "sku": sku},
        }
        if settings.sync_prices and price is not None:
            data["price"] = _money_text(price.price)
            data["compareAtPrice"] = _money_text(price.compare_at)
        out.append(PlannedVariant(item.no, code, data, price.price if price else None))
    return out


def build_product(item: ErpItem, variants: list[PlannedVariant]) -> dict[str, Any]:
    """The ``ProductSetInput`` without ids or status (those depend on create or update)."""
    coded = [v for v in variants if v.variant_code]
    name = VARIANT_OPTION if coded else DEFAULT_OPTION[0]
    values = [v.input["optionValues"][0]["name"] for v in variants]
    return {
        "title": item.description or item.no,
        "productOptions": [{"name": name, "values": [{"name": n} for n in values]}],
        "variants": [v.input for v in variants],
    }


def plan_products(
    index: ErpIndex, mirror: Mirror, prices: PriceList, settings: Any, *, only_prices: bool, items: set[str] | None
) -> Iterator[PlannedProduct]:
    """What to do per item (see the module docstring); pure, no API call and no write."""
    product_of = mirror.product_of_item()
    for item in sorted(index.items.values(), key=lambda i: i.no):
        if items and item.no not in items:
            continue
        product_id = product_of.get(item.no)
        stored = mirror.products.get(product_id) if product_id else None
        if item.blocked:
            yield _blocked(item, product_id, stored, settings)
            continue
        variants = build_variants(item, index, prices, settings)
        if isinstance(variants, str):
            yield PlannedProduct(item.no, "skip", product_id, reason=variants)
            continue
        payload = build_product(item, variants)
        digest = content_hash(payload)
        if stored is None:
            if only_prices:
                continue
            payload["status"] = settings.status_for_created_products.upper()
            yield PlannedProduct(item.no, "create", None, payload, variants, digest)
            continue
        if stored.get("hash") == digest:
            yield PlannedProduct(item.no, "unchanged", product_id, hash=digest)
            continue
        _attach_ids(variants, mirror.variants_of(product_id or 0))
        if settings.can_update_shopify_products and not only_prices:
            payload["variants"] = [{**v.input, **({"id": _gid(v)} if v.shopify_id else {})} for v in variants]
            yield PlannedProduct(item.no, "update", product_id, payload, variants, digest)
        elif settings.sync_prices or only_prices:
            changed = [v for v in variants if v.shopify_id and v.price is not None and v.price != v.old_price]
            if changed:
                yield PlannedProduct(item.no, "prices", product_id, {}, changed, digest)
        else:
            yield PlannedProduct(item.no, "skip", product_id, reason="can_update_shopify_products is off")


def _gid(v: PlannedVariant) -> str:
    return f"gid://shopify/ProductVariant/{v.shopify_id}"


def _attach_ids(variants: list[PlannedVariant], rows: list[dict[str, Any]]) -> None:
    by_key = {(r.get("item_no"), r.get("variant_code") or ""): r for r in rows}
    for v in variants:
        row = by_key.get((v.item_no, v.variant_code))
        if row is not None:
            v.shopify_id = row["id"]
            v.old_price = row.get("price")


def _blocked(item: ErpItem, product_id: int | None, stored: dict[str, Any] | None, settings: Any) -> PlannedProduct:
    target = REMOVED_STATUS.get(settings.action_for_removed_products)
    if product_id is None or target is None:
        return PlannedProduct(item.no, "skip", product_id, reason="item is blocked")
    if stored and stored.get("status") == target:
        return PlannedProduct(item.no, "unchanged", product_id)
    return PlannedProduct(
        item.no, "status", product_id, {"id": f"gid://shopify/Product/{product_id}", "status": target}
    )


def saved_rows(planned: PlannedProduct, product: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Mirror rows after a successful productSet: the product (hash, echo stamp) and its variants, mapped."""
    pid = shopify_id(product["id"]) or 0
    stamp = when(product.get("updatedAt"))
    values = {
        "id": pid,
        "title": planned.input.get("title", ""),
        "status": str(product.get("status") or ""),
        "item_no": planned.item_no,
        "hash": planned.hash,
        "shopify_updated_at": stamp,
        "last_updated_by_erp_at": stamp,
        "has_error": False,
        "error_message": None,
    }
    variants = []
    nodes = (product.get("variants") or {}).get("nodes") or []
    for planned_variant, node in zip(planned.variants, nodes, strict=False):
        row = variant_values(node, pid)
        row["title"] = planned_variant.input["optionValues"][0]["name"]
        variants.append(
            {**row, "hash": variant_hash(row), "item_no": planned.item_no, "variant_code": planned_variant.variant_code}
        )
    return values, variants
