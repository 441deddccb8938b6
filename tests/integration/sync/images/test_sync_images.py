"""sync-images against the sandbox, both directions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.erp.master.pictures import ItemPictures, sha256
from shopops.sandbox import Sandbox
from shopops.shopify import ShopifyClient, operations
from shopops.store import tables as t
from shopops.sync import state
from shopops.sync.images.transfer import upload

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="empty", plan="plus") as shop:
        yield shop


def catalog(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch, code: str) -> dict[str, int]:
    """A shop whose items BIKE (RED, BLUE) and BELL were exported by sync-products: product id by item."""
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    ws.shops.add(
        code,
        url=sandbox.url,
        token_env="SANDBOX_TOKEN",
        allow_background_sync=False,
        sync_item="to_shopify",
        can_update_shopify_products=True,
        sku_mapping="item_no_variant_code",
    )
    ws.erp.items.add("BIKE", description="Bicycle", unit_price=Decimal("499.00"))
    ws.erp.items.add_variant("BIKE", "RED", "Red frame")
    ws.erp.items.add_variant("BIKE", "BLUE", "Blue frame")
    ws.erp.items.add("BELL", description="Bell", unit_price=Decimal("9.95"))
    result = ws.run("sync-products", shop=code)
    assert result.ok, result.error
    with ws.engine.connect() as conn:
        rows = conn.execute(sa.select(t.shopify_product.c.item_no, t.shopify_product.c.id)).all()
    return {item: pid for item, pid in rows}


def product_media(sandbox: Any, product_id: int) -> list[dict[str, Any]]:
    product = sandbox.state.get(f"gid://shopify/Product/{product_id}", "Product")
    return [sandbox.state.get(g, "MediaImage") for g in product["mediaIds"]]


def uploaded(sandbox: Any, media: dict[str, Any]) -> bytes:
    return bytes(sandbox.state.uploads[media["originalSource"]["url"].rsplit("/files/", 1)[1]])


def link_rows(ws: Any) -> list[dict[str, Any]]:
    with ws.engine.connect() as conn:
        query = sa.select(t.shopify_media_link).order_by(t.shopify_media_link.c.item_no)
        return [dict(r) for r in conn.execute(query).mappings()]


def test_to_shopify_sends_changed_pictures_only(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    products = catalog(ws, sandbox, monkeypatch, "OUT")
    pictures = ItemPictures(ws.engine)
    bike, red = PNG + b"bike-1", PNG + b"bike-red"
    assert pictures.set("BIKE", bike) == "inserted"
    pictures.set("BIKE", red, variant_code="RED")
    ws.erp.items.add("GHOST", description="Not in Shopify")
    pictures.set("GHOST", PNG + b"ghost")
    ws.shops.set("OUT", sync_item_images="to_shopify")

    dry = ws.run("sync-images", shop="OUT", dry_run=True)
    assert dry.ok, dry.error
    assert sorted(dry.changes["action"]) == ["skip", "upload", "upload"]
    assert product_media(sandbox, products["BIKE"]) == [] and link_rows(ws) == []

    result = ws.run("sync-images", shop="OUT")
    assert result.ok, result.error
    assert result.stats["uploaded"] == 2 and result.stats["skipped"] == 1
    media = product_media(sandbox, products["BIKE"])
    assert [m["status"] for m in media] == ["READY", "READY"]
    assert sorted(uploaded(sandbox, m) for m in media) == sorted([bike, red])
    rows = {(r["item_no"], r["variant_code"]): r for r in link_rows(ws)}
    assert rows[("BIKE", "")]["sha256"] == sha256(bike) and rows[("BIKE", "RED")]["variant_id"] is not None
    assert rows[("BIKE", "RED")]["last_updated_by"] == "erp"

    before = link_rows(ws)
    rerun = ws.run("sync-images", shop="OUT")
    assert rerun.ok, rerun.error
    assert rerun.stats.get("api", {}).get("calls", 0) == 0 and rerun.stats.get("uploaded", 0) == 0
    assert link_rows(ws) == before

    pictures.set("BIKE", PNG + b"bike-2")
    changed = ws.run("sync-images", shop="OUT")
    assert changed.ok, changed.error
    assert changed.stats["uploaded"] == 1 and changed.stats["unchanged"] == 1
    assert uploaded(sandbox, product_media(sandbox, products["BIKE"])[-1]) == PNG + b"bike-2"


def test_from_shopify_downloads_new_images_once(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    products = catalog(ws, sandbox, monkeypatch, "IN")
    image = PNG + b"taken in the shop"
    client = ShopifyClient(sandbox.url, sandbox.token)
    source = upload(client, image, "bell.png", "image/png")
    media = [{"originalSource": source, "mediaContentType": "IMAGE", "alt": "Bell"}]
    client.execute(
        operations.load("ProductCreateMedia"),
        {"productId": f"gid://shopify/Product/{products['BELL']}", "media": media},
    )
    ws.shops.set("IN", sync_item_images="from_shopify")
    pictures = ItemPictures(ws.engine)

    dry = ws.run("sync-images", shop="IN", dry_run=True)
    assert dry.ok, dry.error
    assert list(dry.changes["action"]) == ["download"] and pictures.find("BELL") is None

    result = ws.run("sync-images", shop="IN")
    assert result.ok, result.error
    assert result.stats["downloaded"] == 1 and result.stats["no_image"] == 1  # BIKE has none
    assert pictures.content("BELL") == image and pictures.get("BELL").content_type == "image/png"
    assert link_rows(ws)[0]["last_updated_by"] == "shopify"

    before = (pictures.frame().to_dict("records"), link_rows(ws))
    rerun = ws.run("sync-images", shop="IN")
    assert rerun.ok, rerun.error
    assert rerun.stats["api"]["calls"] == 1 and rerun.stats.get("downloaded", 0) == 0  # the reads only
    assert (pictures.frame().to_dict("records"), link_rows(ws)) == before

    # the picture that came from Shopify is not sent back when the direction turns
    ws.shops.set("IN", sync_item_images="to_shopify")
    echo = ws.run("sync-images", shop="IN")
    assert echo.ok, echo.error
    assert echo.stats.get("uploaded", 0) == 0 and echo.stats.get("api", {}).get("calls", 0) == 0


def test_disabled_does_nothing(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    ws.shops.add("OFF", url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False)
    result = ws.run("sync-images", shop="OFF")
    assert result.ok and result.stats["nothing_to_do"] == 1


# --- variant images ------------------------------------------------------------------------------------


def variant_ids(ws: Any) -> dict[str, int]:
    """Shopify variant id by ERP variant code (BIKE's variants)."""
    with ws.engine.connect() as conn:
        query = sa.select(t.shopify_variant.c.variant_code, t.shopify_variant.c.id).where(
            t.shopify_variant.c.item_no == "BIKE"
        )
        return {code: vid for code, vid in conn.execute(query).all()}


def shown_on_variants(sandbox: Any, product_id: int) -> dict[int, list[tuple[str, bytes | None]]]:
    """What each variant of a product shows, read through the Admin API: (media id, bytes behind its URL)."""
    client = ShopifyClient(sandbox.url, sandbox.token)
    data = client.execute(
        operations.load("SyncVariantImages"), {"id": f"gid://shopify/Product/{product_id}", "first": 10}
    )
    out: dict[int, list[tuple[str, bytes | None]]] = {}
    for node in data["product"]["variants"]["nodes"]:
        media = node["media"]["nodes"]
        key = [(m["id"], sandbox.state.uploads.get(m["image"]["url"].rsplit("/files/", 1)[-1])) for m in media]
        out[int(node["id"].rsplit("/", 1)[1])] = key
    return out


def shop_image(sandbox: Any, product_id: int, content: bytes, name: str, variant_id: int | None = None) -> str:
    """Add an image to a product in the shop (as a merchant would), optionally shown on a variant: its media id."""
    client = ShopifyClient(sandbox.url, sandbox.token)
    source = upload(client, content, f"{name}.png", "image/png")
    product = f"gid://shopify/Product/{product_id}"
    media = [{"originalSource": source, "mediaContentType": "IMAGE", "alt": name}]
    data = client.execute(operations.load("ProductCreateMedia"), {"productId": product, "media": media})
    media_id = str(data["productCreateMedia"]["media"][0]["id"])
    if variant_id is not None:
        show(sandbox, product_id, variant_id, media_id)
    return media_id


def show(sandbox: Any, product_id: int, variant_id: int, media_id: str) -> None:
    client = ShopifyClient(sandbox.url, sandbox.token)
    variants = [{"id": f"gid://shopify/ProductVariant/{variant_id}", "mediaId": media_id}]
    data = client.execute(
        operations.load("SyncSetVariantMedia"),
        {"productId": f"gid://shopify/Product/{product_id}", "variants": variants},
    )
    assert data["productVariantsBulkUpdate"]["userErrors"] == []


def test_to_shopify_shows_variant_pictures_on_their_variants(
    ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    products = catalog(ws, sandbox, monkeypatch, "VOUT")
    variants = variant_ids(ws)
    pictures = ItemPictures(ws.engine)
    red, blue = PNG + b"red frame", PNG + b"blue frame"
    pictures.set("BIKE", PNG + b"bike", variant_code="")
    pictures.set("BIKE", red, variant_code="RED")
    pictures.set("BIKE", blue, variant_code="BLUE")
    ws.shops.set("VOUT", sync_item_images="to_shopify")

    result = ws.run("sync-images", shop="VOUT")
    assert result.ok, result.error
    assert result.stats["uploaded"] == 3 and result.stats.get("old_media_deleted", 0) == 0
    on_variants = shown_on_variants(sandbox, products["BIKE"])
    assert [content for _id, content in on_variants[variants["RED"]]] == [red]
    assert [content for _id, content in on_variants[variants["BLUE"]]] == [blue]
    rows = {(r["item_no"], r["variant_code"]): r for r in link_rows(ws)}
    red_media = on_variants[variants["RED"]][0][0]
    assert f"gid://shopify/MediaImage/{rows[('BIKE', 'RED')]['media_id']}" == red_media
    assert rows[("BIKE", "RED")]["variant_id"] == variants["RED"]

    rerun = ws.run("sync-images", shop="VOUT")
    assert rerun.ok, rerun.error
    assert rerun.stats.get("api", {}).get("calls", 0) == 0 and rerun.stats["unchanged"] == 3

    red2 = PNG + b"red frame, repainted"
    pictures.set("BIKE", red2, variant_code="RED")
    changed = ws.run("sync-images", shop="VOUT")
    assert changed.ok, changed.error
    assert changed.stats["uploaded"] == 1 and changed.stats["old_media_deleted"] == 1
    after = shown_on_variants(sandbox, products["BIKE"])
    assert [content for _id, content in after[variants["RED"]]] == [red2]
    assert after[variants["BLUE"]] == on_variants[variants["BLUE"]]
    assert sorted(uploaded(sandbox, m) for m in product_media(sandbox, products["BIKE"])) == sorted(
        [PNG + b"bike", blue, red2]
    ), "the replaced picture is gone from the product"

    # the picture a merchant chose for a variant is theirs: when the ERP's changes, it is not deleted
    theirs = shop_image(sandbox, products["BIKE"], PNG + b"merchant blue", "theirs")
    ws.shops.set("VOUT", sync_item_images="from_shopify")
    show(sandbox, products["BIKE"], variants["BLUE"], theirs)
    taken = ws.run("sync-images", shop="VOUT")
    assert taken.ok and taken.stats["downloaded"] == 1
    ws.shops.set("VOUT", sync_item_images="to_shopify")
    pictures.set("BIKE", PNG + b"blue again", variant_code="BLUE")
    again = ws.run("sync-images", shop="VOUT")
    assert again.ok and again.stats["uploaded"] == 1 and again.stats.get("old_media_deleted", 0) == 0
    assert theirs in [m["id"] for m in product_media(sandbox, products["BIKE"])]


def test_to_shopify_keeps_the_old_media_without_write_files(
    ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    products = catalog(ws, sandbox, monkeypatch, "VKEEP")
    variants = variant_ids(ws)
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.shop.add_token(["write_products"]))
    pictures = ItemPictures(ws.engine)
    pictures.set("BIKE", PNG + b"red", variant_code="RED")
    ws.shops.set("VKEEP", sync_item_images="to_shopify")
    assert ws.run("sync-images", shop="VKEEP").stats["uploaded"] == 1
    pictures.set("BIKE", PNG + b"red 2", variant_code="RED")

    result = ws.run("sync-images", shop="VKEEP")
    assert result.ok, result.error
    assert result.stats["uploaded"] == 1 and result.stats["old_media_kept"] == 1 and result.stats.get("failed", 0) == 0
    assert [c for _id, c in shown_on_variants(sandbox, products["BIKE"])[variants["RED"]]] == [PNG + b"red 2"]
    assert len(product_media(sandbox, products["BIKE"])) == 2
    assert not link_rows(ws)[0]["has_error"]


def test_to_shopify_variant_refused_is_marked(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    products = catalog(ws, sandbox, monkeypatch, "VBAD")
    variants = variant_ids(ws)
    pictures = ItemPictures(ws.engine)
    pictures.set("BIKE", PNG + b"red", variant_code="RED")
    pictures.set("BELL", PNG + b"bell")
    ws.shops.set("VBAD", sync_item_images="to_shopify")
    # the variant was deleted in the shop after the last sync-products: the mirror still has it
    product = sandbox.state.get(f"gid://shopify/Product/{products['BIKE']}", "Product")
    product["variantIds"].remove(f"gid://shopify/ProductVariant/{variants['RED']}")
    sandbox.state.table("ProductVariant").pop(variants["RED"])

    result = ws.run("sync-images", shop="VBAD")
    assert result.ok, result.error
    assert result.stats["uploaded"] == 1 and result.stats["failed"] == 1
    rows = {(r["item_no"], r["variant_code"]): r for r in link_rows(ws)}
    assert rows[("BIKE", "RED")]["has_error"] and "variant refused" in rows[("BIKE", "RED")]["error_message"]
    assert product_media(sandbox, products["BIKE"]) == [], "the media no variant shows is not left on the product"
    assert not rows[("BELL", "")]["has_error"]


def test_from_shopify_takes_variant_images(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    products = catalog(ws, sandbox, monkeypatch, "VIN")
    variants = variant_ids(ws)
    bike_id = products["BIKE"]
    main, red = PNG + b"whole bike", PNG + b"red bike"
    main_media = shop_image(sandbox, bike_id, main, "main")
    shop_image(sandbox, bike_id, red, "red", variants["RED"])
    show(sandbox, bike_id, variants["BLUE"], main_media)  # BLUE shows the product's featured image
    ws.shops.set("VIN", sync_item_images="from_shopify")
    pictures = ItemPictures(ws.engine)

    dry = ws.run("sync-images", shop="VIN", dry_run=True)
    assert dry.ok, dry.error
    assert sorted(zip(dry.changes["item_no"], dry.changes["variant_code"], strict=True)) == [
        ("BIKE", ""),
        ("BIKE", "RED"),
    ]
    assert pictures.frame().empty and link_rows(ws) == []

    result = ws.run("sync-images", shop="VIN")
    assert result.ok, result.error
    assert result.stats["downloaded"] == 2 and result.stats["variants_read"] == 2
    assert result.stats["variant_shows_product_image"] == 1 and result.stats["no_image"] == 1  # BELL has none
    assert pictures.content("BIKE") == main and pictures.content("BIKE", "RED") == red
    assert pictures.find("BIKE", "BLUE") is None, "the item's picture is not copied onto a variant"
    rows = {(r["item_no"], r["variant_code"]): r for r in link_rows(ws)}
    assert rows[("BIKE", "RED")]["last_updated_by"] == "shopify"
    assert rows[("BIKE", "RED")]["variant_id"] == variants["RED"] and rows[("BIKE", "RED")]["sha256"] == sha256(red)

    before = (pictures.frame().to_dict("records"), link_rows(ws))
    rerun = ws.run("sync-images", shop="VIN")
    assert rerun.ok, rerun.error
    assert rerun.stats["api"]["calls"] == 1 and rerun.stats.get("downloaded", 0) == 0  # one page of products
    assert (pictures.frame().to_dict("records"), link_rows(ws)) == before

    # the merchant shows another image on RED, and one that cannot be downloaded on BLUE
    red2 = PNG + b"red bike, new photo"
    shop_image(sandbox, bike_id, red2, "red2", variants["RED"])
    client = ShopifyClient(sandbox.url, sandbox.token)
    broken = [{"originalSource": f"{sandbox.url}/files/never-uploaded.png", "mediaContentType": "IMAGE"}]
    data = client.execute(
        operations.load("ProductCreateMedia"), {"productId": f"gid://shopify/Product/{bike_id}", "media": broken}
    )
    show(sandbox, bike_id, variants["BLUE"], data["productCreateMedia"]["media"][0]["id"])
    changed = ws.run("sync-images", shop="VIN")
    assert changed.ok, changed.error
    assert changed.stats["downloaded"] == 1 and changed.stats["failed"] == 1 and changed.stats["skipped"] == 1
    assert pictures.content("BIKE", "RED") == red2 and pictures.find("BIKE", "BLUE") is None
    rows = {(r["item_no"], r["variant_code"]): r for r in link_rows(ws)}
    assert rows[("BIKE", "BLUE")]["has_error"] and "HTTP 404" in rows[("BIKE", "BLUE")]["error_message"]

    # pictures that came from Shopify are not sent back when the direction turns
    ws.shops.set("VIN", sync_item_images="to_shopify")
    echo = ws.run("sync-images", shop="VIN")
    assert echo.ok, echo.error
    assert echo.stats.get("uploaded", 0) == 0 and echo.stats.get("api", {}).get("calls", 0) == 0


def test_from_shopify_does_not_take_back_what_the_erp_sent(
    ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    products = catalog(ws, sandbox, monkeypatch, "VECHO")
    variants = variant_ids(ws)
    pictures = ItemPictures(ws.engine)
    pictures.set("BIKE", PNG + b"bike")
    pictures.set("BIKE", PNG + b"red", variant_code="RED")
    ws.shops.set("VECHO", sync_item_images="to_shopify")
    assert ws.run("sync-images", shop="VECHO").stats["uploaded"] == 2
    sent = {(r["item_no"], r["variant_code"]): f"gid://shopify/MediaImage/{r['media_id']}" for r in link_rows(ws)}
    show(sandbox, products["BIKE"], variants["BLUE"], sent[("BIKE", "RED")])  # the merchant reuses RED's on BLUE

    ws.shops.set("VECHO", sync_item_images="from_shopify")
    monkeypatch.setattr("shopops.sync.images.sync_images.VARIANTS_PER_PRODUCT", 1)  # BIKE's 2nd variant: a second page
    result = ws.run("sync-images", shop="VECHO")
    assert result.ok, result.error
    assert result.stats.get("downloaded", 0) == 0 and result.stats["variants_read"] == 2
    assert result.stats["unchanged"] == 2 and result.stats["echo"] == 1  # BIKE and RED; BLUE shows RED's picture
    assert result.stats["api"]["calls"] == 2  # one page of products, BIKE's second page of variants
    assert pictures.find("BIKE", "BLUE") is None

    # the merchant deletes the main image: RED's picture, the ERP's own, becomes the product's featured image
    client = ShopifyClient(sandbox.url, sandbox.token)
    deleted = client.execute(operations.load("SyncDeleteMedia"), {"fileIds": [sent[("BIKE", "")]]})
    assert deleted["fileDelete"]["userErrors"] == []
    again = ws.run("sync-images", shop="VECHO")
    assert again.ok, again.error
    assert again.stats.get("downloaded", 0) == 0
    assert (
        again.stats["echo"] == 1 and again.stats["variant_shows_product_image"] == 1 and again.stats["unchanged"] == 1
    )
    assert pictures.content("BIKE") == PNG + b"bike" and pictures.find("BIKE", "BLUE") is None


def test_from_shopify_reads_only_products_changed_since_the_last_run(
    ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    products = catalog(ws, sandbox, monkeypatch, "CUR")
    ws.shops.set("CUR", sync_item_images="from_shopify")
    monkeypatch.setattr(state, "OVERLAP_S", 0)  # so that the setup above is not read again
    # Shopify stamps whole seconds, and the sandbox's clock ticks a second per change within one: wait until
    # the last change of the setup is in the past
    stamps = [p["updatedAt"] for p in sandbox.state.table("Product").values() if p.get("updatedAt")]
    latest = max(dt.datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps)
    time.sleep(max(0.0, (latest - dt.datetime.now(dt.UTC)).total_seconds()) + 1.1)
    first = ws.run("sync-images", shop="CUR")
    assert first.ok, first.error and first.stats["read"] == 2  # BIKE and BELL, no cursor yet
    quiet = ws.run("sync-images", shop="CUR")
    assert quiet.ok, quiet.error
    assert quiet.stats["api"]["calls"] == 1 and quiet.stats.get("read", 0) == 0  # nothing changed: one call

    bell = PNG + b"a new bell photo"
    shop_image(sandbox, products["BELL"], bell, "bell")  # a media change updates its product
    changed = ws.run("sync-images", shop="CUR")
    assert changed.ok, changed.error
    assert changed.stats["read"] == 1 and changed.stats["downloaded"] == 1
    assert ItemPictures(ws.engine).content("BELL") == bell
