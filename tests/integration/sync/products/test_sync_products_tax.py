"""sync-products converts prices between gross and net with the ERP's tax rates, on SQLite and PostgreSQL.

A shop with prices including tax gets gross prices from net lines and from the (net) unit price; a net shop
gets net prices from gross lines; an item without a rate is skipped with what to set up, and the run goes
on; a changed rate is a changed price on the next run, by one call per product, by productSet, or by the
bulk mutation; a rerun with nothing changed sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.sandbox import Sandbox
from shopops.store import tables as t
from shopops.sync.products import sync_products
from shopops.sync.products.prices import add_price
from shopops.sync.state import skipped_records


@pytest.fixture
def sandbox() -> Iterator[Any]:
    """A small shop with a roomy plan, so creating products and a bulk mutation are not throttled."""
    with Sandbox(seed="small", plan=(50_000.0, 100_000.0)) as shop:
        yield shop


def add_shop(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch, code: str, **card: Any) -> None:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    ws.shops.add(
        code,
        url=sandbox.url,
        token_env="SANDBOX_TOKEN",
        allow_background_sync=False,
        sync_item="to_shopify",
        sku_mapping="item_no",
        **card,
    )


def shopify_prices(sandbox: Any) -> dict[str, tuple[D, D | None]]:
    """Price and compare-at price of every variant in the sandbox, by SKU."""
    out = {}
    for v in sandbox.state.table("ProductVariant").values():
        compare = v.get("compareAtPrice")
        out[str(v.get("sku"))] = (D(str(v["price"])), D(str(compare)) if compare is not None else None)
    return out


def skip_reasons(ws: Any, shop: str) -> dict[str, str]:
    skipped = skipped_records(ws.engine, shop, "sync-products")
    return dict(zip(skipped["record_id"], skipped["reason"], strict=False))


def test_shop_with_prices_including_tax(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    add_shop(ws, sandbox, monkeypatch, "GROSS", prices_including_tax=True, tax_business_group="DOMESTIC")
    ws.erp.tax_rates.set("DOMESTIC", "STANDARD", D("25"))
    ws.erp.tax_rates.set("DOMESTIC", "ZERO", D("0"))
    items = ws.erp.items
    items.add("NETLINE", description="Net price line", unit_price=D("1.00"), tax_group_code="STANDARD")
    add_price(ws.engine, "NETLINE", D("100.00"), compare_at_price=D("120.00"))  # net
    items.add("UNIT", description="Unit price only", unit_price=D("80.00"), tax_group_code="STANDARD")
    items.add("GROSSLINE", description="Gross price line", unit_price=D("1.00"), tax_group_code="STANDARD")
    add_price(ws.engine, "GROSSLINE", D("62.50"), price_includes_tax=True)
    items.add("TAXFREE", description="Zero rate", unit_price=D("40.00"), tax_group_code="ZERO")
    items.add("NORATE", description="No rate yet", unit_price=D("10.00"), tax_group_code="REDUCED")

    plan = ws.run("sync-products", shop="GROSS", dry_run=True)
    assert plan.ok, plan.error
    reasons = dict(zip(plan.changes["item_no"], plan.changes["reason"], strict=True))
    assert "needs a tax rate for business group DOMESTIC and product group REDUCED" in reasons["NORATE"]

    first = ws.run("sync-products", shop="GROSS")
    assert first.ok, first.error
    assert first.stats["created"] == 4 and first.stats["skipped"] == 1, "the rest of the run goes on"
    assert skip_reasons(ws, "GROSS") == {
        "NORATE": "item NORATE needs a tax rate for business group DOMESTIC and product group REDUCED "
        "(ws.erp.tax_rates.set) to turn its net price into a gross one"
    }
    prices = shopify_prices(sandbox)
    assert prices["NETLINE"] == (D("125.00"), D("150.00")), "net line + 25 %, compare-at too"
    assert prices["UNIT"][0] == D("100.00"), "the unit price is net: + 25 %"
    assert prices["GROSSLINE"][0] == D("62.50"), "already gross"
    assert prices["TAXFREE"][0] == D("40.00"), "a rate of 0 is a rate"
    assert "NORATE" not in prices

    ws.erp.tax_rates.set("DOMESTIC", "REDUCED", D("12"))
    second = ws.run("sync-products", shop="GROSS")
    assert second.ok, second.error
    assert second.stats["created"] == 1 and second.stats["unchanged"] == 4
    assert shopify_prices(sandbox)["NORATE"][0] == D("11.20")

    quiet = ws.run("sync-products", shop="GROSS")
    assert quiet.ok and quiet.stats.get("api", {}).get("calls", 0) == 0 and quiet.stats["unchanged"] == 5

    ws.erp.tax_rates.set("DOMESTIC", "STANDARD", D("20"))  # can_update_shopify_products is off: prices only
    changed = ws.run("sync-products", shop="GROSS")
    assert changed.ok, changed.error
    assert changed.stats["prices_updated"] == 2 and changed.stats["unchanged"] == 3
    prices = shopify_prices(sandbox)
    assert prices["NETLINE"] == (D("120.00"), D("144.00"))
    assert prices["UNIT"][0] == D("96.00")
    assert prices["GROSSLINE"][0] == D("62.50"), "a gross price does not move with the rate of a gross shop"

    again = ws.run("sync-products", shop="GROSS")
    assert again.ok and again.stats.get("api", {}).get("calls", 0) == 0, "nothing changed: nothing sent"
    assert again.stats.get("prices_updated", 0) == 0 and again.stats.get("skipped", 0) == 0


def test_net_shop_gets_net_prices_from_gross_lines(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    add_shop(ws, sandbox, monkeypatch, "NET", tax_business_group="DOMESTIC", can_update_shopify_products=True)
    ws.erp.tax_rates.set("DOMESTIC", "STANDARD", D("25"))
    ws.erp.items.add("GROSS", description="Gross line", unit_price=D("1.00"), tax_group_code="STANDARD")
    add_price(ws.engine, "GROSS", D("125.00"), compare_at_price=D("150.00"), price_includes_tax=True)
    ws.erp.items.add("PLAIN", description="Unit price", unit_price=D("80.00"))  # net shop: no rate needed
    ws.erp.items.add("NOGROUP", description="No product group", unit_price=D("1.00"))
    add_price(ws.engine, "NOGROUP", D("50.00"), price_includes_tax=True)

    first = ws.run("sync-products", shop="NET")
    assert first.ok, first.error
    assert first.stats["created"] == 2 and first.stats["skipped"] == 1
    assert "item NOGROUP has no tax_group_code" in skip_reasons(ws, "NET")["NOGROUP"]
    assert skip_reasons(ws, "NET")["NOGROUP"].endswith("to turn its gross price into a net one")
    prices = shopify_prices(sandbox)
    assert prices["GROSS"] == (D("100.00"), D("120.00"))
    assert prices["PLAIN"][0] == D("80.00")

    ws.erp.tax_rates.set("DOMESTIC", "STANDARD", D("20"))  # can_update_shopify_products: a productSet
    changed = ws.run("sync-products", shop="NET")
    assert changed.ok, changed.error
    assert changed.stats["updated"] == 1 and changed.stats["unchanged"] == 1
    assert shopify_prices(sandbox)["GROSS"] == (D("104.17"), D("125.00"))

    ws.erp.items.update("NOGROUP", tax_group_code="STANDARD")
    fixed = ws.run("sync-products", shop="NET")
    assert fixed.ok and fixed.stats["created"] == 1 and fixed.stats.get("skipped", 0) == 0
    assert shopify_prices(sandbox)["NOGROUP"][0] == D("41.67")
    quiet = ws.run("sync-products", shop="NET")
    assert quiet.ok and quiet.stats.get("api", {}).get("calls", 0) == 0


def test_the_bulk_price_path_sends_the_converted_prices(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_products, "BULK_PRICE_THRESHOLD", 2)
    add_shop(ws, sandbox, monkeypatch, "BULK", prices_including_tax=True, tax_business_group="DOMESTIC")
    ws.erp.tax_rates.set("DOMESTIC", "STANDARD", D("25"))
    for n in range(3):
        ws.erp.items.add(f"BLK{n}", description=f"Bulk {n}", unit_price=D("10.00"), tax_group_code="STANDARD")
    assert ws.run("sync-products", shop="BULK").ok
    assert {shopify_prices(sandbox)[f"BLK{n}"][0] for n in range(3)} == {D("12.50")}

    ws.erp.tax_rates.set("DOMESTIC", "STANDARD", D("21"))
    bulk = ws.run("sync-products", shop="BULK", only_prices=True)
    assert bulk.ok, bulk.error
    assert bulk.stats["bulk_mutations"] == 1 and bulk.stats["prices_updated"] == 3
    assert {shopify_prices(sandbox)[f"BLK{n}"][0] for n in range(3)} == {D("12.10")}
    again = ws.run("sync-products", shop="BULK", only_prices=True)
    assert again.ok and again.stats.get("api", {}).get("calls", 0) == 0


def test_gross_import_keeps_a_net_unit_price_and_exports_the_same_price(
    ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws.erp.tax_rates.set("DOMESTIC", "STANDARD", D("25"))
    ws.erp.items.add("TEMPLATE", description="Item template", tax_group_code="STANDARD")
    add_shop(
        ws,
        sandbox,
        monkeypatch,
        "GIMP",
        prices_including_tax=True,
        tax_business_group="DOMESTIC",
        item_template="TEMPLATE",
        auto_create_unknown_items=True,
    )
    ws.shops.set("GIMP", sync_item="from_shopify")
    imported = ws.run("sync-products", shop="GIMP")
    assert imported.ok, imported.error and imported.stats["items_created"] > 0
    prices = shopify_prices(sandbox)
    gross = prices["SKU-00002-01"][0]
    item = ws.erp.items.get("SKU-00002-01")
    assert item.unit_price == (gross / D("1.25")).quantize(D("0.01"))  # the ERP keeps net prices
    with ws.engine.connect() as conn:
        lines = conn.execute(
            sa.select(t.erp_price_list_line).where(t.erp_price_list_line.c.item_no == "SKU-00002-01")
        ).mappings()
        got = [(r["variant_code"], r["unit_price"], r["price_includes_tax"]) for r in lines]
    assert ("", gross, True) in got and all(incl for _, _, incl in got)  # the shop's own (gross) basis

    ws.shops.set("GIMP", sync_item="to_shopify", can_update_shopify_products=True)
    by_variant = {vid: v["price"] for vid, v in sandbox.state.table("ProductVariant").items()}
    sent = ws.run("sync-products", shop="GIMP")
    assert sent.ok, sent.error
    after = {vid: v["price"] for vid, v in sandbox.state.table("ProductVariant").items()}
    # (the template item itself goes out as a new product; every product that came in keeps its price)
    assert {
        vid: after[vid] for vid in by_variant
    } == by_variant  # the export sends back Shopify's own prices: tax is not added a second time
