"""Shopify prices from the ERP price list (``erp_price_list_line``), as the shop card asks for them.

BC builds a temporary sales quote for the shop's price group, currency, VAT business posting group and
"Prices Including VAT"; ours is a plain lookup plus the same conversion between gross and net::

    prices = PriceList.load(engine, card)             # the card's price group, currency, tax setting, today
    prices.price_for("1000", "RED")                    # -> Price(price=Decimal('499.00'), compare_at=None)
                                                       #    or a str: why there is no price (skip the item)

Rules:

* a line counts when its price group is the card's ``customer_price_group`` or blank (all customers), its
  currency is the card's ``currency_code`` (blank = local currency) and it has started (starting date today
  or earlier, or none); lines with and without tax both count;
* the most specific line wins: a variant's over the item's, the price group's over the blank one, then
  the latest starting date, then (all else equal) a line on the card's own basis (``prices_including_tax``);
* no line: the item's unit price, in local currency only (a foreign-currency shop needs a price line); the
  unit price is net (BC's default: an item's "Price Includes VAT" is off);
* a price on the other basis than the card's is converted with the tax rate (``erp_tax_rate``) of the
  card's ``tax_business_group`` and the item's ``tax_group_code`` (BC: VAT Posting Setup of the VAT
  Bus. and VAT Prod. Posting Groups): gross = net x (1 + pct/100), net = gross / (1 + pct/100), rounded
  half-up to the cent. Without a rate (no group on the card or the item, or no rate for the pair) the
  price cannot be computed: ``price_for`` says what to set up, and the item is skipped with that reason;
* the compare-at price is converted the same way and sent only when it is above the price (as BC does).

Because the product hash is taken over the computed prices, a changed tax rate shows as a changed price
on the next run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from shopops.erp.amounts import HUNDRED, plain, round_amount
from shopops.store import tables as t

PL = t.erp_price_list_line
TR = t.erp_tax_rate


@dataclass(frozen=True)
class Price:
    """A variant's price and compare-at price in the shop's currency (compare-at None when not higher)."""

    price: Decimal
    compare_at: Decimal | None = None


def convert(amount: Decimal, percent: Decimal, *, to_gross: bool) -> Decimal:
    """A net amount with tax added (``to_gross``), or a gross amount with it taken out, to the cent (half up)."""
    factor = 1 + percent / HUNDRED
    return round_amount(amount * factor if to_gross else amount / factor)


def _rank(line: Mapping[str, Any], including_tax: bool) -> tuple[int, int, dt.date, int]:
    return (
        1 if line["variant_code"] else 0,
        1 if line["price_group"] else 0,
        line["starting_date"] or dt.date.min,
        1 if bool(line["price_includes_tax"]) == including_tax else 0,
    )


@dataclass
class PriceList:
    """The price lines and tax rates that apply to one shop today, in memory for one run."""

    lines: dict[tuple[str, str], Mapping[str, Any]]
    unit_prices: dict[str, Decimal]
    local_currency: bool
    including_tax: bool = False
    currency: str = ""
    business_group: str = ""
    tax_groups: dict[str, str] = field(default_factory=dict)  # item no. -> product group
    rates: dict[str, Decimal] = field(default_factory=dict)  # product group -> percent, for business_group

    @classmethod
    def load(cls, engine: Engine, settings: Any, on: dt.date | None = None) -> PriceList:
        """Read the lines for the card's price group and currency (both tax bases), valid on ``on`` (today),
        and the tax rates of the card's business group."""
        day = on or dt.date.today()
        group = (settings.customer_price_group or "").strip().upper()
        currency = (settings.currency_code or "").strip().upper()
        including = bool(settings.prices_including_tax)
        business_group = (getattr(settings, "tax_business_group", "") or "").strip().upper()
        query = select(PL).where(PL.c.price_group.in_(("", group)), PL.c.currency_code == currency)
        best: dict[tuple[str, str], Mapping[str, Any]] = {}
        unit: dict[str, Decimal] = {}
        tax_groups: dict[str, str] = {}
        rates: dict[str, Decimal] = {}
        with engine.connect() as conn:
            for row in conn.execute(query).mappings():
                line: Mapping[str, Any] = dict(row)
                if line["starting_date"] is not None and line["starting_date"] > day:
                    continue
                key = (line["item_no"], line["variant_code"])
                if key not in best or _rank(line, including) > _rank(best[key], including):
                    best[key] = line
            item = t.erp_item.c
            for r in conn.execute(select(item.no, item.unit_price, item.tax_group_code)):
                unit[r.no] = r.unit_price
                tax_groups[r.no] = (r.tax_group_code or "").strip().upper()
            if business_group:
                query_rates = select(TR.c.product_group, TR.c.percent).where(TR.c.business_group == business_group)
                rates = {r.product_group: Decimal(r.percent) for r in conn.execute(query_rates)}
        return cls(best, unit, not currency, including, currency, business_group, tax_groups, rates)

    def price_for(self, item_no: str, variant_code: str = "") -> Price | str:
        """The price of an item (variant) on the card's tax basis, or why there is none (a sentence that
        names what to set up: a price in the shop's currency, or a tax rate)."""
        line = self.lines.get((item_no, variant_code)) if variant_code else None
        line = line or self.lines.get((item_no, ""))
        if line is None:
            unit = self.unit_prices.get(item_no)
            if unit is None or not self.local_currency:
                return f"no price for {f'{item_no} {variant_code}'.strip()} in currency {self.currency or 'LCY'}"
            price, compare, gross = Decimal(unit), None, False
        else:
            price = Decimal(line["unit_price"])
            compare = Decimal(line["compare_at_price"]) if line["compare_at_price"] is not None else None
            gross = bool(line["price_includes_tax"])
        if gross != self.including_tax:
            percent = self.tax_percent(item_no)
            if isinstance(percent, str):
                return percent
            price = convert(price, percent, to_gross=self.including_tax)
            compare = convert(compare, percent, to_gross=self.including_tax) if compare is not None else None
        return Price(price, compare if compare is not None and compare > price else None)

    def tax_percent(self, item_no: str) -> Decimal | str:
        """The tax percent that converts the item's prices for this shop, or what is missing to know it."""
        product_group = self.tax_groups.get(item_no, "")
        turn = "its net price into a gross one" if self.including_tax else "its gross price into a net one"
        if not self.business_group and not product_group:
            return (
                f"item {item_no} needs a tax business group on the shop card (ws.shops.set(shop, "
                f"tax_business_group=...)), a tax_group_code on the item (ws.erp.items.update) and a tax rate "
                f"for the two (ws.erp.tax_rates.set) to turn {turn}"
            )
        if not self.business_group:
            return (
                f"item {item_no} needs a tax business group on the shop card (ws.shops.set(shop, "
                f"tax_business_group=...)) with a tax rate for product group {product_group} "
                f"(ws.erp.tax_rates.set) to turn {turn}"
            )
        if not product_group:
            return (
                f"item {item_no} has no tax_group_code: set one (ws.erp.items.update({item_no!r}, "
                f"tax_group_code=...)) with a tax rate for business group {self.business_group} "
                f"(ws.erp.tax_rates.set) to turn {turn}"
            )
        percent = self.rates.get(product_group)
        if percent is None:
            return (
                f"item {item_no} needs a tax rate for business group {self.business_group} and product group "
                f"{product_group} (ws.erp.tax_rates.set) to turn {turn}"
            )
        return percent

    def __repr__(self) -> str:
        basis = "including tax" if self.including_tax else "excluding tax"
        rates = ", ".join(f"{g} {plain(p)} %" for g, p in sorted(self.rates.items())) or "none"
        return (
            f"<PriceList {self.currency or 'LCY'} {basis}: {len(self.lines)} lines, "
            f"tax rates of {self.business_group or '(no business group)'}: {rates}>"
        )


def add_price(
    engine: Engine,
    item_no: str,
    unit_price: Decimal,
    *,
    variant_code: str = "",
    price_group: str = "",
    currency_code: str = "",
    starting_date: dt.date | None = None,
    compare_at_price: Decimal | None = None,
    price_includes_tax: bool = False,
) -> None:
    """Add one price list line (for notebooks, loaders and tests; the ERP has no price list screen yet)."""
    with engine.begin() as conn:
        conn.execute(
            PL.insert().values(
                item_no=item_no.strip().upper(),
                variant_code=variant_code.strip().upper(),
                price_group=price_group.strip().upper(),
                currency_code=currency_code.strip().upper(),
                starting_date=starting_date,
                unit_price=unit_price,
                compare_at_price=compare_at_price,
                price_includes_tax=price_includes_tax,
            )
        )
