"""Customer and item mapping and the planned document: the rules of BC's DoMapping, without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from shopops.errors import ConfigError
from shopops.shop_settings import ShopSettings, country_map
from shopops.sync.sales_documents.mapping import ItemMatch, MappingError, map_customer, map_item
from shopops.sync.sales_documents.planning import plan_document


@dataclass
class FakeLookups:
    items: set[str] = field(default_factory=lambda: {"1000", "2000"})
    variants: set[tuple[str, str]] = field(default_factory=lambda: {("1000", "RED"), ("2000", "RED"), ("2000", "XL")})
    vendor: dict[str, str] = field(default_factory=lambda: {"V-77": "2000"})
    barcodes: dict[str, tuple[str, str]] = field(default_factory=lambda: {"5701234567890": ("1000", "RED")})
    customers: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "C1": {"email": "ada@example.com", "phone": "4512345678", "name": "Ada", "city": "London"},
            "DEF": {"email": "", "phone": "", "name": "Default", "city": ""},
            "TPL-DK": {"email": "", "phone": "", "name": "Template", "city": ""},
        }
    )

    def item_exists(self, no: str) -> bool:
        return no.strip().upper() in self.items

    def variant_exists(self, item_no: str, code: str) -> bool:
        return (item_no.strip().upper(), code.strip().upper()) in self.variants

    def items_with_variant(self, code: str) -> list[str]:
        return sorted(i for i, v in self.variants if v == code.strip().upper())

    def item_by_vendor_item_no(self, vendor_item_no: str) -> str | None:
        return self.vendor.get(vendor_item_no)

    def item_by_barcode(self, barcode: str) -> tuple[str, str] | None:
        return self.barcodes.get(barcode)

    def customer_exists(self, no: str) -> bool:
        return no.upper() in self.customers

    def customer_by_email(self, email: str) -> str | None:
        return next((k for k, c in self.customers.items() if c["email"] and c["email"] == email.lower()), None)

    def customer_by_phone(self, phone: str) -> str | None:
        digits = "".join(ch for ch in phone if ch.isdigit()).lstrip("0")
        return next((k for k, c in self.customers.items() if c["phone"] and c["phone"] == digits), None)

    def customer_by_address(self, name: str, address: Mapping[str, str]) -> str | None:
        return next((k for k, c in self.customers.items() if c["name"] == name and c["city"] == address["city"]), None)

    def customer_defaults(self, template_no: str) -> dict[str, Any] | None:
        return (
            {"currency_code": "DKK", "customer_price_group": "", "tax_area_code": ""}
            if template_no in self.customers
            else None
        )


L = FakeLookups()


@pytest.mark.parametrize(
    ("strategy", "sku", "expected"),
    [
        ("item_no", "1000", ItemMatch("1000", "", "item_no")),
        ("item_no_variant_code", "2000|xl", ItemMatch("2000", "XL", "item_no_variant_code")),
        ("item_no_variant_code", "1000", ItemMatch("1000", "", "item_no_variant_code")),
        ("vendor_item_no", "V-77", ItemMatch("2000", "", "vendor_item_no")),
        ("barcode", "5701234567890", ItemMatch("1000", "RED", "barcode")),
        ("variant_code", "XL", ItemMatch("2000", "XL", "variant_code")),
        ("item_no", "5701234567890", ItemMatch("1000", "RED", "barcode")),  # barcode fallback
    ],
)
def test_items_map_by_the_shops_sku_strategy(strategy: str, sku: str, expected: ItemMatch) -> None:
    assert map_item(sku, ShopSettings(sku_mapping=strategy), L) == expected


def test_unknown_sku_names_the_sku_and_the_settings() -> None:
    with pytest.raises(MappingError, match=r"SKU 'NOPE' matches no item \(sku_mapping=item_no, barcode\)"):
        map_item("NOPE", ShopSettings(), L)
    with pytest.raises(MappingError, match="find_mapping_by_barcode off"):
        map_item("5701234567890", ShopSettings(find_mapping_by_barcode=False), L)
    with pytest.raises(MappingError, match="no SKU"):
        map_item(None, ShopSettings(), L)
    with pytest.raises(MappingError, match="item 1000 has no variant BLUE"):
        map_item("1000|BLUE", ShopSettings(sku_mapping="item_no_variant_code"), L)
    with pytest.raises(MappingError, match="several items"):
        map_item("RED", ShopSettings(sku_mapping="variant_code"), L)
    assert (
        map_item("1000/RED", ShopSettings(sku_mapping="item_no_variant_code", sku_separator="/"), L).variant_code
        == "RED"
    )


def test_customers_by_email_then_phone_then_default() -> None:
    s = ShopSettings(default_customer_no="DEF")
    assert map_customer({"email": "ADA@example.com"}, s, L).no == "C1"
    assert map_customer({"email": None, "phone": "+45 1234 5678"}, s, L).no == "C1"
    assert map_customer({"email": "x@example.com"}, s, L).no == "DEF"
    with pytest.raises(MappingError, match=r"no e-mail and no phone.*default_customer_no is blank"):
        map_customer({}, ShopSettings(), L)
    with pytest.raises(MappingError, match="default_customer_no names customer NOPE"):
        map_customer({}, ShopSettings(default_customer_no="NOPE"), L)


def test_country_customer_import_none_and_bill_to() -> None:
    s = ShopSettings(country_customers="dk=DEF", default_customer_no="DEF")
    assert map_customer({"email": "ada@example.com", "ship_to_country": "DK"}, s, L).how == "country_customers (DK)"
    assert (
        map_customer(
            {"email": "ada@example.com"}, ShopSettings(customer_import="none", default_customer_no="DEF"), L
        ).no
        == "DEF"
    )
    with pytest.raises(MappingError, match=r"customer_import=none.*default_customer_no is blank"):
        map_customer({}, ShopSettings(customer_import="none"), L)
    bill = {"firstName": "Ada", "city": "London", "countryCodeV2": "GB"}
    assert map_customer({"bill_to": bill}, ShopSettings(customer_mapping="by_bill_to"), L).no == "C1"


def test_auto_create_uses_the_countrys_template() -> None:
    s = ShopSettings(auto_create_unknown_customers=True, country_customer_templates="DK=TPL-DK")
    order = {
        "email": "new@example.com",
        "ship_to_country": "DK",
        "bill_to": {"firstName": "Nina", "city": "Aarhus", "countryCodeV2": "DK"},
    }
    choice = map_customer(order, s, L)
    assert choice.no is None and choice.create is not None
    assert (
        choice.create["name"] == "Nina"
        and choice.create["currency_code"] == "DKK"
        and choice.create["country_code"] == "DK"
    )
    with pytest.raises(MappingError, match="customer_template names template customer NOPE"):
        map_customer(order, ShopSettings(auto_create_unknown_customers=True, customer_template="NOPE"), L)


def test_country_maps_are_checked_on_the_card() -> None:
    assert country_map(" DK=c-dk , se=C-SE ") == {"DK": "C-DK", "SE": "C-SE"}
    with pytest.raises(ConfigError, match="country_customers"):
        ShopSettings(country_customers="Denmark=C1")


def _order(**extra: Any) -> dict[str, Any]:
    return {
        "shop_code": "S",
        "id": 7,
        "order_no": "#1007",
        "currency_code": "USD",
        "presentment_currency_code": "EUR",
        "taxes_included": False,
        "fulfillment_status": "UNFULFILLED",
        "discount_amount": Decimal("7.00"),
        "presentment_discount_amount": Decimal("6.44"),
        "tip_amount": Decimal(0),
        "presentment_tip_amount": Decimal(0),
        "shopify_created_at": dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        **extra,
    }


def _line(pos: int, **extra: Any) -> dict[str, Any]:
    base = {
        "id": 100 + pos,
        "position": pos,
        "title": f"L{pos}",
        "sku": "1000",
        "quantity": 2,
        "current_quantity": 2,
        "unit_price": Decimal("10.00"),
        "presentment_unit_price": Decimal("9.20"),
        "discount_amount": Decimal("2.00"),
        "presentment_discount_amount": Decimal("1.84"),
        "is_tip": False,
        "is_gift_card": False,
    }
    return {**base, **extra}


def test_planned_document_lines_discounts_and_accounts() -> None:
    s = ShopSettings(tip_account="6200", sold_gift_card_account="2900", shipping_charges_account="6100")
    lines = [
        _line(0),
        _line(1, current_quantity=0),  # refunded to zero: left out
        _line(2, title="Tip", is_tip=True, quantity=1, current_quantity=1, discount_amount=Decimal(0)),
        _line(3, title="Gift card", is_gift_card=True, quantity=1, current_quantity=1, discount_amount=Decimal(0)),
    ]
    shipping = [
        {
            "position": 0,
            "title": "Express",
            "shipping_line_id": None,
            "amount": Decimal("5.00"),
            "discounted_amount": Decimal("4.00"),
            "presentment_amount": None,
            "presentment_discounted_amount": None,
        }
    ]
    taxes = [{"source": "line", "source_id": 100, "rate": "0.25"}]
    doc = plan_document(_order(), lines, shipping, taxes, {100: ItemMatch("1000")}, "C1", s)
    assert (
        doc.document_type == "order"
        and doc.header["shopify_order_id"] == 7
        and doc.header["document_date"] == dt.date(2026, 11, 2)
    )
    kinds = [(x.type, x.no, x.shopify_line_type, x.shopify_order_line_id) for x in doc.lines]
    assert kinds == [
        ("item", "1000", "line_item", 100),
        ("gl_account", "6200", "tip", 102),
        ("gl_account", "2900", "gift_card", 103),
        ("gl_account", "6100", "shipping_line", 0),
    ]
    assert doc.lines[0].tax_percent == Decimal(25) and doc.lines[0].line_discount_amount == Decimal("2.00")
    assert doc.lines[3].line_discount_amount == Decimal("1.00")
    # 7.00 order discount - 4.00 line discounts (both lines, as Shopify counts them) - 1.00 shipping discount
    assert doc.invoice_discount == Decimal("2.00")
    amount, incl = doc.totals()
    # 18 + 10 + 10 + 4 - 2 invoice discount; tax 25 % of the item's 18 less its 0.86 share of the discount
    assert (amount, incl) == (Decimal("40.00"), Decimal("44.29"))
    with pytest.raises(MappingError, match=r"line 3 'Tip' is a tip, but the shop card's tip_account is blank"):
        plan_document(_order(), lines, [], [], {100: ItemMatch("1000")}, "C1", ShopSettings())


def test_presentment_currency_and_invoice_when_fulfilled() -> None:
    s = ShopSettings(currency_handling="presentment", use_shopify_order_no=True)
    doc = plan_document(_order(fulfillment_status="FULFILLED"), [_line(0)], [], [], {100: ItemMatch("1000")}, "C1", s)
    assert doc.document_type == "invoice" and doc.no == "#1007" and doc.header["currency_code"] == "EUR"
    assert doc.lines[0].unit_price == Decimal("9.20") and doc.lines[0].line_discount_amount == Decimal("1.84")
    assert doc.invoice_discount == Decimal("4.60")
    shop_currency = plan_document(
        _order(), [_line(0)], [], [], {100: ItemMatch("1000")}, "C1", ShopSettings(create_invoices_from_orders=False)
    )
    assert shop_currency.header["currency_code"] == "" and shop_currency.document_type == "order"
