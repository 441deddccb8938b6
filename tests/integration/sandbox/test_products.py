"""Products, variants, options and media: reads and every product mutation."""

from __future__ import annotations

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def test_products_page_with_variants(client: Client) -> None:
    data = client.data(docs.PRODUCTS_PAGE, {"first": 5})
    edges = data["products"]["edges"]
    assert len(edges) == 5
    assert data["products"]["pageInfo"]["hasNextPage"] is True
    multi = [e["node"] for e in edges if len(e["node"]["variants"]["nodes"]) > 1]
    assert multi, "the seed has multi-variant products"
    variant = multi[0]["variants"]["nodes"][0]
    assert variant["id"].startswith("gid://shopify/ProductVariant/")
    assert variant["inventoryItem"]["id"].startswith("gid://shopify/InventoryItem/")
    assert "." in variant["price"]


def test_product_by_id_with_price_range(client: Client, sandbox: Sandbox) -> None:
    product = list(sandbox.state.table("Product").values())[3]
    data = client.data(docs.PRODUCT, {"id": product["id"]})["product"]
    assert data["title"] == product["title"]
    prices = [float(v["price"]) for v in data["variants"]["nodes"]]
    assert float(data["priceRangeV2"]["minVariantPrice"]["amount"]) == min(prices)
    assert client.data(docs.PRODUCT, {"id": "gid://shopify/Product/1"})["product"] is None


def test_product_create_update(client: Client, sandbox: Sandbox) -> None:
    data = client.data(
        docs.PRODUCT_CREATE,
        {
            "product": {
                "title": "Test Kettle",
                "vendor": "Acme",
                "productOptions": [{"name": "Color", "values": [{"name": "Steel"}, {"name": "Copper"}]}],
            }
        },
    )["productCreate"]
    assert data["userErrors"] == []
    product = data["product"]
    assert product["handle"] == "test-kettle"
    assert product["options"] == [{"name": "Color", "values": ["Steel", "Copper"]}]
    assert [v["title"] for v in product["variants"]["nodes"]] == ["Steel"]
    before = sandbox.state.get(product["id"])["updatedAt"]
    updated = client.data(
        docs.PRODUCT_UPDATE, {"product": {"id": product["id"], "title": "Test Kettle 2", "tags": ["kitchen"]}}
    )["productUpdate"]
    assert updated["product"]["title"] == "Test Kettle 2"
    assert updated["product"]["tags"] == ["kitchen"]
    assert updated["product"]["updatedAt"] > before
    blank = client.data(docs.PRODUCT_CREATE, {"product": {"title": ""}})["productCreate"]
    assert blank["product"] is None and blank["userErrors"][0]["field"] == ["title"]


def test_product_set_creates_then_upserts(client: Client, sandbox: Sandbox) -> None:
    location = next(iter(sandbox.state.table("Location").values()))
    payload = {
        "title": "Set Shirt",
        "handle": "set-shirt",
        "productOptions": [{"name": "Size", "values": [{"name": "S"}, {"name": "M"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Size", "name": "S"}],
                "sku": "SET-S",
                "price": "19.99",
                "inventoryQuantities": [{"locationId": location["id"], "name": "available", "quantity": 7}],
            },
            {"optionValues": [{"optionName": "Size", "name": "M"}], "sku": "SET-M", "price": "21.00"},
        ],
    }
    first = client.data(docs.PRODUCT_SET, {"input": payload})["productSet"]
    assert first["userErrors"] == []
    product = first["product"]
    assert {v["sku"] for v in product["variants"]["nodes"]} == {"SET-S", "SET-M"}
    assert first["productSetOperation"]["status"] == "COMPLETE"
    payload["variants"] = [dict(payload["variants"][0], price="18.00")]
    second = client.data(docs.PRODUCT_SET, {"input": payload, "identifier": {"handle": "set-shirt"}})["productSet"]
    assert second["product"]["id"] == product["id"]
    assert [(v["sku"], v["price"]) for v in second["product"]["variants"]["nodes"]] == [("SET-S", "18.00")]
    missing = client.data(docs.PRODUCT_SET, {"input": {"title": "x"}, "identifier": {"id": "gid://shopify/Product/9"}})[
        "productSet"
    ]
    assert missing["userErrors"][0]["code"] == "PRODUCT_DOES_NOT_EXIST"


def test_variants_bulk_create_and_update(client: Client) -> None:
    product = client.data(
        docs.PRODUCT_CREATE,
        {"product": {"title": "Bulk Cap", "productOptions": [{"name": "Color", "values": [{"name": "Red"}]}]}},
    )["productCreate"]["product"]
    created = client.data(
        docs.VARIANTS_BULK_CREATE,
        {
            "productId": product["id"],
            "variants": [
                {
                    "optionValues": [{"optionName": "Color", "name": "Blue"}],
                    "price": "12.00",
                    "inventoryItem": {"sku": "CAP-BLUE"},
                },
                {"optionValues": [{"optionName": "Color", "name": "Red"}], "price": "12.00"},
            ],
        },
    )["productVariantsBulkCreate"]
    assert [v["sku"] for v in created["productVariants"]] == ["CAP-BLUE"]
    assert created["userErrors"][0]["code"] == "VARIANT_ALREADY_EXISTS"
    blue = created["productVariants"][0]
    updated = client.data(
        docs.VARIANTS_BULK_UPDATE,
        {"productId": product["id"], "variants": [{"id": blue["id"], "price": "15.50", "barcode": "123"}]},
    )["productVariantsBulkUpdate"]
    assert updated["productVariants"][0]["price"] == "15.50"
    assert updated["productVariants"][0]["barcode"] == "123"
    bad = client.data(
        docs.VARIANTS_BULK_UPDATE,
        {"productId": product["id"], "variants": [{"id": "gid://shopify/ProductVariant/1", "price": "1"}]},
    )["productVariantsBulkUpdate"]
    assert bad["userErrors"][0]["code"] == "PRODUCT_VARIANT_DOES_NOT_EXIST"


def test_variant_lookup_by_sku(client: Client, sandbox: Sandbox) -> None:
    variant = next(v for v in sandbox.state.table("ProductVariant").values() if v["sku"])
    nodes = client.data(docs.VARIANTS_BY_SKU, {"query": f"sku:{variant['sku']}"})["productVariants"]["nodes"]
    assert [n["id"] for n in nodes] == [variant["id"]]
