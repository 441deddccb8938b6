"""Field checks: codes, numbers, booleans, e-mail, phone digits."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from shopops.erp import validation as v
from shopops.erp.master.customers import clean_customer
from shopops.erp.master.items import clean_item


def test_code_is_trimmed_and_upper_cased() -> None:
    assert v.code(" abc-1 ", "no", 20) == "ABC-1"
    assert v.code(1001.0, "no", 20) == "1001"
    with pytest.raises(v.FieldError, match="at most 5"):
        v.code("ABCDEFG", "no", 5)
    with pytest.raises(v.FieldError, match="required"):
        v.code("  ", "no", 5)
    with pytest.raises(v.FieldError, match="spaces"):
        v.code("A B", "no", 5)


def test_decimal() -> None:
    assert v.decimal("19.99", "unit_price") == D("19.99")
    assert v.decimal(19.99, "unit_price", allow_float=True) == D("19.99")
    assert v.decimal("", "unit_price") == D(0)
    assert v.decimal("1.50000", "unit_price") == D("1.50000")
    with pytest.raises(v.FieldError, match="float"):
        v.decimal(19.99, "unit_price")
    with pytest.raises(v.FieldError, match="not a number"):
        v.decimal("abc", "unit_price")
    with pytest.raises(v.FieldError, match="decimal places"):
        v.decimal("1.00001", "unit_price")
    with pytest.raises(v.FieldError, match="at least 0"):
        v.decimal("-1", "unit_price", minimum=D(0))
    with pytest.raises(v.FieldError, match="not a finite"):
        v.decimal("NaN", "unit_price")


def test_boolean_and_choice() -> None:
    assert v.boolean("Yes", "blocked") is True
    assert v.boolean("", "blocked") is False
    assert v.boolean(1, "blocked") is True
    with pytest.raises(v.FieldError, match="yes/no"):
        v.boolean("maybe", "blocked")
    assert v.choice("Non-Inventory", "type", ("inventory", "non_inventory")) == "non_inventory"
    with pytest.raises(v.FieldError, match="one of"):
        v.choice("thing", "type", ("inventory",))


def test_email_and_phone() -> None:
    assert v.email(" ada@example.com ") == "ada@example.com"
    with pytest.raises(v.FieldError, match="e-mail"):
        v.email("ada.example.com")
    assert v.phone_digits("+45 0012-3456") == "45 0012-3456".replace(" ", "").replace("-", "")
    assert v.phone_digits("0045 12 34") == "451234"


def test_clean_item_names_the_field() -> None:
    values = clean_item("1000", description="Bike", unit_price="499.00", type="service")
    assert values["unit_price"] == D("499.00") and values["type"] == "service"
    with pytest.raises(v.FieldError) as caught:
        clean_item("1000", unit_price="-3")
    assert caught.value.field == "unit_price"
    with pytest.raises(v.FieldError) as caught:
        clean_item("1000", colour="red")
    assert caught.value.field == "colour"


def test_clean_customer() -> None:
    values = clean_customer("c1", name="Ada", phone="+44 (0)20 7946")
    assert values["no"] == "C1" and values["phone_digits"] == "440207946"
    with pytest.raises(v.FieldError) as caught:
        clean_customer("c1", name="")
    assert caught.value.field == "name"
