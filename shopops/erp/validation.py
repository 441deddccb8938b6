"""Field checks shared by the ERP's API and its loaders: each failure names the field and the reason.

Codes behave like Business Central's Code fields: trimmed and upper-cased, so that "abc-1" and "ABC-1"
are one item. Text fields are trimmed. Amounts are Decimal; a float from a DataFrame is read through its
shortest repr (19.99 -> Decimal("19.99")), never through binary arithmetic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from shopops.errors import ConfigError

_TRUE = {"1", "true", "yes", "y", "x", "on"}
_FALSE = {"", "0", "false", "no", "n", "off"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FieldError(ConfigError):
    """A value a field cannot take: ``field`` and ``reason`` say which and why."""

    def __init__(self, field: str, reason: str, value: Any = None) -> None:
        self.reason = reason
        self.value = value
        super().__init__(field, reason)


def is_missing(value: Any) -> bool:
    """None, NaN/NaT/NA (a blank cell in a DataFrame), or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(value != value)  # NaN, pandas NA/NaT
    except (TypeError, ValueError):
        return False


def text(value: Any, field: str, max_len: int, *, required: bool = False) -> str:
    """A trimmed text of at most ``max_len`` characters, without control characters."""
    if is_missing(value):
        if required:
            raise FieldError(field, "is required", value)
        return ""
    result = str(value).strip()
    if _CONTROL.search(result):
        raise FieldError(field, "contains control characters", value)
    if len(result) > max_len:
        raise FieldError(field, f"is {len(result)} characters long; at most {max_len} fit", value)
    return result


def code(value: Any, field: str, max_len: int, *, required: bool = True) -> str:
    """A code: trimmed, upper-cased, at most ``max_len`` characters, no inner whitespace."""
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        value = int(value)  # a numeric code read by pandas as 1001.0
    result = text(value, field, max_len, required=required).upper()
    if any(ch.isspace() for ch in result):
        raise FieldError(field, "must not contain spaces", value)
    return result


def decimal(
    value: Any,
    field: str,
    *,
    required: bool = False,
    default: Decimal = Decimal("0"),
    minimum: Decimal | None = None,
    places: int = 4,
    allow_float: bool = False,
) -> Decimal:
    """An exact number with at most ``places`` decimals, at least ``minimum`` when given."""
    if is_missing(value):
        if required:
            raise FieldError(field, "is required", value)
        return default
    if isinstance(value, bool):
        raise FieldError(field, "is a boolean, not a number", value)
    if isinstance(value, float):
        if not allow_float:
            raise FieldError(field, "is a float; pass a Decimal, int or str so that no cent is lost", value)
        if math.isinf(value):
            raise FieldError(field, "is infinite", value)
        value = repr(value)
    try:
        result = Decimal(str(value).strip().replace(" ", "")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise FieldError(field, f"{value!r} is not a number", value) from None
    if not result.is_finite():
        raise FieldError(field, f"{value!r} is not a finite number", value)
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places and result != result.quantize(Decimal(1).scaleb(-places)):
        raise FieldError(field, f"{value} has more than {places} decimal places", value)
    if abs(result) >= Decimal(10) ** 14:
        raise FieldError(field, f"{value} is too large", value)
    if minimum is not None and result < minimum:
        raise FieldError(field, f"must be at least {minimum}, not {result}", value)
    return result


def boolean(value: Any, field: str) -> bool:
    """Yes/no from a bool or the usual spellings (true/false, yes/no, 1/0, x, blank = no)."""
    if isinstance(value, bool):
        return value
    if is_missing(value):
        return False
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    spelled = str(value).strip().lower()
    if spelled in _TRUE:
        return True
    if spelled in _FALSE:
        return False
    raise FieldError(field, f"{value!r} is not yes/no (use true/false, yes/no or 1/0)", value)


def choice(value: Any, field: str, choices: Iterable[str], *, default: str | None = None) -> str:
    """One of ``choices`` (case-insensitive; blanks and dashes read as underscores)."""
    options = tuple(choices)
    if is_missing(value) and default is not None:
        return default
    spelled = str(value).strip().lower().replace("-", "_").replace(" ", "_") if value is not None else ""
    if spelled not in options:
        raise FieldError(field, f"{value!r} is not one of {', '.join(options)}", value)
    return spelled


def email(value: Any, field: str = "email") -> str:
    """An e-mail address (one @, a dot in the domain), or blank."""
    result = text(value, field, 80)
    if result and not _EMAIL.match(result):
        raise FieldError(field, f"{result!r} is not an e-mail address", value)
    return result


def phone_digits(phone: str) -> str:
    """The digits of a phone number without leading zeros: the key BC's phone mapping compares."""
    return "".join(ch for ch in phone if ch.isdigit()).lstrip("0")
