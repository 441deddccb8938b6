"""StockCalculation, location filters, SKU mapping, prices guardrails: pure rules, no I/O."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopops.errors import ConfigError
from shopops.sync.guardrails import GuardrailRefused, check_price_changes, check_zero_stock
from shopops.sync.inventory.push import PushLine, batches
from shopops.sync.inventory.stock_calculation import (
    StockCalculation,
    matches_filter,
    parse_location_filter,
    push_quantity,
    whole_units,
)
from shopops.sync.products.variants import ErpIndex, ErpItem

LEVELS = [
    {
        "item_no": "1000",
        "variant_code": "",
        "location_code": "MAIN",
        "on_hand": Decimal(10),
        "reserved": Decimal(3),
        "available": Decimal(7),
        "projected": Decimal(8),
    },
    {
        "item_no": "1000",
        "variant_code": "",
        "location_code": "EAST",
        "on_hand": Decimal("2.5"),
        "reserved": Decimal(0),
        "available": Decimal("2.5"),
        "projected": Decimal("2.5"),
    },
    {
        "item_no": "1000",
        "variant_code": "RED",
        "location_code": "WEST",
        "on_hand": Decimal(-4),
        "reserved": Decimal(0),
        "available": Decimal(-4),
        "projected": Decimal(-4),
    },
]


def test_each_method_over_the_filter() -> None:
    assert StockCalculation("on_hand", "MAIN|EAST").stock(LEVELS) == {("1000", ""): 12}
    assert StockCalculation("available", "MAIN").stock(LEVELS) == {("1000", ""): 7}
    assert StockCalculation("projected", "main").stock(LEVELS) == {("1000", ""): 8}
    assert StockCalculation("on_hand", "").stock(LEVELS) == {("1000", ""): 12, ("1000", "RED"): -4}
    assert StockCalculation("off", "MAIN").stock(LEVELS) == {}
    assert not StockCalculation().enabled


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ConfigError):
        StockCalculation("free")


def test_filter_parts_and_wildcards() -> None:
    assert parse_location_filter(" main | East ||") == ("MAIN", "EAST")
    assert matches_filter("EAST", ("E*",)) and not matches_filter("WEST", ("E*",))
    assert matches_filter("ANY", ())


@given(st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=3))
def test_whole_units_floor_and_never_negative_when_pushed(qty: Decimal) -> None:
    units = whole_units(qty)
    assert units <= qty < units + 1
    assert push_quantity(units) >= 0


def test_batches_of_250() -> None:
    lines = [PushLine(i, 1, 0) for i in range(501)]
    assert [len(b) for b in batches(lines)] == [250, 250, 1]
    assert lines[0].as_input()["changeFromQuantity"] is None and "changeFromQuantity" in lines[0].as_input()


def card(**kw: object) -> SimpleNamespace:
    base = {"sku_mapping": "item_no", "sku_separator": "|", "find_mapping_by_barcode": True}
    return SimpleNamespace(**{**base, **kw})


def index() -> ErpIndex:
    idx = ErpIndex()
    item = ErpItem("1000", "Bike", "inventory", False, "V-77", Decimal(1))
    item.variants = {"RED": False, "BLUE": False}
    idx.items["1000"] = item
    idx.items_by_variant_code["RED"].append("1000")
    idx.barcodes["5701"] = ("1000", "BLUE")
    idx.barcode_of[("1000", "BLUE")] = "5701"
    idx.by_vendor_item_no["V-77"] = "1000"
    return idx


def test_sku_mapping_both_ways() -> None:
    idx = index()
    assert idx.map_variant("1000", None, card()) == ("1000", "")
    assert idx.map_variant("1000|red", None, card(sku_mapping="item_no_variant_code")) == ("1000", "RED")
    assert idx.map_variant("1000|GREEN", None, card(sku_mapping="item_no_variant_code")) is None
    assert idx.map_variant("RED", None, card(sku_mapping="variant_code")) == ("1000", "RED")
    assert idx.map_variant("v-77", None, card(sku_mapping="vendor_item_no")) == ("1000", "")
    assert idx.map_variant("nope", "5701", card()) == ("1000", "BLUE")  # barcode fallback
    assert idx.map_variant("nope", "5701", card(find_mapping_by_barcode=False)) is None
    assert idx.sku_for("1000", "RED", card(sku_mapping="item_no_variant_code")) == "1000|RED"
    assert idx.sku_for("1000", "BLUE", card(sku_mapping="barcode")) == "5701"


def test_guardrails_refuse_with_the_list_unless_forced() -> None:
    moves = [("1000", Decimal(100), Decimal(250)), ("2000", Decimal(10), Decimal(11))]
    with pytest.raises(GuardrailRefused, match=r"1000: 100 -> 250 \(150%\)"):
        check_price_changes(moves, 50, force=False, report="sync-products")
    check_price_changes(moves, 50, force=True, report="sync-products")
    check_zero_stock(["a", "b"], 2, force=False, report="sync-inventory")
    with pytest.raises(GuardrailRefused, match="3 variant-location"):
        check_zero_stock(["a", "b", "c"], 2, force=False, report="sync-inventory")
