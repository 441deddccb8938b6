"""Business Central date formulas, such as ``<1D>``, ``<1W>``, ``<CM+1D>``, ``<-CW>``, ``<WD1>``.

A formula is a sum of terms applied left to right to a date:

* ``[+|-]N<unit>``: move N days (D), weeks (W), months (M), quarters (Q) or years (Y); months clamp to
  the month's last day, so Jan 31 + 1M is Feb 28 (or 29);
* ``C<unit>``: the end of the current week, month, quarter or year (CD is the day itself);
  ``-C<unit>``: its start. Weeks run Monday to Sunday, as in Business Central;
* ``WD<n>``: the next weekday n (1 = Monday ... 7 = Sunday), the date itself when it is that weekday.

``<CM+1D>`` is therefore the first day of next month and ``<-CW>`` this week's Monday.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from shopops.errors import ConfigError

_TERM = re.compile(r"([+-]?)(?:(\d+)([DWMQY])|(C)([DWMQY])|WD([1-7]))")
_UNITS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


@dataclass(frozen=True)
class _Term:
    sign: int
    count: int
    unit: str
    kind: str  # "shift", "current", "weekday"


@dataclass(frozen=True)
class DateFormula:
    """A parsed date formula; ``apply(date)`` gives the date it names."""

    text: str
    terms: tuple[_Term, ...]

    @classmethod
    def parse(cls, text: str) -> DateFormula:
        """Parse ``<1D>``-style text (the angle brackets are optional); a bad formula names the fix."""
        raw = text.strip()
        body = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
        body = body.replace(" ", "").upper()
        if not body:
            raise ConfigError("date_formula", f"{text!r} is empty; write e.g. <1D>, <1W>, <CM+1D>")
        terms: list[_Term] = []
        pos = 0
        while pos < len(body):
            m = _TERM.match(body, pos)
            if not m or m.end() == pos:
                raise ConfigError(
                    "date_formula",
                    f"{text!r}: cannot read {body[pos:]!r}; terms are N(D|W|M|Q|Y), C(D|W|M|Q|Y), -C.., WD1-7",
                )
            sign = -1 if m.group(1) == "-" else 1
            if m.group(2):
                terms.append(_Term(sign, int(m.group(2)), m.group(3), "shift"))
            elif m.group(4):
                terms.append(_Term(sign, 0, m.group(5), "current"))
            else:
                if sign < 0:
                    raise ConfigError("date_formula", f"{text!r}: WD takes no sign")
                terms.append(_Term(1, int(m.group(6)), "D", "weekday"))
            pos = m.end()
        return cls(text=f"<{body}>", terms=tuple(terms))

    def apply(self, date: dt.date) -> dt.date:
        """The date this formula names, counted from ``date``."""
        for term in self.terms:
            date = _apply_term(term, date)
        return date

    def advances(self) -> bool:
        """True when applying the formula moves a date forward for every start date (usable for recurrence)."""
        start = dt.date(2024, 1, 1)
        return all(self.apply(start + dt.timedelta(days=i)) > start + dt.timedelta(days=i) for i in range(0, 400))

    def __str__(self) -> str:
        return self.text


def _apply_term(term: _Term, date: dt.date) -> dt.date:
    if term.kind == "weekday":
        return date + dt.timedelta(days=(term.count - 1 - date.weekday()) % 7)
    if term.kind == "current":
        start, end = _period(date, term.unit)
        return start if term.sign < 0 else end
    n = term.sign * term.count
    if term.unit == "D":
        return date + dt.timedelta(days=n)
    if term.unit == "W":
        return date + dt.timedelta(weeks=n)
    months = {"M": 1, "Q": 3, "Y": 12}[term.unit] * n
    return _add_months(date, months)


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(date.day, last))


def _period(date: dt.date, unit: str) -> tuple[dt.date, dt.date]:
    if unit == "D":
        return date, date
    if unit == "W":
        start = date - dt.timedelta(days=date.weekday())
        return start, start + dt.timedelta(days=6)
    if unit == "M":
        return date.replace(day=1), date.replace(day=calendar.monthrange(date.year, date.month)[1])
    if unit == "Q":
        first_month = 3 * ((date.month - 1) // 3) + 1
        start = dt.date(date.year, first_month, 1)
        return start, _add_months(start, 3) - dt.timedelta(days=1)
    return dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
