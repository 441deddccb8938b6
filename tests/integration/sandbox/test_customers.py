"""Customers: reads, filters, customerCreate/customerUpdate and their userErrors."""

from __future__ import annotations

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def test_seeded_customers_with_and_without_email_or_phone(sandbox: Sandbox) -> None:
    customers = list(sandbox.state.table("Customer").values())
    assert any(c["email"] and c["phone"] for c in customers)
    assert any(c["email"] is None for c in customers)
    assert any(c["phone"] is None for c in customers)
    assert any(c["email"] is None and c["phone"] is None for c in customers)


def test_customers_page_and_email_filter(client: Client, sandbox: Sandbox) -> None:
    page = client.data(docs.CUSTOMERS, {"first": 10})["customers"]
    assert len(page["nodes"]) == 10 and page["pageInfo"]["hasNextPage"]
    target = next(c for c in sandbox.state.table("Customer").values() if c["email"])
    found = client.data(docs.CUSTOMERS, {"first": 5, "query": f"email:{target['email']}"})["customers"]["nodes"]
    assert [c["id"] for c in found] == [target["id"]]
    assert found[0]["defaultEmailAddress"]["emailAddress"] == target["email"]


def test_customer_create_update_and_errors(client: Client) -> None:
    created = client.data(
        docs.CUSTOMER_CREATE,
        {
            "input": {
                "email": "Jane.Doe@example.com",
                "firstName": "Jane",
                "lastName": "Doe",
                "phone": "+4512345678",
                "addresses": [{"address1": "Main 1", "city": "Odense", "countryCode": "DK", "zip": "5000"}],
            }
        },
    )
    customer = created["customerCreate"]["customer"]
    assert customer["displayName"] == "Jane Doe"
    assert customer["addresses"][0]["countryCodeV2"] == "DK"
    duplicate = client.data(docs.CUSTOMER_CREATE, {"input": {"email": "jane.doe@example.com"}})["customerCreate"]
    assert duplicate["customer"] is None
    assert duplicate["userErrors"][0] == {"field": ["email"], "message": "Email has already been taken"}
    invalid = client.data(docs.CUSTOMER_CREATE, {"input": {"email": "not-an-email"}})["customerCreate"]
    assert invalid["userErrors"][0]["message"] == "Email is invalid"
    updated = client.data(docs.CUSTOMER_UPDATE, {"input": {"id": customer["id"], "note": "VIP", "tags": ["b2b"]}})
    assert updated["customerUpdate"]["customer"]["note"] == "VIP"
    assert updated["customerUpdate"]["customer"]["tags"] == ["b2b"]
    phone_only = client.data(docs.CUSTOMER_CREATE, {"input": {"phone": "+4587654321"}})["customerCreate"]
    assert phone_only["customer"]["email"] is None and phone_only["userErrors"] == []
