"""sync-inventory against the sandbox, on SQLite and PostgreSQL: mapping, differences only, retries, guardrail."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from shopops.sandbox import Sandbox
from shopops.shopify import ShopifyClient
from shopops.sync.inventory.locations import refresh_shop_locations, set_shop_location, shop_locations
from shopops.sync.inventory.push import PushLine, push_batch


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="small", plan="standard") as shop:
        yield shop


def variants_of(sandbox: Any) -> list[dict[str, Any]]:
    return [v for v in sandbox.state.table("ProductVariant").values() if v.get("sku")]


def level_quantity(sandbox: Any, inventory_item_gid: str, location_gid: str, name: str = "available") -> int | None:
    for level in sandbox.state.table("InventoryLevel").values():
        if level["itemId"] == inventory_item_gid and level["locationId"] == location_gid:
            return int(level["quantities"].get(name, 0))
    return None


def setup_shop(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch, code: str = "INV") -> dict[str, Any]:
    """ERP items for every SKU'd variant of the seed, stock at MAIN, and the first location mapped to MAIN."""
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    ws.shops.add(code, url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False)
    ws.erp.locations.add("MAIN", name="Main")
    ws.erp.locations.add("EAST", name="East")
    locations = refresh_shop_locations(ws, code)
    first = locations.sort_values("location_id").iloc[0]
    set_shop_location(
        ws.engine, code, int(first.location_id), erp_location_filter="MAIN|EAST", stock_calculation="available"
    )
    location_gid = f"gid://shopify/Location/{int(first.location_id)}"
    stocked = []
    for v in variants_of(sandbox):
        if level_quantity(sandbox, v["inventoryItemId"], location_gid) is not None:
            stocked.append(v)
    for v in stocked[:20]:
        ws.erp.items.add(v["sku"], description=v["sku"])
    return {"location_gid": location_gid, "stocked": stocked[:20], "location_id": int(first.location_id)}


