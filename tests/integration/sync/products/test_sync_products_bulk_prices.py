"""sync-products: 100 or more changed variant prices go as one bulk mutation (issue 6), on both backends."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from shopops.sandbox import Sandbox
from shopops.shopify.client import ShopifyClient
from shopops.sync.products import sync_products
from shopops.sync.state import skipped_records

ITEMS = 55  # two variants each: 110 variant prices, over BULK_PRICE_THRESHOLD
_NAME = re.compile(r"^\s*(?:query|mutation)\s+(\w+)", re.MULTILINE)


@pytest.fixture
def sandbox() -> Iterator[Any]:
    """A small shop with a roomy plan, so creating the products first is not throttled."""
    with Sandbox(seed="small", plan=(50_000.0, 100_000.0)) as shop:
        yield shop


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Operation names of every ``ShopifyClient.execute`` call, counted."""
    counter: Counter[str] = Counter()
    original = ShopifyClient.execute

    def counting(self: ShopifyClient, document: str, *args: Any, **kwargs: Any) -> Any:
        match = _NAME.search(document)
        counter[match.group(1) if match else "?"] += 1
        return original(self, document, *args, **kwargs)

    monkeypatch.setattr(ShopifyClient, "execute", counting)
    return counter


def _prices(sandbox: Any) -> dict[str, Decimal]:
    return {str(v.get("sku")): Decimal(str(v["price"])) for v in sandbox.state.table("ProductVariant").values()}


def test_many_price_changes_go_as_one_bulk_mutation(
    ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch, sent: Counter[str]
) -> None:
    assert sync_products.BULK_PRICE_THRESHOLD == 100
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    ws.shops.add(
        "BLK",
        url=sandbox.url,
        token_env="SANDBOX_TOKEN",
        allow_background_sync=False,
        sync_item="to_shopify",
        sku_mapping="item_no_variant_code",
    )
    for n in range(ITEMS):
        no = f"BULK{n:03d}"
        ws.erp.items.add(no, description=f"Bulk item {n}", unit_price=Decimal("10.00"))
        ws.erp.items.add_variant(no, "A", "A")
        ws.erp.items.add_variant(no, "B", "B")
    created = ws.run("sync-products", shop="BLK")
    assert created.ok, created.error
    assert created.stats["created"] == ITEMS

    for n in range(ITEMS):
        ws.erp.items.update(f"BULK{n:03d}", unit_price=Decimal("10.50"))
    gone_sku = "BULK007|A"
    gone = next(v for v in sandbox.state.table("ProductVariant").values() if v.get("sku") == gone_sku)
    with sandbox.state.lock:  # deleted in Shopify behind the ERP's back: that product's line fails
        del sandbox.state.table("ProductVariant")[int(gone["legacyResourceId"])]
    sent.clear()
    prices = ws.run("sync-products", shop="BLK", only_prices=True)
    assert prices.ok, prices.error
    print("bulk price run calls:", dict(sent), "api:", prices.stats["api"]["calls"])
    assert sent["BulkOperationRunMutation"] == 1
    assert sent["StagedUploadsCreate"] == 1
    assert sent["ProductVariantsBulkUpdate"] == 0, "no per-product call"
    assert prices.stats["api"]["calls"] <= 12, "staging, starting and a few polls, whatever the product count"
    assert prices.stats["bulk_mutations"] == 1
    assert prices.stats["prices_updated"] == 2 * ITEMS - 2
    assert prices.stats["failed"] == 1
    ops = [b for b in sandbox.state.table("BulkOperation").values() if b["type"] == "MUTATION"]
    assert len(ops) == 1 and ops[0]["status"] == "COMPLETED"

    now = _prices(sandbox)
    assert now["BULK006|A"] == now["BULK006|B"] == now["BULK054|B"] == Decimal("10.50")
    assert now["BULK007|B"] == Decimal("10.00"), "the failing product's update is refused whole"
    skipped = skipped_records(ws.engine, "BLK", "sync-products")
    reasons = dict(zip(skipped["record_id"], skipped["reason"], strict=False))
    assert "BULK007" in reasons and "refused the prices" in reasons["BULK007"]
    assert set(reasons) == {"BULK007"}

    sent.clear()
    again = ws.run("sync-products", shop="BLK", only_prices=True)
    assert again.ok, again.error
    assert sent["BulkOperationRunMutation"] == 0
    assert sent["ProductVariantsBulkUpdate"] <= 1, "only the refused product is tried again, on its own"


def test_few_price_changes_keep_one_call_per_product(
    ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch, sent: Counter[str]
) -> None:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.token)
    ws.shops.add("FEW", url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False, sync_item="to_shopify")
    for n in range(3):
        ws.erp.items.add(f"FEW{n}", description=f"Few {n}", unit_price=Decimal("5.00"))
    assert ws.run("sync-products", shop="FEW").ok
    for n in range(3):
        ws.erp.items.update(f"FEW{n}", unit_price=Decimal("5.25"))
    sent.clear()
    result = ws.run("sync-products", shop="FEW", only_prices=True)
    assert result.ok, result.error
    assert sent["ProductVariantsBulkUpdate"] == 3 and sent["BulkOperationRunMutation"] == 0
    assert result.stats["prices_updated"] == 3
    again = ws.run("sync-products", shop="FEW", only_prices=True)
    assert again.ok and again.stats.get("api", {}).get("calls", 0) == 0
