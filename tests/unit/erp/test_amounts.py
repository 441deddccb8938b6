"""Line amounts and allocations are exact to the cent."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopops.erp.amounts import allocate, line_amounts, proportion, round_amount, to_decimal


def test_amounts_excluding_tax() -> None:
    result = line_amounts(D(3), D("19.99"), line_discount_amount=D("5.00"), tax_percent=D(25))
    assert result.amount == D("54.97")
    assert result.amount_including_tax == D("68.71")
    assert result.tax_amount == D("13.74")


def test_amounts_including_tax_back_out_the_net() -> None:
    result = line_amounts(D(1), D("100.00"), tax_percent=D(25), prices_including_tax=True)
    assert result.amount_including_tax == D("100.00")
    assert result.amount == D("80.00")


def test_invoice_discount_lowers_the_line() -> None:
    result = line_amounts(D(2), D("10.00"), inv_discount_amount=D("1.50"))
    assert result.amount == D("18.50")


def test_rounding_is_half_up() -> None:
    assert round_amount(D("0.125")) == D("0.13")
    assert round_amount(D("-0.125")) == D("-0.13")


def test_float_is_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        to_decimal(0.1)  # type: ignore[arg-type]


def test_allocate_sums_exactly() -> None:
    assert allocate(D("10.00"), [D(1), D(1), D(1)]) == [D("3.34"), D("3.33"), D("3.33")]
    assert allocate(D("0"), [D(0)]) == [D(0)]
    with pytest.raises(ValueError):
        allocate(D("1.00"), [D(0), D(0)])


def test_proportion() -> None:
    assert proportion(D("10.00"), D(1), D(3)) == D("3.33")
    assert proportion(D("10.00"), D(1), D(0)) == D(0)


@given(
    total=st.decimals(min_value=0, max_value=100000, places=2),
    weights=st.lists(st.decimals(min_value=D("0.01"), max_value=10000, places=2), min_size=1, max_size=20),
)
def test_allocate_always_sums_to_total_and_stays_in_proportion(total: D, weights: list[D]) -> None:
    shares = allocate(total, weights)
    assert sum(shares, D(0)) == total
    weight_sum = sum(weights, D(0))
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share - total * weight / weight_sum) < D("0.01")
