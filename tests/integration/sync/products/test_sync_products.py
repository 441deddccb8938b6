"""sync-products against the sandbox, both directions, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.sandbox import Sandbox
from shopops.store import tables as t
from shopops.sync.products.prices import add_price


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="small", plan="standard") as shop:
        yield shop


def mirror_stamps(ws: Any) -> list[Any]:
    """Every mirror row's updated_at: equal lists mean nothing was written."""
    with ws.engine.connect() as conn:
        products = conn.execute(sa.select(t.shopify_product.c.updated_at).order_by(t.shopify_product.c.id)).all()
        variants = conn.execute(sa.select(t.shopify_variant.c.updated_at).order_by(t.shopify_variant.c.id)).all()
    return [*products, *variants]


def test_import_creates_items_and_a_quiet_rerun_costs_one_call(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "IMP", sync_item="from_shopify", auto_create_unknown_items=True, sku_mapping="item_no")
    result = ws.run("sync-products", shop="IMP")
    assert result.ok, result.error
    products = len([p for p in sandbox.state.table("Product").values() if not p.get("isGiftCard")])
    assert result.stats["products"] == products
    assert result.stats["items_created"] >= products - 2  # a product may share an item via barcode
    frame = ws.erp.items.frame()
    assert "SKU-00002-01" in set(frame["no"])
    with ws.engine.connect() as conn:
        unmapped = conn.execute(
            sa.select(sa.func.count()).select_from(t.shopify_variant).where(t.shopify_variant.c.item_no.is_(None))
        ).scalar_one()
    assert unmapped == 0
    before = mirror_stamps(ws)
    rerun = ws.run("sync-products", shop="IMP")
    assert rerun.ok, rerun.error
    print("quiet import rerun API calls:", rerun.stats["api"]["calls"])
    assert rerun.stats["api"]["calls"] <= 3
    assert mirror_stamps(ws) == before


def test_export_creates_updates_guards_and_archives(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(
        sandbox,
        "EXP",
        sync_item="to_shopify",
        can_update_shopify_products=True,
        sku_mapping="item_no_variant_code",
        action_for_removed_products="archive",
        price_change_limit_pct=30,
    )
    ws.erp.items.add("BIKE", description="Bicycle", unit_price=Decimal("499.00"))
    ws.erp.items.add_variant("BIKE", "RED", "Red frame")
    ws.erp.items.add_variant("BIKE", "BLUE", "Blue frame")
    ws.erp.items.add_reference("BIKE", "5701234567890", variant_code="RED")
    ws.erp.items.add("BELL", description="Bell", unit_price=Decimal("9.95"))
    add_price(ws.engine, "BIKE", Decimal("450.00"), variant_code="BLUE", compare_at_price=Decimal("499.00"))
    before_products = len(sandbox.state.table("Product"))
    result = ws.run("sync-products", shop="EXP")
    assert result.ok, result.error
    assert result.stats["created"] == 2
    assert len(sandbox.state.table("Product")) == before_products + 2
    by_sku = {v.get("sku"): v for v in sandbox.state.table("ProductVariant").values()}
    assert str(by_sku["BIKE|BLUE"]["price"]) in ("450.00", "450.0", "450")
    assert by_sku["BIKE|RED"]["barcode"] == "5701234567890"
    assert Decimal(str(by_sku["BIKE|BLUE"]["compareAtPrice"])) == Decimal("499.00")

    quiet = ws.run("sync-products", shop="EXP")
    assert quiet.ok and quiet.stats.get("api", {}).get("calls", 0) == 0 and quiet.stats["unchanged"] == 2

    ws.erp.items.update("BELL", unit_price=Decimal("19.95"))  # +100 %: over the 30 % limit
    refused = ws.run("sync-products", shop="EXP")
    assert refused.status == "error" and "BELL" in (refused.error or "") and "force=True" in (refused.error or "")
    forced = ws.run("sync-products", shop="EXP", force=True)
    assert forced.ok and forced.stats["updated"] == 1
    assert Decimal(str(by_sku_now(sandbox)["BELL"]["price"])) == Decimal("19.95")

    ws.erp.items.update("BELL", blocked=True)
    archived = ws.run("sync-products", shop="EXP")
    assert archived.ok, archived.error
    bell = next(p for p in sandbox.state.table("Product").values() if p["title"] == "Bell")
    assert bell["status"] == "ARCHIVED"


def by_sku_now(sandbox: Any) -> dict[str, Any]:
    return {v.get("sku"): v for v in sandbox.state.table("ProductVariant").values()}


def test_export_then_import_suppresses_the_echo(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "ECHO", sync_item="to_shopify", sku_mapping="item_no")
    ws.erp.items.add("LAMP", description="Lamp", unit_price=Decimal("25.00"))
    # a first import maps the seed's products (none match an item), then the export creates LAMP
    assert ws.run("sync-products", shop="ECHO").ok
    ws.shops.set("ECHO", sync_item="from_shopify")
    imported = ws.run("sync-products", shop="ECHO")
    assert imported.ok, imported.error
    assert imported.stats.get("echo", 0) >= 1
    assert ws.erp.items["LAMP"].description == "Lamp"


def test_price_only_run_sends_changed_prices(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "PRC", sync_item="to_shopify", sku_mapping="item_no")
    ws.erp.items.add("MUG", description="Mug", unit_price=Decimal("10.00"))
    assert ws.run("sync-products", shop="PRC").ok
    ws.erp.items.update("MUG", unit_price=Decimal("11.00"))
    prices = ws.run("sync-products", shop="PRC")  # can_update_shopify_products is off: prices only
    assert prices.ok, prices.error
    assert prices.stats["prices_updated"] == 1
    assert Decimal(str(by_sku_now(sandbox)["MUG"]["price"])) == Decimal("11.00")
    again = ws.run("sync-products", shop="PRC")
    assert again.ok and again.stats.get("api", {}).get("calls", 0) == 0
