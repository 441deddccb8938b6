"""The media a variant shows: set by productVariantsBulkUpdate/Create (mediaId) and productVariantAppendMedia,
cleared by productVariantDetachMedia and by deleting the media (fileDelete), read through ProductVariant.media
and the deprecated ProductVariant.image."""

from __future__ import annotations

from typing import Any

import pytest

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def _product(client: Client, sandbox: Sandbox, title: str) -> dict[str, Any]:
    """A product with Red, Blue and Green variants and three media (the last one failed to process)."""
    media = [
        {"originalSource": f"https://cdn.example.com/{title}-1.png", "mediaContentType": "IMAGE", "alt": "front"},
        {"originalSource": f"https://cdn.example.com/{title}-2.png", "mediaContentType": "IMAGE", "alt": "back"},
        {"originalSource": f"{sandbox.url}/files/never-uploaded-{title}.png", "mediaContentType": "IMAGE"},
    ]
    options = [{"name": "Color", "values": [{"name": "Red"}, {"name": "Blue"}, {"name": "Green"}]}]
    created = client.data(docs.PRODUCT_CREATE, {"product": {"title": title, "productOptions": options}, "media": media})
    product_id = created["productCreate"]["product"]["id"]
    more = [{"optionValues": [{"optionName": "Color", "name": c}], "price": "10.00"} for c in ("Blue", "Green")]
    added = client.data(docs.VARIANTS_BULK_CREATE, {"productId": product_id, "variants": more})
    assert added["productVariantsBulkCreate"]["userErrors"] == []
    return read(client, product_id)


def read(client: Client, product_id: str) -> dict[str, Any]:
    """The product as the API shows it, with its variants by title and its media ids in order."""
    product = client.data(docs.VARIANT_MEDIA, {"id": product_id})["product"]
    product["by_title"] = {v["title"]: v for v in product["variants"]["nodes"]}
    product["media_ids"] = [m["id"] for m in product["media"]["nodes"]]
    return product


def shown(product: dict[str, Any], title: str) -> list[str]:
    """Ids of the media one variant shows."""
    return [m["id"] for m in product["by_title"][title]["media"]["nodes"]]


@pytest.fixture
def shirt(client: Client, sandbox: Sandbox, request: pytest.FixtureRequest) -> dict[str, Any]:
    return _product(client, sandbox, f"Media Shirt {request.node.name[-24:]}")


def test_bulk_update_media_id_shows_then_replaces(client: Client, shirt: dict[str, Any]) -> None:
    front, back, _failed = shirt["media_ids"]
    red = shirt["by_title"]["Red"]
    assert shown(shirt, "Red") == [] and red["image"] is None

    data = client.data(
        docs.VARIANTS_SET_MEDIA, {"productId": shirt["id"], "variants": [{"id": red["id"], "mediaId": front}]}
    )
    result = data["productVariantsBulkUpdate"]
    assert result["userErrors"] == []
    assert result["productVariants"][0]["media"]["nodes"] == [{"id": front}]
    after = read(client, shirt["id"])
    assert shown(after, "Red") == [front] and shown(after, "Blue") == []
    image = after["by_title"]["Red"]["image"]
    assert image["url"] == after["by_title"]["Red"]["media"]["nodes"][0]["image"]["url"] != ""
    assert image["id"].startswith("gid://shopify/ProductImage/") and image["altText"] == "front"
    assert after["by_title"]["Red"]["updatedAt"] >= red["updatedAt"]

    client.data(docs.VARIANTS_SET_MEDIA, {"productId": shirt["id"], "variants": [{"id": red["id"], "mediaId": back}]})
    again = read(client, shirt["id"])
    assert shown(again, "Red") == [back], "a variant shows one image: the new media replaces the old"
    assert again["media_ids"] == shirt["media_ids"], "the product keeps all its media"
    one = client.data(docs.VARIANT_BY_ID_MEDIA, {"id": red["id"]})["productVariant"]["media"]
    assert [e["node"]["id"] for e in one["edges"]] == [back] and one["pageInfo"]["hasNextPage"] is False


