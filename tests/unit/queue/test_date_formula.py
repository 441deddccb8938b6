from __future__ import annotations

import datetime as dt

import pytest

from shopops.errors import ConfigError
from shopops.queue.date_formula import DateFormula

D = dt.date


@pytest.mark.parametrize(
    ("formula", "start", "expected"),
    [
        ("<1D>", D(2026, 12, 31), D(2027, 1, 1)),
        ("<7D>", D(2026, 2, 25), D(2026, 3, 4)),
        ("<-1D>", D(2026, 3, 1), D(2026, 2, 28)),
        ("<1W>", D(2026, 11, 28), D(2026, 12, 5)),
        ("<1M>", D(2026, 1, 31), D(2026, 2, 28)),
        ("<1M>", D(2028, 1, 31), D(2028, 2, 29)),
        ("<2M>", D(2026, 12, 15), D(2027, 2, 15)),
        ("<1Q>", D(2026, 11, 30), D(2027, 2, 28)),
        ("<1Y>", D(2028, 2, 29), D(2029, 2, 28)),
        ("<CD>", D(2026, 5, 5), D(2026, 5, 5)),
        ("<CW>", D(2026, 11, 25), D(2026, 11, 29)),  # Wednesday -> Sunday
        ("<-CW>", D(2026, 11, 29), D(2026, 11, 23)),  # Sunday -> Monday of that week
        ("<CM>", D(2026, 2, 3), D(2026, 2, 28)),
        ("<-CM>", D(2026, 2, 3), D(2026, 2, 1)),
        ("<CM+1D>", D(2026, 12, 31), D(2027, 1, 1)),
        ("<CQ>", D(2026, 5, 1), D(2026, 6, 30)),
        ("<-CQ>", D(2026, 5, 1), D(2026, 4, 1)),
        ("<CY>", D(2026, 5, 1), D(2026, 12, 31)),
        ("<-CY>", D(2026, 5, 1), D(2026, 1, 1)),
        ("<WD1>", D(2026, 11, 28), D(2026, 11, 30)),  # Saturday -> Monday
        ("<WD6>", D(2026, 11, 28), D(2026, 11, 28)),  # a Saturday stays
        ("<1W+WD1>", D(2026, 11, 25), D(2026, 12, 7)),
        ("<-CM+1M>", D(2026, 1, 20), D(2026, 2, 1)),
        ("1d", D(2026, 1, 1), D(2026, 1, 2)),  # brackets and case optional
    ],
)
def test_every_supported_formula(formula: str, start: dt.date, expected: dt.date) -> None:
    assert DateFormula.parse(formula).apply(start) == expected


@pytest.mark.parametrize("bad", ["", "<>", "<1X>", "<D>", "<1D+>", "<WD8>", "<-WD1>", "<C>"])
def test_bad_formula_names_the_field(bad: str) -> None:
    with pytest.raises(ConfigError) as err:
        DateFormula.parse(bad)
    assert err.value.field == "date_formula"


@pytest.mark.parametrize(
    ("formula", "advances"), [("<1D>", True), ("<CM+1D>", True), ("<CM>", False), ("<-1D>", False)]
)
def test_only_advancing_formulas_can_recur(formula: str, advances: bool) -> None:
    assert DateFormula.parse(formula).advances() is advances
