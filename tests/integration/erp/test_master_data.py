"""Items, variants, references, customers, locations: create, find, update, refuse bad values."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from shopops.erp import Erp, FieldError
from shopops.errors import ConfigError, NotFound


def test_items_round_trip_with_exact_prices(erp: Erp) -> None:
    item = erp.items["1000"]
    assert item.unit_price == D("499.00") and item.is_inventory
    assert "1000" in erp.items and "nope" not in erp.items
    updated = erp.items.update("1000", unit_price=D("0.10"))
    assert updated.unit_price == D("0.10") and isinstance(updated.unit_price, D)
    assert erp.items.get("1000").description == "Bicycle"
    with pytest.raises(ConfigError, match="exists already"):
        erp.items.add("1000", description="again")
    with pytest.raises(NotFound):
        erp.items["4711"]
    with pytest.raises(FieldError, match="float"):
        erp.items.update("1000", unit_price=0.1)
    assert list(erp.items.frame()["no"]) == ["1000", "2000", "9000"]


def test_codes_are_upper_cased(erp: Erp) -> None:
    erp.items.add("abc-1", description="Lower case")
    assert erp.items["ABC-1"].no == "ABC-1"
    assert erp.items.find("abc-1") is not None


def test_variants_and_references(erp: Erp) -> None:
    erp.items.add_variant("1000", "RED", "Red frame, again")  # no duplicate
    assert len(erp.items.variants("1000")) == 1
    erp.items.add_reference("1000", "5701234567890", variant_code="RED")
    erp.items.add_reference("1000", "5701234567890", variant_code="RED")
    ref = erp.items.find_by_reference("5701234567890")
    assert ref is not None and (ref.item_no, ref.variant_code) == ("1000", "RED")
    assert len(erp.items.references("1000")) == 1
    erp.items.update("2000", vendor_item_no="V-22")
    found = erp.items.find_by_vendor_item_no("V-22")
    assert found is not None and found.no == "2000"
    with pytest.raises(NotFound, match="variant BLUE"):
        erp.items.add_reference("1000", "123", variant_code="BLUE")


def test_customers_are_found_by_email_and_phone(erp: Erp) -> None:
    by_email = erp.customers.find_by_email("ADA@Example.com")
    assert by_email is not None and by_email.no == "C1"
    by_phone = erp.customers.find_by_phone("0044 020 7946 0000".replace("0044 ", "+44 "))
    assert by_phone is not None and by_phone.no == "C1"
    assert erp.customers.find_by_email("nobody@example.com") is None
    with pytest.raises(FieldError, match="e-mail"):
        erp.customers.add("C9", name="Bad", email="not-an-address")
    assert erp.customers.upsert("C2", name="Charles Babbage") == "unchanged"
    assert erp.customers.upsert("C2", city="London") == "updated"
    assert erp.customers["C2"].city == "London"
    assert erp.customers.upsert("C3", name="New") == "inserted"
    assert len(erp.customers) == 3
