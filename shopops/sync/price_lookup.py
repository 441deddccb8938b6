"""Shopify prices from the ERP price list (``erp_price_list_line``), as the shop card asks for them.

BC builds a temporary sales quote for the shop's price group and currency; ours is a plain lookup::

    prices = PriceList.load(engine, card)             # the card's price group, currency, tax setting, today
    prices.price_for("1000", "RED")                    # -> Price(price=Decimal('499.00'), compare_at=None)

Rules:

* a line counts when its price group is the card's ``customer_price_group`` or blank (all customers), its
  currency is the card's ``currency_code`` (blank = local currency), it has started (starting date today
  or earlier, or none), and it says the same about tax as ``prices_including_tax`` (the ERP keeps no tax
  rates, so a price cannot be converted between gross and net);
* the most specific line wins: a variant's over the item's, the price group's over the blank one, then
  the latest starting date;
* no line: the item's unit price, in local currency only (a foreign-currency shop needs a price line);
* the compare-at price is sent only when it is above the price (as BC does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from shopops.store import tables as t

PL = t.erp_price_list_line


@dataclass(frozen=True)
class Price:
    """A variant's price and compare-at price in the shop's currency (compare-at None when not higher)."""

    price: Decimal
    compare_at: Decimal | None = None


def _rank(line: Mapping[str, Any]) -> tuple[int, int, dt.date]:
    return (1 if line["variant_code"] else 0, 1 if line["price_group"] else 0, line["starting_date"] or dt.date.min)


@dataclass
class PriceList:
    """The price lines that apply to one shop today, in memory for one run."""

    lines: dict[tuple[str, str], Mapping[str, Any]]
    unit_prices: dict[str, Decimal]
    local_currency: bool

    @classmethod
    def load(cls, engine: Engine, settings: Any, on: dt.date | None = None) -> PriceList:
        """Read the lines for the card's price group, currency and tax setting, valid on ``on`` (today)."""
        day = on or dt.date.today()
        group = (settings.customer_price_group or "").strip().upper()
        currency = (settings.currency_code or "").strip().upper()
        query = select(PL).where(
            PL.c.price_group.in_(("", group)),
            PL.c.currency_code == currency,
            PL.c.price_includes_tax.is_(bool(settings.prices_including_tax)),
        )
        best: dict[tuple[str, str], Mapping[str, Any]] = {}
        with engine.connect() as conn:
            for row in conn.execute(query).mappings():
                line: Mapping[str, Any] = dict(row)
                if line["starting_date"] is not None and line["starting_date"] > day:
                    continue
                key = (line["item_no"], line["variant_code"])
                if key not in best or _rank(line) > _rank(best[key]):
                    best[key] = line
            unit = {r.no: r.unit_price for r in conn.execute(select(t.erp_item.c.no, t.erp_item.c.unit_price))}
        return cls(best, unit, local_currency=not currency)

    def price_for(self, item_no: str, variant_code: str = "") -> Price | None:
        """The price of an item (variant); None when there is none in the shop's currency."""
        line = self.lines.get((item_no, variant_code)) if variant_code else None
        line = line or self.lines.get((item_no, ""))
        if line is None:
            unit = self.unit_prices.get(item_no)
            return Price(Decimal(unit)) if unit is not None and self.local_currency else None
        price = Decimal(line["unit_price"])
        compare = line["compare_at_price"]
        return Price(price, Decimal(compare) if compare is not None and Decimal(compare) > price else None)


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
