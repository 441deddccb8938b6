"""Guardrails: a push that looks like a mistake refuses before it sends anything, unless forced.

Two checks, both limits on the shop card:

* ``price_change_limit_pct``: a price that would move by more than this percent (a decimal point in the
  wrong place, a price list for the wrong currency);
* ``zero_stock_limit``: more than this many variants taken from stock to zero in one push (a wrong location
  filter, an empty stock file).

The refusal lists what it would have done, so the person can check and rerun with ``force=True``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from shopops.errors import ShopopsError

#: How many offending records a refusal names before it says "and N more".
SHOWN = 10


class GuardrailRefused(ShopopsError):
    """A push refused by a guardrail; nothing was sent. Rerun with force=True when it is intended."""


def price_change_pct(old: Decimal | None, new: Decimal) -> Decimal | None:
    """How many percent a price moves (None when there was no old price to compare with)."""
    if old is None or old == 0:
        return None
    return abs(new - old) / old * 100


def check_price_changes(
    changes: Sequence[tuple[str, Decimal | None, Decimal]], limit_pct: int, *, force: bool, report: str
) -> None:
    """Refuse when a price moves by more than ``limit_pct`` percent; ``changes`` are (label, old, new)."""
    too_big = [
        (label, old, new, pct)
        for label, old, new in changes
        if (pct := price_change_pct(old, new)) is not None and pct > limit_pct
    ]
    if not too_big or force:
        return
    shown = "; ".join(f"{label}: {old} -> {new} ({pct:.0f}%)" for label, old, new, pct in too_big[:SHOWN])
    more = f" and {len(too_big) - SHOWN} more" if len(too_big) > SHOWN else ""
    raise GuardrailRefused(
        f"{report} refused: {len(too_big)} price(s) would change by more than the shop's limit of "
        f"{limit_pct}% ({shown}{more}). Nothing was sent. Check the price list, raise "
        f"price_change_limit_pct on the shop card, or run again with force=True."
    )


def check_zero_stock(to_zero: Sequence[str], limit: int, *, force: bool, report: str) -> None:
    """Refuse when more than ``limit`` variants would go from stock to zero; ``to_zero`` names them."""
    if len(to_zero) <= limit or force:
        return
    shown = ", ".join(to_zero[:SHOWN])
    more = f" and {len(to_zero) - SHOWN} more" if len(to_zero) > SHOWN else ""
    raise GuardrailRefused(
        f"{report} refused: {len(to_zero)} variant-location(s) would go to zero stock, more than the shop's "
        f"limit of {limit} ({shown}{more}). Nothing was sent. Check the location mapping and the ERP stock, "
        f"raise zero_stock_limit on the shop card, or run again with force=True."
    )
