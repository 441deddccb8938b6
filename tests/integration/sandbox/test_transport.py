"""Transport and auth: endpoint, versions, 401s, 400s, several shops, loopback."""

from __future__ import annotations

import pytest
import requests

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def test_graphql_endpoint_answers_with_version_header(sandbox: Sandbox, client: Client) -> None:
    response = client.post(docs.SHOP)
    assert response.status_code == 200
    assert response.headers["X-Shopify-API-Version"] == "2026-07"
    shop = response.json()["data"]["shop"]
    assert shop["name"] == "Demo Sandbox Shop"
    assert shop["currencyCode"] == "USD"
    assert sandbox.url.startswith("http://127.0.0.1:")


def test_unsupported_version_falls_forward(sandbox: Sandbox, client: Client) -> None:
    response = client.post(docs.SHOP, url=f"{sandbox.url}/admin/api/2023-01/graphql.json")
    assert response.status_code == 200
    assert response.headers["X-Shopify-API-Version"] == "2026-01"
    assert response.json()["data"]["shop"]["id"]


@pytest.mark.parametrize("token", [None, "", "shpat_wrong"])
def test_bad_or_missing_token_is_401_with_shopify_string(client: Client, token: str | None) -> None:
    headers = {} if token is None else {"X-Shopify-Access-Token": token}
    response = requests.post(client.url, json={"query": docs.SHOP}, headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


def test_shops_are_told_apart_by_path_and_token(sandbox: Sandbox, client: Client) -> None:
    other = sandbox.add_shop("second", seed="tiny", currency="EUR")
    assert other.url.endswith("/shops/second")
    body = client.run(docs.SHOP, url=f"{other.url}/admin/api/2026-07/graphql.json", token=other.token)
    assert body["data"]["shop"]["currencyCode"] == "EUR"
    # a token of one shop is refused on another shop's path
    wrong = client.post(docs.SHOP, url=f"{other.url}/admin/api/2026-07/graphql.json")
    assert wrong.status_code == 401
    # the bare path finds the shop from the token
    bare = client.run(docs.SHOP, url=f"{sandbox.base_url}/admin/api/2026-07/graphql.json", token=other.token)
    assert bare["data"]["shop"]["currencyCode"] == "EUR"
    assert other.state is not sandbox.state


def test_bad_json_and_missing_query_are_400(client: Client) -> None:
    headers = {"X-Shopify-Access-Token": client.token, "Content-Type": "application/json"}
    assert requests.post(client.url, data=b"{not json", headers=headers, timeout=10).status_code == 400
    response = requests.post(client.url, json={"variables": {}}, headers=headers, timeout=10)
    assert response.status_code == 400
    assert response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


def test_unknown_path_is_404(sandbox: Sandbox) -> None:
    response = requests.get(f"{sandbox.base_url}/nothing", timeout=10)
    assert response.status_code == 404
    assert response.json() == {"errors": "Not Found"}


def test_syntax_and_validation_errors_come_back_at_200(client: Client) -> None:
    body = client.run(docs.UNKNOWN_FIELD)
    assert body["errors"][0]["message"] == "Field 'doesNotExist' doesn't exist on type 'Shop'"
    assert body["errors"][0]["extensions"]["code"] == "undefinedField"
    assert "data" not in body
    assert body["extensions"]["cost"]["requestedQueryCost"] == 0
    body = client.run(docs.SYNTAX_ERROR)
    assert body["errors"][0]["locations"]


def test_sandbox_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Sandbox(seed=None, host="0.0.0.0")


def test_node_and_nodes_lookups(client: Client, sandbox: Sandbox) -> None:
    product = next(iter(sandbox.state.table("Product").values()))
    data = client.data(docs.NODE, {"id": product["id"]})
    assert data["node"]["title"] == product["title"]
    variant = next(iter(sandbox.state.table("ProductVariant").values()))
    data = client.data(docs.NODES, {"ids": [variant["id"], "gid://shopify/ProductVariant/999999"]})
    assert data["nodes"][0]["sku"] == variant["sku"]
    assert data["nodes"][1] is None
