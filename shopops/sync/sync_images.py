"""``sync-images`` (BC 30107 "Shopify Sync Images"): item pictures <-> product media, by content hash.

    ItemPictures(ws.engine).set("1000", png_bytes)                 # shopops.erp.pictures
    ws.shops.set("DEMO", sync_item_images="to_shopify")
    ws.run("sync-images", shop="DEMO")                             # products="123|456" limits the products

Products and variants are matched to items by the catalog mirror of sync-products
(:class:`shopops.sync.catalog_mirror.Mirror`); an item that is not mapped to a product is skipped with
that reason. The direction is the shop card's ``sync_item_images``:

* ``to_shopify``: a picture whose SHA-256 differs from the one last sent for that item (variant) is staged
  (``stagedUploadsCreate``), uploaded, and attached to the product with ``productCreateMedia``; a variant
  picture is then shown on its variant (``productVariantsBulkUpdate`` with ``mediaId``). Nothing unchanged
  is sent, and a rerun makes no API call at all (BC: no timestamp cursor, change is the hash).
* ``from_shopify``: each mapped product's featured media; when its id differs from the linked one the
  image is downloaded, hashed, and stored as the item's picture if the bytes differ. When the linked media
  the ERP itself sent is still on the product, it is the ERP's own picture coming back: not taken again.

``dry_run`` returns the plan and writes nothing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from shopops.erp.pictures import ItemPictures, sha256
from shopops.shopify import operations
from shopops.sync.catalog_mirror import Mirror
from shopops.sync.context import RunContext
from shopops.sync.image_transfer import MediaLinks, TransferError, download, upload
from shopops.sync.mutations import execute_mutation
from shopops.sync.order_parse import shopify_id
from shopops.sync.registry import Param, report

REPORT = "sync-images"
COLUMNS = ["item_no", "variant_code", "product_id", "action", "reason"]
#: Products per page when reading media.
PAGE_SIZE = 25
EXTENSIONS = {"image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


@report(
    REPORT,
    bc_id=30107,
    description="Item pictures <-> Shopify product media, both directions, by content hash.",
    params={"products": Param(str, default="", doc="only these Shopify product ids, joined by |")},
)
def sync_images(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Send changed pictures or take changed product images, as the shop card's sync_item_images says."""
    assert ctx.shop is not None
    direction = ctx.shop.settings.sync_item_images
    only = {int(p) for p in str(params.get("products") or "").replace(",", "|").split("|") if p.strip()}
    if direction == "to_shopify":
        return export_images(ctx, only)
    if direction == "from_shopify":
        return import_images(ctx, only)
    ctx.log.info("sync_item_images is disabled on shop %s: nothing to do", ctx.shop.code)
    ctx.stats["nothing_to_do"] = 1
    return None


# --- to Shopify ----------------------------------------------------------------------------------------


def export_images(ctx: RunContext, only: set[int]) -> pd.DataFrame | None:
    """Plan from local data only (mirror, pictures, links), then upload what changed."""
    assert ctx.shop is not None
    mirror = Mirror.load(ctx.engine, ctx.shop.code)
    pictures = ItemPictures(ctx.engine)
    links = MediaLinks.load(ctx.engine, ctx.shop.code)
    products = mirror.product_of_item()
    variants = {(v["item_no"], v["variant_code"] or ""): v for v in mirror.variants.values() if v.get("item_no")}
    plan: list[list[Any]] = []
    for (item, variant), (digest, _ctype) in sorted(pictures.hashes().items()):
        mapped = variants.get((item, variant)) if variant else None
        product_id = mapped["product_id"] if mapped else (None if variant else products.get(item))
        if only and product_id not in only:
            continue
        if product_id is None:
            what = f"variant {variant} of item {item}" if variant else f"item {item}"
            plan.append([item, variant, None, "skip", f"{what} is not mapped to a Shopify product (sync-products)"])
            continue
        link = links.rows.get((item, variant)) or {}
        if link.get("sha256") == digest and link.get("product_id") == product_id and not link.get("has_error"):
            ctx.stats["unchanged"] += 1
            continue
        plan.append([item, variant, product_id, "upload", "new picture" if not link else "picture changed"])
    if ctx.dry_run:
        return pd.DataFrame(plan, columns=COLUMNS)
    work = [p for p in plan if p[3] == "upload"]
    for item, variant, _pid, action, reason in plan:
        if action == "skip":
            ctx.skip("item_picture", f"{item} {variant}".strip(), reason)
    for done, (item, variant, product_id, _action, _reason) in enumerate(work, start=1):
        variant_id = variants[(item, variant)]["id"] if variant else None
        _send(ctx, pictures, links, (item, variant), product_id, variant_id)
        ctx.progress(done, len(work), f"picture of {item} {variant}".strip())
    return None


