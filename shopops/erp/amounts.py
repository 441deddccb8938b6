"""Amounts of sales lines, exactly: Decimal arithmetic and BC's rounding, no float anywhere.

Pure functions (no database), so that the posting engine and the tests agree on every cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def to_decimal(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """``value`` as a Decimal; a float is refused because it cannot hold money exactly."""
    if isinstance(value, bool | float):
        raise TypeError(f"{field}: {value!r} is a {type(value).__name__}; pass a Decimal, int or str")
    return value if isinstance(value, Decimal) else Decimal(value)


def round_amount(value: Decimal, precision: Decimal = CENT) -> Decimal:
    """Round half away from zero to the currency's precision (BC's default amount rounding)."""
    return value.quantize(precision, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    """What one line comes to: ``amount`` excludes tax, ``amount_including_tax`` includes it."""

    amount: Decimal
    amount_including_tax: Decimal

    @property
    def tax_amount(self) -> Decimal:
        """The tax on the line."""
        return self.amount_including_tax - self.amount


def line_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    *,
    line_discount_amount: Decimal = ZERO,
    inv_discount_amount: Decimal = ZERO,
    tax_percent: Decimal = ZERO,
    prices_including_tax: bool = False,
    tax_difference: Decimal = ZERO,
) -> LineAmounts:
    """A line's amounts as BC computes them.

    Line amount = round(quantity x unit price) - line discount - invoice discount. With prices including
    tax that is the amount including tax and the net amount is backed out of it; otherwise the tax is added.
    ``tax_difference`` (BC's VAT Difference) is added to the computed tax, so that a line carries the tax
    its source charged (Shopify rounds each of a line's tax lines on its own): the net amount absorbs it
    when prices include tax, the amount including tax otherwise.
    """
    base = round_amount(quantity * unit_price) - line_discount_amount - inv_discount_amount
    rate = tax_percent / HUNDRED
    if prices_including_tax:
        return LineAmounts(amount=round_amount(base / (1 + rate)) - tax_difference, amount_including_tax=base)
    return LineAmounts(amount=base, amount_including_tax=base + round_amount(base * rate) + tax_difference)


def tax_difference(charged_tax: Decimal, computed: LineAmounts) -> Decimal:
    """What to add to a line's computed tax so that it comes to ``charged_tax`` (BC's VAT Difference)."""
    return charged_tax - computed.tax_amount


def allocate(total: Decimal, weights: Sequence[Decimal], precision: Decimal = CENT) -> list[Decimal]:
    """Split ``total`` over ``weights`` in proportion, in whole cents, summing to ``total`` exactly.

    Largest remainder: every share is rounded down, and the cents left over go to the largest remainders
    (ties to the earlier weight). Used for an order-level discount spread over the lines (BC's
    ApplyInvDiscBasedOnAmt) and for partial invoicing. Zero or no weights give nothing to allocate to.
    """
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum == 0:
        if total != 0:
            raise ValueError(f"cannot allocate {total} over weights summing to zero")
        return [ZERO for _ in weights]
    units = int((total / precision).to_integral_value(rounding=ROUND_HALF_UP))
    exact = [Decimal(units) * w / weight_sum for w in weights]
    floors = [int(x.to_integral_value(rounding="ROUND_FLOOR")) for x in exact]
    left = units - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * precision for f in floors]


def proportion(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``amount`` x part / whole, rounded to the cent (a partial invoice's share of a line discount)."""
    if whole == 0:
        return ZERO
    return round_amount(amount * part / whole)


def plain(value: Decimal) -> str:
    """A number for messages, without the trailing zeros a NUMERIC column adds (50.0000 -> 50)."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text