def test_locations_import_and_mapping(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    info = setup_shop(ws, sandbox, monkeypatch, "LOC")
    frame = shop_locations(ws.engine, "LOC")
    assert len(frame) == len(sandbox.state.table("Location"))
    assert set(frame.stock_calculation) == {"off", "available"}
    row = frame[frame.location_id == info["location_id"]].iloc[0]
    assert row.erp_location_filter == "MAIN|EAST" and row.quantity_name == "available"


def test_push_differences_then_rerun_sends_nothing(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    info = setup_shop(ws, sandbox, monkeypatch)
    stocked = info["stocked"]
    ws.erp.stock.set_quantity(stocked[0]["sku"], "MAIN", Decimal(7))
    ws.erp.stock.set_quantity(stocked[0]["sku"], "EAST", Decimal("3.5"))  # floored: 10 in total
    ws.erp.stock.set_quantity(stocked[1]["sku"], "MAIN", Decimal(4))
    ws.erp.stock.adjust(stocked[2]["sku"], "MAIN", Decimal(-3))  # negative stock is sent as 0
    result = ws.run("sync-inventory", shop="INV", force=True)
    assert result.ok, result.error
    assert level_quantity(sandbox, stocked[0]["inventoryItemId"], info["location_gid"]) == 10
    assert level_quantity(sandbox, stocked[1]["inventoryItemId"], info["location_gid"]) == 4
    assert level_quantity(sandbox, stocked[2]["inventoryItemId"], info["location_gid"]) == 0
    assert result.stats["updated"] >= 3 and result.stats.get("failed", 0) == 0
    rerun = ws.run("sync-inventory", shop="INV")
    assert rerun.ok, rerun.error
    assert rerun.stats.get("updated", 0) == 0
    print("rerun API calls:", rerun.stats["api"]["calls"])
    assert rerun.stats["api"]["calls"] <= 3
    dry = ws.run("sync-inventory", shop="INV", skip_import=True, dry_run=True)
    assert dry.ok and len(dry.changes) >= 20


def test_zero_stock_guardrail_refuses_unless_forced(ws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox(seed="small", plan="standard") as fresh:
        info = setup_shop(ws, fresh, monkeypatch, "ZERO")
        ws.shops.set("ZERO", zero_stock_limit=2)
        before = [level_quantity(fresh, v["inventoryItemId"], info["location_gid"]) for v in info["stocked"]]
        refused = ws.run("sync-inventory", shop="ZERO")
        assert refused.status == "error" and "zero stock" in (refused.error or "")
        assert "force=True" in (refused.error or "")
        after = [level_quantity(fresh, v["inventoryItemId"], info["location_gid"]) for v in info["stocked"]]
        assert before == after  # nothing was sent
        forced = ws.run("sync-inventory", shop="ZERO", force=True)
        assert forced.ok and forced.stats["updated"] > 2


def test_stale_and_bad_lines_do_not_fail_the_batch(sandbox: Any) -> None:
    client = ShopifyClient(sandbox.url, sandbox.token)
    location = next(iter(sandbox.state.table("Location").values()))["id"]
    items = [
        v["inventoryItemId"]
        for v in variants_of(sandbox)
        if level_quantity(sandbox, v["inventoryItemId"], location) is not None
    ][:3]
    current = [level_quantity(sandbox, i, location) for i in items]
    loc_id = int(location.rsplit("/", 1)[1])
    lines = [
        PushLine(int(items[0].rsplit("/", 1)[1]), loc_id, 11, change_from=(current[0] or 0) + 99),  # stale
        PushLine(999_999_999, loc_id, 5, change_from=None, label="bad"),  # unknown inventory item
        PushLine(int(items[1].rsplit("/", 1)[1]), loc_id, 12, change_from=current[1]),
    ]
    result = push_batch(client, "available", lines, reference="gid://shopops/Test/1")
    assert [line.label for line, _ in result.failed] == ["bad"]
    assert len(result.done) == 2 and result.calls >= 2
    assert level_quantity(sandbox, items[0], location) == 11
    assert level_quantity(sandbox, items[1], location) == 12


def _table_state(ws: Any) -> list[Any]:
    """Row counts and the newest updated_at of every table a quiet rerun must leave alone."""
    import sqlalchemy as sa

    from shopops.store import tables as t

    out: list[Any] = []
    with ws.engine.connect() as conn:
        for table in (t.shopify_product, t.shopify_variant, t.shopify_inventory_level, t.shop_location, t.sync_cursor):
            out.append(conn.execute(sa.select(sa.func.count(), sa.func.max(table.c.updated_at))).one())
        out.append(conn.execute(sa.select(sa.func.count()).select_from(t.skipped_record)).scalar_one())
        out.append(conn.execute(sa.select(sa.func.count()).select_from(t.erp_item)).scalar_one())
    return out


@pytest.mark.slow
def test_quiet_reruns_at_scale_make_at_most_three_calls(ws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The must-show: with nothing changed, each report reruns in <= 3 API calls and writes nothing.

    2,000 variants here (SHOPOPS_SCALE_VARIANTS to change it); bench/catalog.py runs it at 20,000.
    """
    import os

    variants = int(os.environ.get("SHOPOPS_SCALE_VARIANTS", "2000"))
    seed = {"locations": 2, "products": variants // 4, "variants": variants, "customers": 0, "orders": 0}
    with Sandbox(seed=seed, plan="standard") as box:
        monkeypatch.setenv("SANDBOX_TOKEN", box.token)
        ws.shops.add(
            "BIG",
            url=box.url,
            token_env="SANDBOX_TOKEN",
            allow_background_sync=False,
            sync_item="from_shopify",
            auto_create_unknown_items=True,
            zero_stock_limit=10**6,
        )
        ws.erp.locations.add("MAIN", name="Main")
        assert ws.run("sync-products", shop="BIG").ok
        first = refresh_shop_locations(ws, "BIG").sort_values("location_id").iloc[0]
        set_shop_location(
            ws.engine, "BIG", int(first.location_id), erp_location_filter="MAIN", stock_calculation="on_hand"
        )
        assert ws.run("sync-inventory", shop="BIG").ok
        ws.shops.set("BIG", sync_item="to_shopify", shopify_can_update_items=False, can_update_shopify_products=True)
        assert ws.run("sync-products", shop="BIG", force=True).ok
        ws.shops.set("BIG", sync_item="from_shopify")
        echoes = ws.run("sync-products", shop="BIG")  # the export's own changes come back once as echoes
        assert echoes.ok and echoes.stats.get("echo", 0) > 0 and echoes.stats.get("items_updated", 0) == 0
        calls = {}
        for report, card in (
            ("sync-inventory", {}),
            ("sync-products", {"sync_item": "to_shopify"}),
            ("sync-products", {"sync_item": "from_shopify"}),
        ):
            ws.shops.set("BIG", **card)
            before = _table_state(ws)
            result = ws.run(report, shop="BIG")
            assert result.ok, result.error
            name = f"{report} ({card.get('sync_item', 'stock')})"
            calls[name] = result.stats.get("api", {}).get("calls", 0)
            assert _table_state(ws) == before, f"{name} wrote something: {result.stats}"
        print(f"quiet reruns on {variants} variants, API calls:", calls)
        assert all(n <= 3 for n in calls.values()), calls
