"""Seeding (deterministic, sized, realistic) and the store's clock (no I/O)."""

from __future__ import annotations

import json

import pytest

from shopops.sandbox.state.seed import SIZES, resolve_size, seed_shop, variant_counts
from shopops.sandbox.state.store import ShopInfo, ShopState, gid, parse_gid


def _shop(size: str | dict[str, int], rng_seed: int = 42) -> ShopState:
    return seed_shop(ShopState(ShopInfo("demo", "Demo")), size, rng_seed)


def test_same_seed_same_shop() -> None:
    a, b = _shop("small"), _shop("small")
    assert json.dumps(a.tables, sort_keys=True, default=str) == json.dumps(b.tables, sort_keys=True, default=str)
    c = _shop("small", rng_seed=7)
    assert json.dumps(a.tables, default=str) != json.dumps(c.tables, default=str)


@pytest.mark.parametrize("size", ["empty", "tiny", "small"])
def test_sizes_are_exact(size: str) -> None:
    counts = SIZES[size]
    shop = _shop(size)
    assert len(shop.table("Product")) == counts["products"]
    assert len(shop.table("ProductVariant")) == counts["variants"]
    assert len(shop.table("Customer")) == counts["customers"]
    assert len(shop.table("Order")) == counts["orders"]


def test_dict_of_counts_and_unknown_name() -> None:
    shop = _shop({"products": 3, "variants": 9, "customers": 2, "orders": 4})
    assert len(shop.table("ProductVariant")) == 9
    with pytest.raises(ValueError, match="unknown seed"):
        resolve_size("huge")


def test_variant_counts_sum_and_vary() -> None:
    import random

    counts = variant_counts(random.Random(1), 1000, 4000)
    assert sum(counts) == 4000 and min(counts) >= 1 and max(counts) <= 108
    assert len(set(counts)) > 5


def test_clock_moves_forward_and_after_seed() -> None:
    shop = _shop("tiny")
    newest = max(r["updatedAt"] for rows in shop.tables.values() for r in rows.values() if "updatedAt" in r)
    stamps = [shop.now() for _ in range(3)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3 and stamps[0] > newest


def test_gids() -> None:
    assert gid("Product", 5) == "gid://shopify/Product/5"
    assert parse_gid("gid://shopify/Product/5") == ("Product", 5)
    assert parse_gid("gid://shopify/Product/x") is None and parse_gid("nope") is None and parse_gid(None) is None


@pytest.mark.slow
def test_large_variant_count_generates() -> None:
    shop = _shop({"products": 25000, "variants": 100000, "customers": 10, "orders": 10, "locations": 4})
    assert len(shop.table("ProductVariant")) == 100000