def test_bulk_update_refuses_media_of_another_product(client: Client, sandbox: Sandbox, shirt: dict[str, Any]) -> None:
    other = _product(client, sandbox, "Media Other Shirt")
    red, blue = shirt["by_title"]["Red"]["id"], shirt["by_title"]["Blue"]["id"]
    variants = [{"id": red, "mediaId": shirt["media_ids"][0]}, {"id": blue, "mediaId": other["media_ids"][0]}]
    refused = client.data(docs.VARIANTS_SET_MEDIA, {"productId": shirt["id"], "variants": variants})
    result = refused["productVariantsBulkUpdate"]
    assert result["productVariants"] is None
    assert result["userErrors"] == [
        {
            "field": ["variants", "1", "mediaId"],
            "message": "Media does not exist on the specified product.",
            "code": "MUST_BE_FOR_THIS_PRODUCT",
        }
    ]
    assert shown(read(client, shirt["id"]), "Red") == [], "nothing changes when one variant is refused"
    gone = "gid://shopify/MediaImage/1"
    partial = client.data(
        docs.VARIANTS_SET_MEDIA,
        {"productId": shirt["id"], "variants": [*variants[:1], {"id": blue, "mediaId": gone}], "partial": True},
    )["productVariantsBulkUpdate"]
    assert [v["id"] for v in partial["productVariants"]] == [red] and len(partial["userErrors"]) == 1
    assert shown(read(client, shirt["id"]), "Red") == [shirt["media_ids"][0]]


def test_bulk_create_with_media_id(client: Client, sandbox: Sandbox) -> None:
    media = [{"originalSource": "https://cdn.example.com/cap.png", "mediaContentType": "IMAGE"}]
    options = [{"name": "Size", "values": [{"name": "S"}]}]
    created = client.data(
        docs.PRODUCT_CREATE, {"product": {"title": "Media Cap", "productOptions": options}, "media": media}
    )
    cap = read(client, created["productCreate"]["product"]["id"])
    spec = {"optionValues": [{"optionName": "Size", "name": "M"}], "price": "5.00", "mediaId": cap["media_ids"][0]}
    data = client.data(docs.VARIANTS_CREATE_WITH_MEDIA, {"productId": cap["id"], "variants": [spec]})
    made = data["productVariantsBulkCreate"]
    assert made["userErrors"] == [] and made["productVariants"][0]["media"]["nodes"] == [{"id": cap["media_ids"][0]}]
    bad = dict(spec, optionValues=[{"optionName": "Size", "name": "L"}], mediaId="gid://shopify/MediaImage/1")
    refused = client.data(docs.VARIANTS_CREATE_WITH_MEDIA, {"productId": cap["id"], "variants": [bad]})
    assert refused["productVariantsBulkCreate"]["userErrors"][0]["code"] == "MUST_BE_FOR_THIS_PRODUCT"
    assert [v["title"] for v in read(client, cap["id"])["variants"]["nodes"]] == ["S", "M"]


