"""``sync-images`` (BC 30107 "Shopify Sync Images"): item and item variant pictures <-> product and variant
media, by content hash.

    ItemPictures(ws.engine).set("1000", png_bytes)                 # shopops.erp.master.pictures
    ItemPictures(ws.engine).set("1000", red_png, variant_code="RED")
    ws.shops.set("DEMO", sync_item_images="to_shopify")
    ws.run("sync-images", shop="DEMO")                             # products="123|456" limits the products

Products and variants are matched to items and item variants by the catalog mirror of sync-products
(:class:`shopops.sync.products.mirror.Mirror`); an item that is not mapped to a product is skipped with
that reason. ``shopify_media_link`` keeps, per item (variant), the media it was sent as or taken from
(:class:`shopops.sync.images.transfer.MediaLinks`). The direction is the shop card's ``sync_item_images``:

* ``to_shopify``: a picture whose SHA-256 differs from the one last sent for that item (variant) is staged
  (``stagedUploadsCreate``), uploaded, and attached to the product with ``productCreateMedia``; a variant
  picture is then shown on its variant (``productVariantsBulkUpdate`` with ``mediaId``, which replaces what
  the variant showed), and the variant's previous media, when the ERP had sent it and no other item (variant)
  is linked to it, is deleted (``fileDelete``, scope ``write_files``; without it the old media stays). Media
  a variant refused is deleted again. Nothing unchanged is sent, and a rerun makes no API call at all (BC: no
  timestamp cursor, change is the hash).
* ``from_shopify``: each mapped product's featured media, and the media each variant mapped to an item
  variant shows (BC: "download product and variant images whose id differs from the stored Image Id into
  the Item or Item Variant picture"). When the media id differs from the linked one the image is
  downloaded, hashed, and stored as the item's (variant's) picture if the bytes differ. Echoes are not taken:
  when the linked media the ERP itself sent is still on the product, or the media is one the ERP sent for
  any item (variant), it is the ERP's own picture coming back. A variant showing the product's featured
  image keeps no picture of its own (the item's picture is not copied onto its variants; BC is silent).
  Only products updated since the last run are read (a media change updates its product; cursor
  ``images_from_shopify``), so a quiet rerun is one call. A failed download is marked and tried again when
  its product changes, or at once with ``products=``.

``dry_run`` returns the plan and writes nothing. A failed upload or download marks that link (has_error,
error_message) and the skipped-record log; the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from shopops.erp.master.pictures import ItemPictures, sha256
from shopops.shopify import operations
from shopops.shopify.errors import AccessDeniedError
from shopops.store.types import utcnow
from shopops.sync.context import RunContext
from shopops.sync.images.transfer import MediaLinks, TransferError, download, upload
from shopops.sync.mutations import execute_mutation
from shopops.sync.products.mirror import Mirror
from shopops.sync.registry import Param, report_spec
from shopops.sync.state import get_cursor, set_cursor, updated_since
from shopops.sync.values import shopify_id

REPORT = "sync-images"
CURSOR = "images_from_shopify"
COLUMNS = ["item_no", "variant_code", "product_id", "action", "reason"]
#: Products per page when reading media (with VARIANTS_PER_PRODUCT variants each: ~800 cost points a page).
PAGE_SIZE = 10
#: Variants read with each product; a product with more has the rest read VARIANT_PAGE_SIZE at a time.
VARIANTS_PER_PRODUCT = 10
VARIANT_PAGE_SIZE = 50
EXTENSIONS = {"image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


@report_spec(
    REPORT,
    bc_id=30107,
    description="Item and variant pictures <-> Shopify product and variant media, both directions, by content hash.",
    params={"products": Param(str, default="", doc="only these Shopify product ids, joined by |")},
)
def sync_images(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Send changed pictures or take changed product and variant images, as the shop card's sync_item_images says."""
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
        same_target = link.get("product_id") == product_id and link.get("variant_id") == (mapped or {}).get("id")
        if link.get("sha256") == digest and same_target and not link.get("has_error"):
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
    previous = dict(links.rows.get(key) or {})
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
            _delete_media(ctx, media_id, name)  # not left on the product, shown by nothing
            return
    values = {**base, "media_id": shopify_id(media_id), "media_url": url[:1000], "sha256": picture.sha256}
    links.save(key, {**values, "last_updated_by": "erp", "has_error": False, "error_message": None})
    ctx.stats["uploaded"] += 1
    if variant_id is not None:
        _retire(ctx, links, key, previous)


