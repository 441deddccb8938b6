"""Stock calculation per Shopify location: which ERP stock a Shopify location shows, and how it is counted.

BC's Shop Location carries a location filter (``MAIN|EAST``) and a stock calculation. Ours::

    calc = StockCalculation("available", location_filter="MAIN|EAST")
    calc.stock(levels)          # {(item_no, variant_code): 7, ...} whole units, never below 0 when pushed

Methods: ``off`` (the location is not synced, BC's default), ``on_hand``, ``available`` (on hand minus
what open sales orders and invoices reserve, BC's "free inventory") and ``projected`` (available plus
what unposted credit memos restock, BC's projected available balance at today).

``levels`` is the ERP's ``stock.levels()`` DataFrame (one row per item, variant and location); it is read
once per run and every location's calculation is a pass over it, so 50k item-locations cost one query.
"""

from __future__ import annotations

import fnmatch
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopops.errors import ConfigError

METHODS = ("off", "on_hand", "available", "projected")
FILTER_SEPARATOR = "|"

ItemKey = tuple[str, str]  # item no., variant code


def parse_location_filter(expression: str) -> tuple[str, ...]:
    """The parts of a BC-style location filter: codes joined by ``|``; ``*`` and ``?`` are wildcards.

    Blank means every location. Codes are upper-cased as the ERP keeps them.
    """
    parts = [p.strip().upper() for p in (expression or "").split(FILTER_SEPARATOR)]
    return tuple(p for p in parts if p)


def matches_filter(location_code: str, parts: tuple[str, ...]) -> bool:
    """Whether an ERP location code passes a parsed filter (an empty filter passes everything)."""
    if not parts:
        return True
    code = location_code.upper()
    return any(fnmatch.fnmatchcase(code, p) if any(c in p for c in "*?") else code == p for p in parts)


def whole_units(quantity: Decimal | int | float) -> int:
    """Stock as Shopify counts it: floored to a whole unit (BC floors too); 2.9 on hand sells 2."""
    return math.floor(Decimal(str(quantity)))


@dataclass(frozen=True)
class StockCalculation:
    """How one Shopify location's stock is computed from ERP levels."""

    method: str = "off"
    location_filter: str = ""

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError("stock_calculation", f"{self.method!r} is not one of {', '.join(METHODS)}")

    @property
    def enabled(self) -> bool:
        """False for ``off``: the location is neither imported nor pushed."""
        return self.method != "off"

    def stock(self, levels: Any) -> dict[ItemKey, int]:
        """Whole units per (item, variant) over the filtered ERP locations; may be negative.

        ``levels`` is a DataFrame or an iterable of mappings with item_no, variant_code, location_code and
        the four measures. Items with no level at all are absent (their stock is 0).
        """
        if not self.enabled:
            return {}
        parts = parse_location_filter(self.location_filter)
        totals: dict[ItemKey, Decimal] = defaultdict(Decimal)
        for row in _rows(levels):
            if matches_filter(str(row["location_code"]), parts):
                totals[(str(row["item_no"]), str(row["variant_code"] or ""))] += Decimal(str(row[self.method]))
        return {key: whole_units(qty) for key, qty in totals.items()}

    def __repr__(self) -> str:
        where = self.location_filter or "all locations"
        return f"StockCalculation({self.method} of {where})"


def _rows(levels: Any) -> Iterable[Any]:
    if hasattr(levels, "to_dict"):
        return levels.to_dict("records")
    return levels


def push_quantity(stock: int) -> int:
    """The quantity sent to Shopify: negative stock is sent as 0 (BC does the same)."""
    return max(0, stock)
