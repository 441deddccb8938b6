"""The request filters of sync-orders (BC's filters on "Orders to Import"), applied to staging rows.

A staging row that does not pass stays staged and is imported by a later run without the filter,
exactly as in BC. Text filters are case-insensitive; list filters take comma-separated values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _values(text: str | None) -> set[str] | None:
    if text is None or not str(text).strip():
        return None
    return {v.strip().lower() for v in str(text).split(",") if v.strip()}


@dataclass(frozen=True)
class OrderFilters:
    """Which staged orders this run imports; None means "any"."""

    financial_status: str | None = None
    fulfillment_status: str | None = None
    fully_paid: bool | None = None
    tag: str | None = None
    channel: str | None = None
    high_risk: bool | None = None
    country: str | None = None
    order_no: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> OrderFilters:
        """The filters among a report's parameters."""
        return cls(**{name: params.get(name) for name in cls.__dataclass_fields__})

    def matches(self, row: Mapping[str, Any]) -> bool:
        """True when the staging ``row`` passes every filter given."""
        checks: list[tuple[set[str] | None, list[str]]] = [
            (_values(self.financial_status), [str(row.get("financial_status") or "")]),
            (_values(self.fulfillment_status), [str(row.get("fulfillment_status") or "")]),
            (_values(self.channel), [str(row.get("channel") or "")]),
            (_values(self.order_no), [str(row.get("order_no") or ""), str(row.get("order_no") or "").lstrip("#")]),
            (_values(self.country), [str(row.get("ship_to_country") or row.get("bill_to_country") or "")]),
            (_values(self.tag), [t.strip() for t in str(row.get("tags") or "").split(",")]),
        ]
        for wanted, have in checks:
            if wanted is not None and not wanted & {h.lower() for h in have}:
                return False
        if self.fully_paid is not None and bool(row.get("fully_paid")) != self.fully_paid:
            return False
        return not (self.high_risk is not None and bool(row.get("high_risk")) != self.high_risk)