def _retire(ctx: RunContext, links: MediaLinks, key: tuple[str, str], previous: dict[str, Any]) -> None:
    """Delete the media a variant showed before its new picture, when the ERP sent it and nothing else uses it."""
    stale = previous.get("media_id")
    if not stale or previous.get("last_updated_by") != "erp" or stale == links.rows[key].get("media_id"):
        return
    if any(k != key and row.get("media_id") == stale for k, row in links.rows.items()):
        return
    if _delete_media(ctx, f"gid://shopify/MediaImage/{stale}", f"{key[0]} {key[1]}".strip()):
        ctx.stats["old_media_deleted"] += 1


def _delete_media(ctx: RunContext, media_gid: str, name: str) -> bool:
    """Delete media the ERP sent; True when it is gone. Keeping it is harmless, so a refusal is logged, not failed."""
    try:
        data = execute_mutation(
            ctx.client, operations.load("SyncDeleteMedia"), {"fileIds": [media_gid]}, user_errors="return"
        )
    except AccessDeniedError as exc:
        errors = [str(exc)]
    else:
        refused = data["fileDelete"].get("userErrors") or []
        errors = [str(e.get("message")) for e in refused if e.get("code") != "FILE_DOES_NOT_EXIST"]
    if errors:
        ctx.stats["old_media_kept"] += 1
        ctx.log.warning("media %s (%s) stays on the product: %s", media_gid, name, "; ".join(errors))
        return False
    return True


def _failed(ctx: RunContext, links: MediaLinks, key: tuple[str, str], base: dict[str, Any], reason: str) -> None:
    ctx.stats["failed"] += 1
    ctx.skip("item_picture", f"{key[0]} {key[1]}".strip(), reason)
    links.save(key, {**base, "has_error": True, "error_message": reason[:500]})


# --- from Shopify --------------------------------------------------------------------------------------

#: One download: the item (variant) key, product id, variant id (None for the item), media id and image URL.
Take = tuple[tuple[str, str], int, int | None, int | None, str]


def import_images(ctx: RunContext, only: set[int]) -> pd.DataFrame | None:
    """Read mapped products' and variants' media; download an image only when its media id changed."""
    assert ctx.shop is not None
    mirror = Mirror.load(ctx.engine, ctx.shop.code)
    pictures = ItemPictures(ctx.engine)
    links = MediaLinks.load(ctx.engine, ctx.shop.code)
    item_of = {pid: item for item, pid in mirror.product_of_item().items()}
    variant_of = {
        vid: (row["item_no"], row["variant_code"])
        for vid, row in mirror.variants.items()
        if row.get("item_no") and row.get("variant_code")
    }
    with_variants = {mirror.variants[vid]["product_id"] for vid in variant_of}
    sent = {r["media_id"] for r in links.rows.values() if r.get("last_updated_by") == "erp" and r.get("media_id")}
    # only products changed since the last run (a media change updates its product): a quiet rerun is one call
    started = utcnow()
    cursor = None if only else get_cursor(ctx.engine, ctx.shop.code, CURSOR)
    query = " OR ".join(f"id:{p}" for p in sorted(only)) if only else updated_since(cursor)
    nodes = ctx.client.paginate(
        operations.load("SyncProductImages"),
        {"first": PAGE_SIZE, "query": query, "variants": VARIANTS_PER_PRODUCT},
        path=("products",),
    )
    work: list[Take] = []
    for node in nodes:
        product_id = shopify_id(node["id"]) or 0
        item = item_of.get(product_id)
        if (item is None and product_id not in with_variants) or (only and product_id not in only):
            continue
        ctx.stats["read"] += 1
        featured = node.get("featuredMedia") or {}
        on_product = {shopify_id(m["id"]) for m in (node.get("media") or {}).get("nodes") or []}
        if item is not None:
            work += _product_image(ctx, links, (item, product_id), featured, on_product, sent)
        if product_id in with_variants:
            featured_id = shopify_id(featured["id"]) if featured.get("id") else None
            for vnode in _variants(ctx, node):
                key = variant_of.get(shopify_id(vnode["id"]) or 0)
                if key is not None:
                    work += _variant_image(ctx, links, key, (product_id, vnode), featured_id, sent)
    if ctx.dry_run:
        plan = [
            [key[0], key[1], pid, "download", "new image" if key not in links.rows else "image changed"]
            for key, pid, _vid, _mid, _url in work
        ]
        return pd.DataFrame(plan, columns=COLUMNS)
    for done, take in enumerate(work, start=1):
        _take(ctx, pictures, links, take)
        ctx.progress(done, len(work), f"image of product {take[1]}")
    if not only and ctx.stats["read"]:  # nothing read: the cursor stands, and a quiet rerun writes nothing
        # a failed download stays marked on its link and in the skipped records; it is tried again when its
        # product changes, or at once with products= (a broken image must not make every rerun read it all)
        set_cursor(ctx.engine, ctx.shop.code, CURSOR, started)
    return None


