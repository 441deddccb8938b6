"""Product mutations: productCreate, productUpdate, productSet, productVariantsBulkCreate/Update and
productCreateMedia, built on the record helpers of :mod:`shopops.sandbox.resolvers.products`. A variant
input's ``mediaId`` (the media the variant shows) is checked and applied by
:mod:`shopops.sandbox.resolvers.variant_media`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.resolvers import inventory, variant_media
from shopops.sandbox.resolvers.common import ResolverMap, check_input_list, money_v2, state_of, user_error
from shopops.sandbox.resolvers.products import (
    PRODUCT_FIELDS,
    attach_media,
    new_product,
    new_variant,
    set_options,
    unique_handle,
)
from shopops.sandbox.state.store import Record, ShopState, money


def _selected_from_input(product: Record, option_values: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    out = []
    for i, ov in enumerate(option_values or []):
        name = ov.get("optionName")
        if not name and i < len(product["options"]):
            name = product["options"][i]["name"]
        out.append({"name": name or f"Option{i + 1}", "value": ov.get("name") or ""})
    return out


def _valid_money(value: Any) -> bool:
    if value is None:
        return True
    try:
        Decimal(str(value))
    except InvalidOperation:
        return False
    return True


def _apply_variant_input(state: ShopState, product: Record, variant: Record, data: dict[str, Any]) -> None:
    for key in ("barcode", "inventoryPolicy", "taxable"):
        if key in data:
            variant[key] = data[key]
    if data.get("price") is not None:
        variant["price"] = money(data["price"])
    if "compareAtPrice" in data:
        variant["compareAtPrice"] = money(data["compareAtPrice"]) if data["compareAtPrice"] else None
    sku = data.get("sku", (data.get("inventoryItem") or {}).get("sku"))
    item = state.get(variant.get("inventoryItemId"), "InventoryItem")
    if sku is not None or "sku" in data:
        variant["sku"] = sku
        if item is not None:
            item["sku"] = sku
    if item is not None and (data.get("inventoryItem") or {}).get("cost") is not None:
        item["unitCost"] = money_v2(data["inventoryItem"]["cost"], state.info.currency)
    if data.get("optionValues"):
        variant["selectedOptions"] = _selected_from_input(product, data["optionValues"])
        variant["title"] = " / ".join(s["value"] for s in variant["selectedOptions"])
    for q in data.get("inventoryQuantities") or []:
        location = state.get(q.get("locationId"), "Location")
        if item is None or location is None:
            continue
        level = inventory.level_of(state, item, location["id"]) or inventory.new_level(state, item, location)
        qty = q.get("quantity", q.get("availableQuantity", 0))
        inventory.set_quantity(level, q.get("name") or "available", int(qty))
        state.touch(level)
    variant_media.show_media(variant, data)
    if item is not None:
        state.touch(item)
    state.touch(variant)


def _spec_from_input(product: Record, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "sku": data.get("sku", (data.get("inventoryItem") or {}).get("sku")),
        "barcode": data.get("barcode"),
        "price": data.get("price") or "0",
        "compareAtPrice": data.get("compareAtPrice"),
        "taxable": data.get("taxable", True),
        "inventoryPolicy": data.get("inventoryPolicy"),
        "cost": (data.get("inventoryItem") or {}).get("cost"),
        "selectedOptions": _selected_from_input(product, data.get("optionValues")) or None,
    }


def _options_from_values(variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names: dict[str, list[str]] = {}
    for v in variants:
        for ov in v.get("optionValues") or []:
            vals = names.setdefault(ov.get("optionName") or "Title", [])
            if ov.get("name") not in vals:
                vals.append(ov.get("name"))
    return [{"name": n, "values": vals} for n, vals in names.items()]


def _product_create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    data = args.get("product") or args.get("input") or {}
    state = state_of(info)
    if not data.get("title"):
        return {"product": None, "userErrors": [user_error("Title can't be blank", ["title"], "BLANK")]}
    check_input_list(args.get("media"), "media")
    with state.lock:
        product = new_product(state, data)
        product["handle"] = unique_handle(state, product["handle"], product["id"])
        options = [
            {"name": o["name"], "values": [v["name"] for v in o.get("values") or []]}
            for o in data.get("productOptions") or []
        ]
        set_options(state, product, options or [{"name": "Title", "values": ["Default Title"]}])
        first = [{"name": o["name"], "value": o["values"][0]} for o in product["options"] if o["values"]]
        new_variant(state, product, {"selectedOptions": first})
        attach_media(state, product, args.get("media") or [])
        return {"product": product, "userErrors": []}


def _product_update(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    data = dict(args.get("product") or args.get("input") or {})
    ident = args.get("identifier") or {}
    state = state_of(info)
    with state.lock:
        product = state.get(data.get("id") or ident.get("id"), "Product")
        if product is None:
            return {"product": None, "userErrors": [user_error("Product does not exist", ["id"], "NOT_FOUND")]}
        for key in PRODUCT_FIELDS:
            if key in data and data[key] is not None:
                product[key] = list(data[key]) if key == "tags" else data[key]
        if data.get("handle"):
            product["handle"] = unique_handle(state, data["handle"], product["id"])
        attach_media(state, product, args.get("media") or [])
        state.touch(product)
        return {"product": product, "userErrors": []}


def _product_set(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    data = args["input"]
    ident = args.get("identifier") or {}
    state = state_of(info)
    variants_in = data.get("variants") or []
    check_input_list(variants_in, "variants")
    with state.lock:
        product = state.get(ident.get("id") or data.get("id"), "Product")
        handle = ident.get("handle")
        if product is None and handle:
            product = next((p for p in state.table("Product").values() if p["handle"] == handle), None)
        if product is None and (ident.get("id") or data.get("id")):
            return {
                "product": None,
                "productSetOperation": None,
                "userErrors": [user_error("Product does not exist", ["input", "id"], "PRODUCT_DOES_NOT_EXIST")],
            }
        if product is None:
            if not data.get("title"):
                return {
                    "product": None,
                    "productSetOperation": None,
                    "userErrors": [user_error("Title can't be blank", ["input", "title"], "BLANK")],
                }
            product = new_product(state, data)
            product["handle"] = unique_handle(state, product["handle"], product["id"])
        for key in PRODUCT_FIELDS:
            if key in data and data[key] is not None:
                product[key] = list(data[key]) if key == "tags" else data[key]
        if data.get("productOptions") is not None:
            set_options(
                state,
                product,
                [
                    {"name": o["name"], "values": [v["name"] for v in o.get("values") or []]}
                    for o in data["productOptions"]
                ],
            )
        elif variants_in and not product["options"]:
            set_options(state, product, _options_from_values(variants_in))
        if data.get("variants") is not None:
            keep: list[str] = []
            for spec in variants_in:
                variant = state.get(spec.get("id"), "ProductVariant")
                if variant is None:
                    sku = spec.get("sku", (spec.get("inventoryItem") or {}).get("sku"))
                    variant = next(
                        (
                            state.get(g, "ProductVariant")
                            for g in product["variantIds"]
                            if sku and (state.get(g, "ProductVariant") or {}).get("sku") == sku
                        ),
                        None,
                    )
                if variant is None:
                    variant = new_variant(state, product, _spec_from_input(product, spec))
                _apply_variant_input(state, product, variant, spec)
                keep.append(variant["id"])
            for gid_ in list(product["variantIds"]):
                if gid_ not in keep:
                    _delete_variant(state, gid_)
            product["variantIds"] = keep
            for pos, gid_ in enumerate(keep, start=1):
                (state.get(gid_, "ProductVariant") or {})["position"] = pos
        attach_media(state, product, data.get("files") or [])
        state.touch(product)
        operation = {
            "id": product["id"].replace("Product", "ProductSetOperation"),
            "status": "COMPLETE",
            "product": product,
            "userErrors": [],
        }
        return {"product": product, "productSetOperation": operation, "userErrors": []}


def _delete_variant(state: ShopState, variant_gid: str) -> None:
    variant = state.get(variant_gid, "ProductVariant")
    if variant is None:
        return
    item = state.get(variant.get("inventoryItemId"), "InventoryItem")
    if item is not None:
        for level_id in item.get("_levels", {}).values():
            state.delete(level_id)
        state.delete(item["id"])
    state.delete(variant_gid)


def _bulk_create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    check_input_list(args["variants"], "variants")
    with state.lock:
        product = state.get(args["productId"], "Product")
        if product is None:
            return {
                "product": None,
                "productVariants": None,
                "userErrors": [user_error("Product does not exist", ["productId"], "PRODUCT_DOES_NOT_EXIST")],
            }
        if args.get("strategy") == "REMOVE_STANDALONE_VARIANT" or (
            len(product["variantIds"]) == 1
            and (state.get(product["variantIds"][0], "ProductVariant") or {}).get("title") == "Default Title"
        ):
            for g in product["variantIds"]:
                _delete_variant(state, g)
            product["variantIds"] = []
            product["options"] = []
        if not product["options"]:
            set_options(state, product, _options_from_values(args["variants"]))
        created, errors = [], []
        existing = {
            tuple((s["name"], s["value"]) for s in (state.get(g, "ProductVariant") or {}).get("selectedOptions", []))
            for g in product["variantIds"]
        }
        for i, spec in enumerate(args["variants"]):
            if not _valid_money(spec.get("price")):
                errors.append(user_error("Price is invalid", ["variants", str(i), "price"], "INVALID"))
                continue
            media_error = variant_media.media_id_error(product, spec, i)
            if media_error is not None:
                errors.append(media_error)
                continue
            sel = tuple((s["name"], s["value"]) for s in _selected_from_input(product, spec.get("optionValues")))
            if sel in existing:
                errors.append(
                    user_error(
                        f"The variant '{' / '.join(v for _n, v in sel)}' already exists.",
                        ["variants", str(i)],
                        "VARIANT_ALREADY_EXISTS",
                    )
                )
                continue
            existing.add(sel)
            variant = new_variant(state, product, _spec_from_input(product, spec))
            _apply_variant_input(state, product, variant, spec)
            created.append(variant)
        state.touch(product)
        return {"product": product, "productVariants": created, "userErrors": errors}


def _bulk_update(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    check_input_list(args["variants"], "variants")
    with state.lock:
        product = state.get(args["productId"], "Product")
        if product is None:
            return {
                "product": None,
                "productVariants": None,
                "userErrors": [user_error("Product does not exist", ["productId"], "PRODUCT_DOES_NOT_EXIST")],
            }
        errors, refused = [], set()
        for i, spec in enumerate(args["variants"]):
            variant = state.get(spec.get("id"), "ProductVariant")
            error = None
            if variant is None or variant["productId"] != product["id"]:
                error = user_error(
                    "Product variant does not exist", ["variants", str(i), "id"], "PRODUCT_VARIANT_DOES_NOT_EXIST"
                )
            elif not _valid_money(spec.get("price")):
                error = user_error("Price is invalid", ["variants", str(i), "price"], "INVALID")
            else:
                error = variant_media.media_id_error(product, spec, i)
            if error is not None:
                errors.append(error)
                refused.add(i)
        if errors and not args.get("allowPartialUpdates"):
            return {"product": product, "productVariants": None, "userErrors": errors}
        updated = []
        for i, spec in enumerate(args["variants"]):
            variant = state.get(spec.get("id"), "ProductVariant")
            if i in refused or variant is None:
                continue
            _apply_variant_input(state, product, variant, spec)
            updated.append(variant)
        state.touch(product)
        return {"product": product, "productVariants": updated, "userErrors": errors}


def _create_media(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        product = state.get(args["productId"], "Product")
        if product is None:
            return {
                "media": None,
                "mediaUserErrors": [user_error("Product does not exist", ["productId"])],
                "product": None,
                "userErrors": [],
            }
        before = len(product["mediaIds"])
        attach_media(state, product, args["media"])
        state.touch(product)
        media = [state.get(g, "MediaImage") for g in product["mediaIds"][before:]]
        return {"media": media, "mediaUserErrors": [], "product": product, "userErrors": []}


RESOLVERS: ResolverMap = {
    "Mutation": {
        "productCreate": _product_create,
        "productUpdate": _product_update,
        "productSet": _product_set,
        "productVariantsBulkCreate": _bulk_create,
        "productVariantsBulkUpdate": _bulk_update,
        "productCreateMedia": _create_media,
    },
}
