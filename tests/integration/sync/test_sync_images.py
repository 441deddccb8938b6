"""sync-images against the sandbox, both directions, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.erp.pictures import ItemPictures, sha256
from shopops.sandbox import Sandbox
from shopops.shopify import ShopifyClient, operations
from shopops.store import tables as t
from shopops.sync.image_transfer import upload

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