def _image_url(media: dict[str, Any]) -> str:
    """The image URL of an IMAGE media node; "" for none, another media type or an image without a URL."""
    if not media or media.get("mediaContentType") != "IMAGE":
        return ""
    return str((media.get("image") or {}).get("url") or "")


def _product_image(
    ctx: RunContext,
    links: MediaLinks,
    product: tuple[str, int],
    featured: dict[str, Any],
    on_product: set[int | None],
    sent: set[int],
) -> list[Take]:
    """The item's picture from the product's featured media, unless unchanged or an echo."""
    item, product_id = product
    url = _image_url(featured)
    if not url:
        ctx.stats["no_image"] += 1
        return []
    media_id = shopify_id(featured["id"])
    link = links.rows.get((item, "")) or {}
    if link.get("media_id") == media_id:
        ctx.stats["unchanged"] += 1
        return []
    if (link.get("last_updated_by") == "erp" and link.get("media_id") in on_product) or media_id in sent:
        ctx.stats["echo"] += 1  # the ERP's own picture is still there, or this is one it sent: not taken back
        return []
    return [((item, ""), product_id, None, media_id, url)]


def _variants(ctx: RunContext, node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A product's variant nodes: the first page read with the product, then the rest, page by page."""
    connection = node.get("variants") or {}
    yield from connection.get("nodes") or []
    info = connection.get("pageInfo") or {}
    if info.get("hasNextPage"):
        yield from ctx.client.paginate(
            operations.load("SyncVariantImages"),
            {"id": node["id"], "first": VARIANT_PAGE_SIZE, "after": info["endCursor"]},
            path=("product", "variants"),
        )


def _variant_image(
    ctx: RunContext,
    links: MediaLinks,
    key: tuple[str, str],
    variant: tuple[int, dict[str, Any]],
    featured_id: int | None,
    sent: set[int],
) -> list[Take]:
    """The item variant's picture from the media its Shopify variant shows, unless unchanged or an echo."""
    product_id, vnode = variant
    ctx.stats["variants_read"] += 1
    media = ((vnode.get("media") or {}).get("nodes") or [{}])[0] or {}
    url = _image_url(media)
    if not url:
        ctx.stats["variant_no_image"] += 1
        return []
    media_id = shopify_id(media["id"])
    if (links.rows.get(key) or {}).get("media_id") == media_id:
        ctx.stats["unchanged"] += 1
        return []
    if media_id == featured_id:
        ctx.stats["variant_shows_product_image"] += 1  # the item's picture is not copied onto the variant
        return []
    if media_id in sent:
        ctx.stats["echo"] += 1  # a picture the ERP sent (for another item or variant): not taken back
        return []
    return [(key, product_id, shopify_id(vnode["id"]), media_id, url)]


def _take(ctx: RunContext, pictures: ItemPictures, links: MediaLinks, take: Take) -> None:
    """Download one image; store it as the item's (variant's) picture when the bytes differ; a failed
    download is marked on its link and the run goes on."""
    key, product_id, variant_id, media_id, url = take
    base = {"product_id": product_id, "variant_id": variant_id}
    try:
        content, content_type = download(url)
    except TransferError as exc:
        _failed(ctx, links, key, base, str(exc))
        return
    outcome = pictures.set(key[0], content, content_type=content_type, variant_code=key[1])
    ctx.stats["downloaded" if outcome != "unchanged" else "same_content"] += 1
    values = {**base, "media_id": media_id, "media_url": url[:1000], "sha256": sha256(content)}
    links.save(key, {**values, "last_updated_by": "shopify", "has_error": False, "error_message": None})
