"""Tax rates: BC's VAT Posting Setup, reduced to the percent per business group and product group.

    erp.tax_rates.set("DOMESTIC", "STANDARD", Decimal("25"))   # business group x product group -> percent
    erp.tax_rates.set("DOMESTIC", "REDUCED", Decimal("12.5"))
    erp.tax_rates.percent("DOMESTIC", "STANDARD")             # -> Decimal('25'), or None when not set up
    erp.tax_rates.get("DOMESTIC", "STANDARD")                 # -> TaxRate DOMESTIC x STANDARD: 25 %
    erp.tax_rates.frame()                                     # every rate, as a DataFrame

The business group is the customer's (for Shopify prices: the shop card's ``tax_business_group``), the
product group is the item's ``tax_group_code``. Both are codes (trimmed, upper-cased); the percent is exact,
from 0 to 100 (0 is a rate: tax-free goods still have one).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from shopops.erp import validation as v
from shopops.erp._base import begin, frame, reading, record
from shopops.erp.amounts import plain
from shopops.errors import NotFound
from shopops.store import tables as t

TR = t.erp_tax_rate
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxRate:
    """The tax percent for one business group and product group."""

    business_group: str
    product_group: str
    percent: Decimal

    def __repr__(self) -> str:
        return f"TaxRate {self.business_group} x {self.product_group}: {plain(self.percent)} %"


def clean_tax_rate(
    business_group: Any, product_group: Any, percent: Any, *, allow_float: bool = False
) -> dict[str, Any]:
    """Checked column values of a tax rate; FieldError names the first bad field and what it takes."""
    rate = v.decimal(percent, "percent", required=True, minimum=Decimal(0), allow_float=allow_float)
    if rate > HUNDRED:
        raise v.FieldError("percent", f"must be at most 100, not {plain(rate)} (a percent, e.g. 25 for 25 %)", percent)
    return {
        "business_group": v.code(business_group, "business_group", 20),
        "product_group": v.code(product_group, "product_group", 20),
        "percent": rate,
    }


def _key(business_group: str, product_group: str) -> Any:
    return (TR.c.business_group == business_group.strip().upper()) & (
        TR.c.product_group == product_group.strip().upper()
    )


class TaxRates:
    """The tax rate list: ``set``, ``find``/``get``/``percent``, ``delete``, ``frame()``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def set(
        self, business_group: str, product_group: str, percent: Decimal | int | str, *, conn: Connection | None = None
    ) -> TaxRate:
        """Set the percent of a business group x product group (added, or changed when it exists)."""
        values = clean_tax_rate(business_group, product_group, percent)
        self.upsert(values, conn=conn)
        return TaxRate(**values)

    def upsert(self, values: dict[str, Any], *, conn: Connection | None = None) -> str:
        """Write checked values (see :func:`clean_tax_rate`): "inserted", "updated" or "unchanged"."""
        with begin(self._engine, conn) as c:
            key = _key(values["business_group"], values["product_group"])
            old = c.execute(select(TR.c.percent).where(key)).scalar_one_or_none()
            if old is None:
                c.execute(insert(TR).values(**values))
                return "inserted"
            if Decimal(old) == values["percent"]:
                return "unchanged"
            c.execute(update(TR).where(key).values(percent=values["percent"]))
            return "updated"

    def find(self, business_group: str, product_group: str, *, conn: Connection | None = None) -> TaxRate | None:
        """The rate, or None when it is not set up."""
        with reading(self._engine, conn) as c:
            row = c.execute(select(TR).where(_key(business_group, product_group))).mappings().first()
        return record(TaxRate, row) if row is not None else None

    def get(self, business_group: str, product_group: str, *, conn: Connection | None = None) -> TaxRate:
        """The rate; NotFound says how to set it up when it is missing."""
        found = self.find(business_group, product_group, conn=conn)
        if found is None:
            bus, prod = business_group.strip().upper(), product_group.strip().upper()
            raise NotFound(
                f"no tax rate for business group {bus!r} and product group {prod!r}; "
                f"set one with erp.tax_rates.set({bus!r}, {prod!r}, Decimal(...))"
            )
        return found

    def percent(self, business_group: str, product_group: str) -> Decimal | None:
        """The percent, or None when the rate is not set up."""
        found = self.find(business_group, product_group)
        return found.percent if found is not None else None

    def delete(self, business_group: str, product_group: str) -> bool:
        """Remove a rate; whether there was one."""
        with self._engine.begin() as c:
            return bool(c.execute(delete(TR).where(_key(business_group, product_group))).rowcount)

    def frame(self) -> pd.DataFrame:
        """Every rate (business_group, product_group, percent), in code order."""
        query = select(TR).order_by(TR.c.business_group, TR.c.product_group)
        with self._engine.connect() as c:
            return frame(list(c.execute(query).mappings()), [col.name for col in TR.c])

    def __len__(self) -> int:
        with self._engine.connect() as c:
            return int(c.execute(select(func.count()).select_from(TR)).scalar_one())

    def __repr__(self) -> str:
        return f"<tax rates: {len(self)}>"