def test_append_and_detach_media(client: Client, sandbox: Sandbox, shirt: dict[str, Any]) -> None:
    front, back, failed = shirt["media_ids"]
    red, blue = shirt["by_title"]["Red"]["id"], shirt["by_title"]["Blue"]["id"]
    pid = shirt["id"]

    def append(pairs: list[dict[str, Any]], product_id: str = pid) -> dict[str, Any]:
        result: dict[str, Any] = client.data(
            docs.VARIANT_APPEND_MEDIA, {"productId": product_id, "variantMedia": pairs}
        )
        return result["productVariantAppendMedia"]

    def detach(pairs: list[dict[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = client.data(docs.VARIANT_DETACH_MEDIA, {"productId": pid, "variantMedia": pairs})
        return result["productVariantDetachMedia"]

    done = append([{"variantId": red, "mediaIds": [front]}, {"variantId": blue, "mediaIds": [front]}])
    assert done["userErrors"] == [] and done["product"] == {"id": pid}
    assert [v["media"]["nodes"] for v in done["productVariants"]] == [[{"id": front}], [{"id": front}]]

    def code(result: dict[str, Any]) -> tuple[list[str], str]:
        assert result["productVariants"] is None and result["product"] is None
        error = result["userErrors"][0]
        return error["field"], error["code"]

    other = _product(client, sandbox, "Media Append Other")
    assert code(append([{"variantId": red, "mediaIds": [back]}])) == (
        ["variantMedia", "0", "variantId"],
        "PRODUCT_VARIANT_ALREADY_HAS_MEDIA",
    )
    green = shirt["by_title"]["Green"]["id"]
    assert code(append([{"variantId": green, "mediaIds": [front, back]}]))[1] == "TOO_MANY_MEDIA_PER_INPUT_PAIR"
    twice = [{"variantId": green, "mediaIds": [front]}, {"variantId": green, "mediaIds": [back]}]
    assert code(append(twice))[1] == "PRODUCT_VARIANT_SPECIFIED_MULTIPLE_TIMES"
    assert code(append([{"variantId": green, "mediaIds": [failed]}]))[1] == "NON_READY_MEDIA"
    assert code(append([{"variantId": green, "mediaIds": [other["media_ids"][0]]}])) == (
        ["variantMedia", "0", "mediaIds"],
        "MEDIA_DOES_NOT_EXIST_ON_PRODUCT",
    )
    foreign = other["by_title"]["Red"]["id"]
    assert code(append([{"variantId": foreign, "mediaIds": [front]}]))[1] == "PRODUCT_VARIANT_DOES_NOT_EXIST_ON_PRODUCT"
    missing = append([{"variantId": green, "mediaIds": [front]}], "gid://shopify/Product/1")
    assert missing["userErrors"][0]["code"] == "PRODUCT_DOES_NOT_EXIST"
    assert code(detach([{"variantId": green, "mediaIds": [front]}]))[1] == "MEDIA_IS_NOT_ATTACHED_TO_VARIANT"
    assert shown(read(client, pid), "Green") == [], "a refused call changes nothing"

    gone = detach([{"variantId": red, "mediaIds": [front]}])
    assert gone["userErrors"] == [] and gone["productVariants"][0]["media"]["nodes"] == []
    after = read(client, pid)
    assert shown(after, "Red") == [] and after["by_title"]["Red"]["image"] is None
    assert shown(after, "Blue") == [front] and after["media_ids"] == shirt["media_ids"]


def test_file_delete_clears_the_variants_that_showed_it(client: Client, shirt: dict[str, Any]) -> None:
    front, back, _failed = shirt["media_ids"]
    variants = [
        {"id": shirt["by_title"]["Red"]["id"], "mediaId": front},
        {"id": shirt["by_title"]["Blue"]["id"], "mediaId": front},
        {"id": shirt["by_title"]["Green"]["id"], "mediaId": back},
    ]
    client.data(docs.VARIANTS_SET_MEDIA, {"productId": shirt["id"], "variants": variants})
    assert shirt["featuredMedia"] == {"id": front}

    unknown = client.data(docs.FILE_DELETE, {"fileIds": [front, "gid://shopify/MediaImage/1"]})["fileDelete"]
    assert unknown["deletedFileIds"] is None
    assert unknown["userErrors"] == [
        {
            "field": ["fileIds"],
            "message": "File id gid://shopify/MediaImage/1 does not exist.",
            "code": "FILE_DOES_NOT_EXIST",
        }
    ]
    assert read(client, shirt["id"])["media_ids"] == shirt["media_ids"]

    deleted = client.data(docs.FILE_DELETE, {"fileIds": [front]})["fileDelete"]
    assert deleted == {"deletedFileIds": [front], "userErrors": []}
    after = read(client, shirt["id"])
    assert after["media_ids"] == shirt["media_ids"][1:] and after["featuredMedia"] == {"id": back}
    assert shown(after, "Red") == [] and shown(after, "Blue") == [] and shown(after, "Green") == [back]
    assert after["by_title"]["Red"]["updatedAt"] >= shirt["by_title"]["Red"]["updatedAt"]
    assert after["updatedAt"] > shirt["updatedAt"]


def test_file_delete_needs_write_files(sandbox: Sandbox, client: Client, shirt: dict[str, Any]) -> None:
    token = sandbox.shop.add_token(["write_products"])
    body = client.run(docs.FILE_DELETE, {"fileIds": shirt["media_ids"][:1]}, token=token)
    assert body["data"]["fileDelete"] is None
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED" and "write_files" in body["errors"][0]["message"]
    appended = client.run(
        docs.VARIANT_APPEND_MEDIA,
        {"productId": shirt["id"], "variantMedia": [{"variantId": shirt["by_title"]["Red"]["id"], "mediaIds": []}]},
        token=token,
    )
    assert "errors" not in appended


def test_variant_media_has_a_cost(client: Client, shirt: dict[str, Any]) -> None:
    body = client.run(docs.VARIANT_MEDIA, {"id": shirt["id"]})
    cost = body["extensions"]["cost"]
    # the variants connection is priced per requested variant, each with its own media connection
    assert cost["requestedQueryCost"] >= 2 + 10 * (1 + 2 + 5)
    assert 0 < cost["actualQueryCost"] < cost["requestedQueryCost"]
