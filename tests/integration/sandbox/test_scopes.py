"""Access scopes: fields outside a token's scopes answer ACCESS_DENIED, the rest still answers."""

from __future__ import annotations

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def test_read_field_outside_scopes_is_access_denied(sandbox: Sandbox, client: Client) -> None:
    token = sandbox.shop.add_token(["read_products"])
    body = client.run(docs.MIXED_SCOPES, token=token)
    assert body["data"]["shop"]["name"]
    assert body["data"]["products"]["nodes"]
    assert body["data"]["order"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "ACCESS_DENIED"
    assert error["path"] == ["order"]
    assert "`read_orders` access scope" in error["message"]


def test_denied_non_null_field_nulls_the_data(sandbox: Sandbox, client: Client) -> None:
    token = sandbox.shop.add_token(["read_products"])
    body = client.run(docs.DENIED_NON_NULL, token=token)
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["orders"]


def test_mutation_outside_scopes_is_access_denied(sandbox: Sandbox, client: Client) -> None:
    token = sandbox.shop.add_token(["read_products", "read_customers"])
    body = client.run(docs.CUSTOMER_CREATE, {"input": {"email": "nope@example.com"}}, token=token)
    assert body["data"]["customerCreate"] is None
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert "write_customers" in body["errors"][0]["message"]


def test_write_scope_implies_read(sandbox: Sandbox, client: Client) -> None:
    token = sandbox.shop.add_token(["write_orders"])
    body = client.run(docs.ORDERS_PAGE, {"first": 1}, token=token)
    assert "errors" not in body


def test_payments_need_their_scope(sandbox: Sandbox, client: Client) -> None:
    token = sandbox.shop.add_token(["read_orders"])
    body = client.run(docs.PAYMENTS, token=token)
    assert body["data"]["shopifyPaymentsAccount"] is None
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
