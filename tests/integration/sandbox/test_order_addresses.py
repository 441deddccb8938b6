"""Addresses given to orderCreate come back field by field: the shipping and billing addresses of the
order, and the default address of the customer the order makes or names (issue 12)."""

from __future__ import annotations

import uuid
from typing import Any

from . import documents as docs
from .conftest import Client

SHIP_TO = {
    "firstName": "Marie",
    "lastName": "Tremblay",
    "company": "Tremblay Meubles Inc.",
    "phone": "+15145550123",
    "address1": "1200 Rue Sainte-Catherine O",
    "address2": "Suite 400",
    "city": "Montréal",
    "zip": "H3B 1K9",
    "provinceCode": "QC",
    "countryCode": "CA",
}
BILL_TO = {
    "firstName": "Jens",
    "lastName": "Hansen",
    "company": "Hansen ApS",
    "phone": "+4586123456",
    "address1": "Søndergade 12",
    "address2": "2. sal",
    "city": "Aarhus C",
    "zip": "8000",
    "countryCode": "DK",
}


def _custom_line() -> dict[str, Any]:
    return {"title": "Oak table", "quantity": 1, "priceSet": {"shopMoney": {"amount": "100.00", "currencyCode": "USD"}}}


def _create(client: Client, order: dict[str, Any]) -> dict[str, Any]:
    result = client.data(docs.ORDER_CREATE, {"order": order})["orderCreate"]
    assert result["userErrors"] == []
    created = client.data(docs.ORDER_ADDRESSES, {"id": result["order"]["id"]})["order"]
    assert isinstance(created, dict)
    return created


def _given_fields_come_back(given: dict[str, Any], answered: dict[str, Any]) -> None:
    for key, value in given.items():
        answer_key = {"countryCode": "countryCodeV2"}.get(key, key)
        assert answered[answer_key] == value, (key, answered[answer_key], value)


def test_every_shipping_and_billing_field_round_trips(client: Client) -> None:
    order = _create(client, {"lineItems": [_custom_line()], "shippingAddress": SHIP_TO, "billingAddress": BILL_TO})
    ship, bill = order["shippingAddress"], order["billingAddress"]
    _given_fields_come_back(SHIP_TO, ship)
    _given_fields_come_back(BILL_TO, bill)
    # what Shopify derives: the country and province names, the full name, the area line
    assert (ship["country"], ship["province"], ship["name"]) == ("Canada", "Quebec", "Marie Tremblay")
    assert ship["formattedArea"] == "Montréal, Quebec, Canada"
    assert ship["formatted"] == [
        "Marie Tremblay",
        "Tremblay Meubles Inc.",
        "1200 Rue Sainte-Catherine O",
        "Suite 400",
        "Montréal QC H3B 1K9",
        "Canada",
    ]
    assert (bill["country"], bill["province"], bill["provinceCode"]) == ("Denmark", None, None)
    assert ship["id"].startswith("gid://shopify/MailingAddress/") and ship["id"] != bill["id"]


def test_country_and_province_by_name_as_the_older_inputs_give_them(client: Client) -> None:
    order = _create(
        client,
        {
            "lineItems": [_custom_line()],
            "shippingAddress": {
                "address1": "5 Main St",
                "city": "Albany",
                "country": "United States",
                "province": "New York",
            },
        },
    )
    ship = order["shippingAddress"]
    assert (ship["countryCodeV2"], ship["country"], ship["provinceCode"], ship["province"]) == (
        "US",
        "United States",
        "NY",
        "New York",
    )


def test_upserted_customer_gets_the_shipping_address_as_default_and_its_names(client: Client) -> None:
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.org"
    order = _create(
        client,
        {
            "lineItems": [_custom_line()],
            "email": email,
            "customer": {"toUpsert": {"email": email}},
            "shippingAddress": SHIP_TO,
            "billingAddress": BILL_TO,
        },
    )
    customer = order["customer"]
    assert (customer["firstName"], customer["lastName"]) == ("Marie", "Tremblay")
    _given_fields_come_back(SHIP_TO, customer["defaultAddress"])
    assert customer["defaultAddress"]["country"] == "Canada"
    assert customer["defaultAddress"]["id"] in {a["id"] for a in customer["addresses"]}


def test_billing_address_is_the_default_when_there_is_no_shipping_address(client: Client) -> None:
    email = f"billed-{uuid.uuid4().hex[:8]}@example.org"
    order = _create(
        client,
        {"lineItems": [_custom_line()], "customer": {"toUpsert": {"email": email}}, "billingAddress": BILL_TO},
    )
    _given_fields_come_back(BILL_TO, order["customer"]["defaultAddress"])
    assert order["shippingAddress"] is None


def test_upserted_customer_addresses_given_by_country_name(client: Client) -> None:
    email = f"named-{uuid.uuid4().hex[:8]}@example.org"
    order = _create(
        client,
        {
            "lineItems": [_custom_line()],
            "customer": {
                "toUpsert": {
                    "email": email,
                    "firstName": "Ada",
                    "lastName": "Byron",
                    "addresses": [
                        {
                            "address1": "1 Kings Rd",
                            "city": "Leeds",
                            "zip": "LS1 1UR",
                            "country": "United Kingdom",
                            "firstName": "Ada",
                            "lastName": "Byron",
                        }
                    ],
                }
            },
        },
    )
    customer = order["customer"]
    assert (customer["firstName"], customer["lastName"]) == ("Ada", "Byron")
    [address] = customer["addresses"]
    assert (address["countryCodeV2"], address["country"], address["city"], address["zip"]) == (
        "GB",
        "United Kingdom",
        "Leeds",
        "LS1 1UR",
    )
    assert customer["defaultAddress"]["id"] == address["id"]


def test_customer_create_answers_the_country_name_too(client: Client) -> None:
    created = client.data(
        docs.CUSTOMER_CREATE,
        {
            "input": {
                "firstName": "Ole",
                "email": f"ole-{uuid.uuid4().hex[:8]}@example.dk",
                "addresses": [{"address1": "Vestergade 1", "city": "Odense", "countryCode": "DK", "zip": "5000"}],
            }
        },
    )["customerCreate"]
    assert created["userErrors"] == []
    assert created["customer"]["addresses"] == [{"city": "Odense", "countryCodeV2": "DK", "country": "Denmark"}]