def _send(
    ctx: RunContext, pictures: ItemPictures, links: MediaLinks, key: tuple[str, str], product_id: int, variant_id: Any
) -> None:
    """Upload one picture and attach it; a failure marks that link and the run goes on."""
    item, variant = key
    picture = pictures.get(item, variant)
    content = pictures.content(item, variant)
    name = f"{item}-{variant}" if variant else item
    filename = f"{name}.{EXTENSIONS.get(picture.content_type, 'png')}".replace("/", "_")
    product_gid = f"gid://shopify/Product/{product_id}"
    base = {"product_id": product_id, "variant_id": variant_id}
    try:
        url = upload(ctx.client, content, filename, picture.content_type)
    except TransferError as exc:
        _failed(ctx, links, key, base, str(exc))
        return
    media_input = [{"originalSource": url, "mediaContentType": "IMAGE", "alt": name}]
    data = execute_mutation(
        ctx.client,
        operations.load("ProductCreateMedia"),
        {"productId": product_gid, "media": media_input},
        user_errors="return",
    )
    payload = data["productCreateMedia"]
    media = [m for m in payload.get("media") or [] if m]
    if payload.get("mediaUserErrors") or not media:
        refused = "; ".join(str(e.get("message")) for e in payload.get("mediaUserErrors") or []) or "no media returned"
        _failed(ctx, links, key, base, f"productCreateMedia refused the picture: {refused}")
        return
    media_id = media[0]["id"]
    if variant_id is not None:
        data = execute_mutation(
            ctx.client,
            operations.load("SyncSetVariantMedia"),
            {
                "productId": product_gid,
                "variants": [{"id": f"gid://shopify/ProductVariant/{variant_id}", "mediaId": media_id}],
            },
            user_errors="return",
        )
        user_errors = data["productVariantsBulkUpdate"].get("userErrors") or []
        if user_errors:
            message = "; ".join(str(e.get("message")) for e in user_errors)
            _failed(ctx, links, key, base, f"the variant refused the media: {message}")
            return
    values = {**base, "media_id": shopify_id(media_id), "media_url": url[:1000], "sha256": picture.sha256}
    links.save(key, {**values, "last_updated_by": "erp", "has_error": False, "error_message": None})
    ctx.stats["uploaded"] += 1


def _failed(ctx: RunContext, links: MediaLinks, key: tuple[str, str], base: dict[str, Any], reason: str) -> None:
    ctx.stats["failed"] += 1
    ctx.skip("item_picture", f"{key[0]} {key[1]}".strip(), reason)
    links.save(key, {**base, "has_error": True, "error_message": reason[:500]})


# --- from Shopify --------------------------------------------------------------------------------------


def import_images(ctx: RunContext, only: set[int]) -> pd.DataFrame | None:
    """Read mapped products' media; download the featured image only when its media id changed."""
    assert ctx.shop is not None
    mirror = Mirror.load(ctx.engine, ctx.shop.code)
    pictures = ItemPictures(ctx.engine)
    links = MediaLinks.load(ctx.engine, ctx.shop.code)
    item_of = {pid: item for item, pid in mirror.product_of_item().items()}
    query = " OR ".join(f"id:{p}" for p in sorted(only))
    nodes = ctx.client.paginate(
        operations.load("SyncProductImages"), {"first": PAGE_SIZE, "query": query}, path=("products",)
    )
    plan: list[list[Any]] = []
    work: list[tuple[str, int, int | None, str]] = []
    for node in nodes:
        product_id = shopify_id(node["id"]) or 0
        item = item_of.get(product_id)
        if item is None or (only and product_id not in only):
            continue
        ctx.stats["read"] += 1
        featured = node.get("featuredMedia") or {}
        url = ((featured.get("image") or {}).get("url")) or ""
        if not featured or featured.get("mediaContentType") != "IMAGE" or not url:
            ctx.stats["no_image"] += 1
            continue
        media_id = shopify_id(featured["id"])
        link = links.rows.get((item, "")) or {}
        on_product = {shopify_id(m["id"]) for m in (node.get("media") or {}).get("nodes") or []}
        if link.get("media_id") == media_id:
            ctx.stats["unchanged"] += 1
            continue
        if link.get("last_updated_by") == "erp" and link.get("media_id") in on_product:
            ctx.stats["echo"] += 1  # the ERP's own picture is still there: not taken back
            continue
        plan.append([item, "", product_id, "download", "new image" if not link else "image changed"])
        work.append((item, product_id, media_id, url))
    if ctx.dry_run:
        return pd.DataFrame(plan, columns=COLUMNS)
    for done, (item, product_id, media_id, url) in enumerate(work, start=1):
        _take(ctx, pictures, links, (item, product_id, media_id), url)
        ctx.progress(done, len(work), f"image of product {product_id}")
    return None


def _take(
    ctx: RunContext, pictures: ItemPictures, links: MediaLinks, media: tuple[str, int, int | None], url: str
) -> None:
    """Download one image; store it as the item's picture when the bytes differ."""
    item, product_id, media_id = media
    base = {"product_id": product_id, "variant_id": None}
    try:
        content, content_type = download(url)
    except TransferError as exc:
        _failed(ctx, links, (item, ""), base, str(exc))
        return
    outcome = pictures.set(item, content, content_type=content_type)
    ctx.stats["downloaded" if outcome != "unchanged" else "same_content"] += 1
    values = {**base, "media_id": media_id, "media_url": url[:1000], "sha256": sha256(content)}
    links.save((item, ""), {**values, "last_updated_by": "shopify", "has_error": False, "error_message": None})
