"""Products, variants, options and media: the records, their queries and field resolvers.

A product record keeps its options inline (``options``: name, position, values) and its variants and
media as lists of global IDs; each variant owns an inventory item (see ``inventory``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.resolvers import inventory
from shopops.sandbox.resolvers.common import (
    ResolverMap,
    connect,
    field_sort,
    lookup,
    money_v2,
    state_of,
    time_sort,
)
from shopops.sandbox.state.store import Record, ShopState, money

PRODUCT_FIELDS = ("title", "handle", "vendor", "productType", "status", "descriptionHtml", "tags", "templateSuffix")
PRODUCT_SORTS = {
    "ID": None,
    "TITLE": field_sort("title"),
    "UPDATED_AT": time_sort("updatedAt"),
    "CREATED_AT": time_sort("createdAt"),
    "VENDOR": field_sort("vendor"),
    "PRODUCT_TYPE": field_sort("productType"),
    "PUBLISHED_AT": time_sort("publishedAt"),
    "INVENTORY_TOTAL": None,
    "RELEVANCE": None,
}
VARIANT_SORTS = {
    "ID": None,
    "SKU": field_sort("sku"),
    "TITLE": field_sort("title"),
    "POSITION": field_sort("position", int),
    "NAME": field_sort("title"),
    "RELEVANCE": None,
    "FULL_TITLE": field_sort("title"),
    "INVENTORY_QUANTITY": None,
    "POPULAR": None,
    "INVENTORY_LEVELS_AVAILABLE": None,
}


def _variant_skus(state: ShopState, product: Record) -> list[str | None]:
    return [v.get("sku") for v in (state.get(g, "ProductVariant") for g in product["variantIds"]) if v]


def product_matcher(state: ShopState) -> Matcher:
    """Search keys of ``products(query:)``."""
    return Matcher(
        {
            "title": ("text", lambda r: r.get("title")),
            "handle": ("string", lambda r: r.get("handle")),
            "vendor": ("string", lambda r: r.get("vendor")),
            "product_type": ("string", lambda r: r.get("productType")),
            "status": ("string", lambda r: r.get("status")),
            "tag": ("string", lambda r: r.get("tags")),
            "sku": ("string", lambda r: _variant_skus(state, r)),
            "id": ("number", lambda r: r["id"]),
            "updated_at": ("time", lambda r: r.get("updatedAt")),
            "created_at": ("time", lambda r: r.get("createdAt")),
        },
        default=lambda r: r.get("title"),
    )


VARIANT_SEARCH = Matcher(
    {
        "sku": ("string", lambda r: r.get("sku")),
        "barcode": ("string", lambda r: r.get("barcode")),
        "title": ("text", lambda r: r.get("title")),
        "product_id": ("number", lambda r: r.get("productId")),
        "id": ("number", lambda r: r["id"]),
        "updated_at": ("time", lambda r: r.get("updatedAt")),
        "created_at": ("time", lambda r: r.get("createdAt")),
    },
    default=lambda r: f"{r.get('title')} {r.get('sku')}",
)


def handleize(title: str) -> str:
    """A URL handle from a title, as Shopify derives it."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "product"


def unique_handle(state: ShopState, wanted: str, own_id: str | None = None) -> str:
    taken = {p["handle"] for p in state.table("Product").values() if p["id"] != own_id}
    handle, n = wanted, 1
    while handle in taken:
        n += 1
        handle = f"{wanted}-{n}"
    return handle


def new_product(state: ShopState, fields: dict[str, Any], stamp: str | None = None) -> Record:
    """Insert a product (no variants yet)."""
    title = fields.get("title") or "Untitled"
    product = state.insert(
        "Product",
        {
            "title": title,
            "handle": fields.get("handle") or handleize(title),
            "vendor": fields.get("vendor") or state.info.name,
            "productType": fields.get("productType") or "",
            "status": fields.get("status") or "ACTIVE",
            "descriptionHtml": fields.get("descriptionHtml") or "",
            "tags": list(fields.get("tags") or []),
            "options": [],
            "variantIds": [],
            "mediaIds": [],
        },
        stamp,
    )
    product["publishedAt"] = product["createdAt"] if product["status"] == "ACTIVE" else None
    return product


def set_options(state: ShopState, product: Record, options: list[dict[str, Any]]) -> None:
    """Replace a product's options: [{name, values: [names]}]."""
    out = []
    for pos, opt in enumerate(options, start=1):
        _num, ogid = state.next_id("ProductOption")
        values = []
        for val in opt["values"]:
            _vnum, vgid = state.next_id("ProductOption")
            values.append({"id": vgid.replace("ProductOption", "ProductOptionValue"), "name": val})
        out.append(
            {
                "id": ogid,
                "name": opt["name"],
                "position": pos,
                "values": [v["name"] for v in values],
                "optionValues": values,
            }
        )
    product["options"] = out


def new_variant(
    state: ShopState,
    product: Record,
    spec: dict[str, Any],
    stamp: str | None = None,
    stock: dict[str, int] | None = None,
) -> Record:
    """Add a variant (with its inventory item, stocked at ``stock``'s locations) to a product."""
    selected = spec.get("selectedOptions") or [{"name": "Title", "value": "Default Title"}]
    title = " / ".join(s["value"] for s in selected)
    variant = state.insert(
        "ProductVariant",
        {
            "productId": product["id"],
            "title": title,
            "sku": spec.get("sku"),
            "barcode": spec.get("barcode"),
            "price": money(spec.get("price") or "0"),
            "position": len(product["variantIds"]) + 1,
            "compareAtPrice": money(spec["compareAtPrice"]) if spec.get("compareAtPrice") else None,
            "selectedOptions": selected,
            "inventoryPolicy": spec.get("inventoryPolicy") or "DENY",
            "taxable": spec.get("taxable", True),
            "inventoryItemId": None,
        },
        stamp,
    )
    product["variantIds"].append(variant["id"])
    item = inventory.new_item(state, variant, spec.get("sku"), spec.get("cost"), stamp)
    for location_id, qty in (stock or {}).items():
        location = state.get(location_id, "Location")
        if location is not None:
            inventory.new_level(state, item, location, qty, stamp)
    return variant


