"""Values as Shopify sends them, made exact: numeric ids from GIDs, Decimal amounts, aware UTC times.

Every domain's parser uses these, so that a bad value is the same clear error everywhere (the record is
marked, the run goes on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any


class BadShopifyValue(ValueError):
    """Shopify sent a value a mirror cannot hold (the record is marked, the run goes on)."""


def shopify_id(gid: str | None) -> int | None:
    """The numeric id at the end of a GID (``gid://shopify/Order/123`` -> 123); None for None."""
    if gid is None:
        return None
    tail = str(gid).rsplit("/", 1)[-1].split("?", 1)[0]
    try:
        return int(tail)
    except ValueError:
        raise BadShopifyValue(f"not a Shopify id: {gid!r}") from None


def amount(value: Any) -> Decimal | None:
    """An exact amount from Shopify's decimal string (never through float)."""
    if value is None:
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise BadShopifyValue(f"not an amount: {value!r}") from None
    if not result.is_finite():
        raise BadShopifyValue(f"not an amount: {value!r}")
    return result


def money(bag: Mapping[str, Any] | None, which: str = "shopMoney") -> Decimal | None:
    """One side (``shopMoney`` or ``presentmentMoney``) of a MoneyBag."""
    side = (bag or {}).get(which) or {}
    return amount(side.get("amount"))


def when(value: str | None) -> dt.datetime | None:
    """An aware UTC datetime from Shopify's ISO 8601 text."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadShopifyValue(f"not a time: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
