"""Price lookup: the best line on either tax basis, converted to the card's with the ERP tax rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

import shopops
from shopops.shop_settings import ShopSettings
from shopops.sync.products.exporting import build_variants
from shopops.sync.products.prices import Price, PriceList, add_price, convert
from shopops.sync.products.variants import ErpIndex, ErpItem


def line(price: str, *, gross: bool, variant: str = "", group: str = "", compare: str | None = None) -> dict[str, Any]:
    return {
        "item_no": "1000",
        "variant_code": variant,
        "price_group": group,
        "starting_date": None,
        "unit_price": D(price),
        "compare_at_price": D(compare) if compare is not None else None,
        "price_includes_tax": gross,
    }


def price_list(
    lines: list[dict[str, Any]] | None = None,
    *,
    including_tax: bool,
    business_group: str = "DOMESTIC",
    tax_group: str = "STANDARD",
    rates: dict[str, D] | None = None,
    unit_price: str = "100.00",
    currency: str = "",
) -> PriceList:
    return PriceList(
        lines={(ln["item_no"], ln["variant_code"]): ln for ln in lines or []},
        unit_prices={"1000": D(unit_price)},
        local_currency=not currency,
        including_tax=including_tax,
        currency=currency,
        business_group=business_group,
        tax_groups={"1000": tax_group},
        rates={"STANDARD": D(25), "ZERO": D(0)} if rates is None else rates,
    )


@pytest.mark.parametrize(
    ("amount", "percent", "to_gross", "expected"),
    [
        ("100.00", "25", True, "125.00"),
        ("125.00", "25", False, "100.00"),
        ("9.99", "25", True, "12.49"),  # 12.4875 -> 12.49
        ("0.02", "25", True, "0.03"),  # 0.025 rounds half up
        ("10.00", "7.7", False, "9.29"),  # 9.28505... -> 9.29
        ("19.99", "0", True, "19.99"),
        ("49.90", "12.5", False, "44.36"),  # 44.3555... -> 44.36
    ],
)
def test_convert_rounds_half_up_to_the_cent(amount: str, percent: str, to_gross: bool, expected: str) -> None:
    assert convert(D(amount), D(percent), to_gross=to_gross) == D(expected)
    assert str(convert(D(amount), D(percent), to_gross=to_gross)) == expected


def test_a_line_on_the_cards_basis_is_taken_as_it_is() -> None:
    assert price_list([line("125.00", gross=True)], including_tax=True).price_for("1000") == Price(D("125.00"))
    assert price_list([line("99.95", gross=False)], including_tax=False).price_for("1000") == Price(D("99.95"))


def test_a_net_line_becomes_gross_for_a_shop_with_prices_including_tax() -> None:
    prices = price_list([line("100.00", gross=False, compare="120.00")], including_tax=True)
    assert prices.price_for("1000") == Price(D("125.00"), D("150.00"))


def test_a_gross_line_becomes_net_for_a_net_shop() -> None:
    prices = price_list([line("125.00", gross=True, compare="137.50")], including_tax=False)
    assert prices.price_for("1000") == Price(D("100.00"), D("110.00"))


def test_a_compare_at_price_not_above_the_converted_price_is_dropped() -> None:
    prices = price_list([line("100.00", gross=False, compare="100.00")], including_tax=True)
    assert prices.price_for("1000") == Price(D("125.00"), None)


def test_the_unit_price_is_net_and_converted_for_a_gross_shop_only() -> None:
    assert price_list(including_tax=True).price_for("1000") == Price(D("125.00"))
    assert price_list(including_tax=False).price_for("1000") == Price(D("100.00"))
    net_without_rate = price_list(including_tax=False, business_group="", tax_group="", rates={})
    assert net_without_rate.price_for("1000") == Price(D("100.00")), "no conversion, no rate needed"


def test_a_rate_of_zero_is_a_rate() -> None:
    prices = price_list([line("80.00", gross=False)], including_tax=True, tax_group="ZERO")
    assert prices.price_for("1000") == Price(D("80.00"))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[shopops.Workspace]:
    """A SQLite workspace with item 1000 (product group STANDARD) and DOMESTIC x STANDARD at 25 %."""
    workspace = shopops.open(f"sqlite:///{tmp_path}/prices.db")
    workspace.erp.items.add("1000", description="Bicycle", unit_price=D("1.00"), tax_group_code="standard")
    workspace.erp.tax_rates.set("DOMESTIC", "STANDARD", D(25))
    try:
        yield workspace
    finally:
        workspace.close()


def test_ranking_keeps_its_rules_across_bases_and_prefers_the_own_basis_on_a_tie(db: shopops.Workspace) -> None:
    variant_net = line("100.00", gross=False, variant="RED")
    item_gross = line("130.00", gross=True)
    prices = price_list([variant_net, item_gross], including_tax=True)
    assert prices.price_for("1000", "RED") == Price(D("125.00")), "the variant's line wins, converted"
    assert prices.price_for("1000", "BLUE") == Price(D("130.00"))

    # loaded from the database: two otherwise equal lines, one on each basis
    add_price(db.engine, "1000", D("100.00"), price_includes_tax=False)
    add_price(db.engine, "1000", D("124.00"), price_includes_tax=True)
    add_price(db.engine, "1000", D("50.00"), price_group="VIP", price_includes_tax=False)
    gross_card = ShopSettings(prices_including_tax=True, tax_business_group="domestic")
    assert PriceList.load(db.engine, gross_card).price_for("1000") == Price(D("124.00"))
    net_card = ShopSettings(prices_including_tax=False, tax_business_group="DOMESTIC")
    assert PriceList.load(db.engine, net_card).price_for("1000") == Price(D("100.00"))
    vip = gross_card.replace(customer_price_group="VIP")
    assert PriceList.load(db.engine, vip).price_for("1000") == Price(D("62.50")), "the group's line wins"


def test_a_later_line_on_the_other_basis_wins_over_an_earlier_own_one(db: shopops.Workspace) -> None:
    add_price(db.engine, "1000", D("120.00"), starting_date=dt.date(2020, 1, 1), price_includes_tax=True)
    add_price(db.engine, "1000", D("104.00"), starting_date=dt.date(2024, 1, 1), price_includes_tax=False)
    add_price(db.engine, "1000", D("1.00"), starting_date=dt.date(2999, 1, 1), price_includes_tax=True)
    card = ShopSettings(prices_including_tax=True, tax_business_group="DOMESTIC")
    loaded = PriceList.load(db.engine, card, on=dt.date(2025, 6, 1))
    assert loaded.price_for("1000") == Price(D("130.00")), "the latest started line wins; a future one not yet"
    assert "DOMESTIC" in repr(loaded) and "STANDARD 25 %" in repr(loaded)


@pytest.mark.parametrize(
    ("business_group", "tax_group", "rates", "words"),
    [
        (
            "DOMESTIC",
            "STANDARD",
            {},
            "item 1000 needs a tax rate for business group DOMESTIC and product group STANDARD "
            "(ws.erp.tax_rates.set) to turn its net price into a gross one",
        ),
        ("DOMESTIC", "", None, "item 1000 has no tax_group_code: set one (ws.erp.items.update('1000'"),
        ("", "STANDARD", None, "needs a tax business group on the shop card (ws.shops.set(shop, tax_business_group"),
        ("", "", None, "a tax_group_code on the item (ws.erp.items.update) and a tax rate"),
    ],
)
def test_no_rate_means_no_price_and_says_what_to_set_up(
    business_group: str, tax_group: str, rates: dict[str, D] | None, words: str
) -> None:
    prices = price_list(including_tax=True, business_group=business_group, tax_group=tax_group, rates=rates)
    reason = prices.price_for("1000")
    assert isinstance(reason, str) and words in reason


def test_a_gross_line_for_a_net_shop_without_rate_names_the_direction() -> None:
    prices = price_list([line("125.00", gross=True)], including_tax=False, rates={})
    reason = prices.price_for("1000")
    assert isinstance(reason, str) and reason.endswith("to turn its gross price into a net one")


def test_no_price_in_a_foreign_currency_is_a_reason_too() -> None:
    assert price_list(including_tax=False, currency="EUR").price_for("1000", "RED") == (
        "no price for 1000 RED in currency EUR"
    )


@pytest.fixture
def item() -> Iterator[ErpItem]:
    yield ErpItem("1000", "Bicycle", "inventory", False, "", D("100.00"))


def test_build_variants_skips_the_item_with_the_reason_only_when_prices_are_synced(item: ErpItem) -> None:
    index = ErpIndex(items={"1000": item})
    prices = price_list(including_tax=True, rates={})
    card = ShopSettings(prices_including_tax=True, tax_business_group="DOMESTIC")
    reason = build_variants(item, index, prices, card)
    assert isinstance(reason, str) and "needs a tax rate" in reason
    without_prices = build_variants(item, index, prices, card.replace(sync_prices=False))
    assert not isinstance(without_prices, str) and "price" not in without_prices[0].input

    ok = build_variants(item, index, price_list(including_tax=True), card)
    assert not isinstance(ok, str) and ok[0].input["price"] == "125.00" and ok[0].price == D("125.00")