def attach_media(state: ShopState, product: Record, media: list[dict[str, Any]]) -> None:
    """Create MediaImage records for ``CreateMediaInput``/``FileSetInput`` entries."""
    for m in media:
        source = m.get("originalSource") or ""
        key = source.rsplit("/files/", 1)[1] if "/files/" in source else None
        missing = key is not None and key not in state.uploads
        image = {
            "url": source,
            "src": source,
            "originalSrc": source,
            "altText": m.get("alt"),
            "width": 1024,
            "height": 1024,
        }
        record = state.insert(
            "MediaImage",
            {
                "alt": m.get("alt"),
                "mediaContentType": "IMAGE",
                "status": "FAILED" if missing else "READY",
                "fileStatus": "FAILED" if missing else "READY",
                "mediaErrors": [
                    {
                        "code": "MEDIA_UNAVAILABLE",
                        "details": "The staged file was never uploaded.",
                        "message": "Media failed to process",
                    }
                ]
                if missing
                else [],
                "mimeType": "image/png",
                "image": image,
                "preview": {"image": image, "status": "READY"},
                "originalSource": {"url": source, "fileSize": None},
                "productId": product["id"],
            },
        )
        product["mediaIds"].append(record["id"])


def _products(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    return connect(info, state.table("Product").values(), args, PRODUCT_SORTS, product_matcher(state))


def _variants(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = state_of(info).table("ProductVariant").values()
    return connect(info, rows, args, VARIANT_SORTS, VARIANT_SEARCH)


def _product_variants(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    rows = [v for v in (state.get(g, "ProductVariant") for g in source["variantIds"]) if v]
    sorts = dict(VARIANT_SORTS)
    sorts["ID"] = None
    return connect(info, rows, args, sorts)


def _product_media(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    rows = [m for m in (state.get(g, "MediaImage") for g in source.get("mediaIds", [])) if m]
    return connect(info, rows, args)


def _featured_media(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
    ids = source.get("mediaIds") or []
    return state_of(info).get(ids[0], "MediaImage") if ids else None


def _featured_image(source: Record, info: GraphQLResolveInfo, **_args: Any) -> dict[str, Any] | None:
    media = _featured_media(source, info)
    return media["image"] if media else None


def _images(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    rows = [m for m in (state.get(g, "MediaImage") for g in source.get("mediaIds", [])) if m]
    page = connect(info, rows, args)
    page["nodes"] = [dict(m["image"], id=m["id"].replace("MediaImage", "ProductImage")) for m in page["nodes"]]
    for edge, node in zip(page["edges"], page["nodes"], strict=True):
        edge["node"] = node
    return page


def _options(source: Record, _info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = source["options"]
    return options[: args["first"]] if args.get("first") else options


def _price_range(source: Record, info: GraphQLResolveInfo, **_args: Any) -> dict[str, Any]:
    state = state_of(info)
    prices = [Decimal(v["price"]) for v in (state.get(g, "ProductVariant") for g in source["variantIds"]) if v]
    prices = prices or [Decimal(0)]
    cur = state.info.currency
    return {"minVariantPrice": money_v2(min(prices), cur), "maxVariantPrice": money_v2(max(prices), cur)}


def _total_inventory(source: Record, info: GraphQLResolveInfo, **_args: Any) -> int:
    state = state_of(info)
    return sum(
        inventory.available_total(state, state.get(v.get("inventoryItemId"), "InventoryItem"))
        for v in (state.get(g, "ProductVariant") for g in source["variantIds"])
        if v
    )


def _variant_quantity(source: Record, info: GraphQLResolveInfo, **_args: Any) -> int:
    state = state_of(info)
    return inventory.available_total(state, state.get(source.get("inventoryItemId"), "InventoryItem"))


def _variant_ref(table: str, key: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
        return state_of(info).get(source.get(key), table)

    return resolve


def _display_name(source: Record, info: GraphQLResolveInfo, **_args: Any) -> str:
    product = state_of(info).get(source["productId"], "Product") or {}
    return f"{product.get('title', '')} - {source.get('title', '')}"


RESOLVERS: ResolverMap = {
    "QueryRoot": {
        "products": _products,
        "product": lookup("Product"),
        "productVariants": _variants,
        "productVariant": lookup("ProductVariant"),
    },
    "Product": {
        "variants": _product_variants,
        "media": _product_media,
        "featuredMedia": _featured_media,
        "featuredImage": _featured_image,
        "images": _images,
        "options": _options,
        "priceRangeV2": _price_range,
        "totalInventory": _total_inventory,
        "variantsCount": lambda s, _i, **_a: {"count": len(s["variantIds"]), "precision": "EXACT"},
        "totalVariants": lambda s, _i, **_a: len(s["variantIds"]),
        "hasOnlyDefaultVariant": lambda s, _i, **_a: len(s["variantIds"]) == 1,
        "seo": lambda s, _i, **_a: {"title": s.get("title"), "description": None},
    },
    "ProductVariant": {
        "product": _variant_ref("Product", "productId"),
        "inventoryItem": _variant_ref("InventoryItem", "inventoryItemId"),
        "inventoryQuantity": _variant_quantity,
        "displayName": _display_name,
    },
    "SelectedOption": {"optionValue": lambda s, _i, **_a: {"id": None, "name": s["value"], "hasVariants": True}},
}
