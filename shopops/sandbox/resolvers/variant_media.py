"""The media a variant shows, and deleting media: as Shopify keeps them.

A variant record holds ``mediaIds``: the product media it shows (Shopify lets a variant show one image).
It is set by ``productVariantsBulkUpdate``/``productVariantsBulkCreate`` with ``mediaId`` (which replaces
what the variant showed), by ``productVariantAppendMedia`` (refused when the variant already shows media)
and cleared by ``productVariantDetachMedia``. ``ProductVariant.media`` reads it as a connection, and the
deprecated ``ProductVariant.image`` as the first image. ``fileDelete`` removes media from its product and
from every variant that showed it.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.resolvers.common import ResolverMap, check_input_list, connect, state_of, user_error
from shopops.sandbox.state.store import Record, ShopState

#: Shopify's cap on variant-media pairs in one append/detach call.
MAX_VARIANT_MEDIA_PAIRS = 100


def media_of(state: ShopState, variant: Record) -> list[Record]:
    """The media records a variant shows (ids of deleted media are skipped)."""
    return [m for m in (state.get(g, "MediaImage") for g in variant.get("mediaIds") or []) if m]


def media_id_error(product: Record, spec: dict[str, Any], index: int) -> dict[str, Any] | None:
    """The userError of a ``ProductVariantsBulkInput.mediaId`` that is not one of the product's media."""
    media_id = spec.get("mediaId")
    if media_id is None or media_id in (product.get("mediaIds") or []):
        return None
    return user_error(
        "Media does not exist on the specified product.",
        ["variants", str(index), "mediaId"],
        "MUST_BE_FOR_THIS_PRODUCT",
    )


def show_media(variant: Record, spec: dict[str, Any]) -> None:
    """Apply a validated ``mediaId`` of a variant input: the variant shows that media instead."""
    if spec.get("mediaId") is not None:
        variant["mediaIds"] = [spec["mediaId"]]


def delete_media(state: ShopState, media_gid: str) -> None:
    """Remove one media: from the shop, its product's media and every variant that showed it."""
    media = state.get(media_gid, "MediaImage")
    if media is None:
        return
    product = state.get(media.get("productId"), "Product")
    if product is not None:
        product["mediaIds"] = [g for g in product.get("mediaIds") or [] if g != media_gid]
        for variant in (state.get(g, "ProductVariant") for g in product["variantIds"]):
            if variant is not None and media_gid in (variant.get("mediaIds") or []):
                variant["mediaIds"] = [g for g in variant["mediaIds"] if g != media_gid]
                state.touch(variant)
        state.touch(product)
    state.delete(media_gid)


def _variant_media(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connect(info, media_of(state_of(info), source), args)


def _variant_image(source: Record, info: GraphQLResolveInfo, **_args: Any) -> dict[str, Any] | None:
    media = media_of(state_of(info), source)
    if not media:
        return None
    return dict(media[0]["image"], id=media[0]["id"].replace("MediaImage", "ProductImage"))


def _pair_errors(state: ShopState, product: Record, pairs: list[dict[str, Any]], append: bool) -> list[dict[str, Any]]:
    """Shopify's checks of variant-media pairs, in its order: shape first, then each pair."""
    if len(pairs) > MAX_VARIANT_MEDIA_PAIRS:
        message = f"Exceeded the maximum number of {MAX_VARIANT_MEDIA_PAIRS} variant-media pairs per mutation call."
        return [user_error(message, ["variantMedia"], "MAXIMUM_VARIANT_MEDIA_PAIRS_EXCEEDED")]
    errors = [
        user_error(
            "Only one mediaId is allowed per variant-media input pair.",
            ["variantMedia", str(i), "mediaIds"],
            "TOO_MANY_MEDIA_PER_INPUT_PAIR",
        )
        for i, pair in enumerate(pairs)
        if len(pair["mediaIds"]) > 1
    ]
    if errors:
        return errors
    first_seen: dict[str, int] = {}
    for i, pair in enumerate(pairs):
        if pair["variantId"] in first_seen:
            errors.append(
                user_error(
                    "Variant specified in more than one pair.",
                    ["variantMedia", str(first_seen[pair["variantId"]]), "variantId"],
                    "PRODUCT_VARIANT_SPECIFIED_MULTIPLE_TIMES",
                )
            )
        first_seen.setdefault(pair["variantId"], i)
    if errors:
        return errors
    for i, pair in enumerate(pairs):
        at = ["variantMedia", str(i)]
        variant = state.get(pair["variantId"], "ProductVariant")
        if variant is None or variant["productId"] != product["id"]:
            message = "Variant does not exist on the specified product."
            errors.append(user_error(message, [*at, "variantId"], "PRODUCT_VARIANT_DOES_NOT_EXIST_ON_PRODUCT"))
            continue
        if append and media_of(state, variant):
            message = "The given variant already has attached media."
            errors.append(user_error(message, [*at, "variantId"], "PRODUCT_VARIANT_ALREADY_HAS_MEDIA"))
            continue
        for media_gid in pair["mediaIds"]:
            media = state.get(media_gid, "MediaImage")
            if media is None or media_gid not in product["mediaIds"]:
                message = "Media does not exist on the specified product."
                errors.append(user_error(message, [*at, "mediaIds"], "MEDIA_DOES_NOT_EXIST_ON_PRODUCT"))
            elif append and media.get("status") != "READY":
                message = "Non-ready media cannot be attached to variants."
                errors.append(user_error(message, [*at, "mediaIds"], "NON_READY_MEDIA"))
            elif not append and media_gid not in (variant.get("mediaIds") or []):
                message = "The specified media is not attached to the specified variant."
                errors.append(user_error(message, [*at, "variantId"], "MEDIA_IS_NOT_ATTACHED_TO_VARIANT"))
    return errors


def _pairs_mutation(append: bool) -> Any:
    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        state = state_of(info)
        pairs = args["variantMedia"]
        check_input_list(pairs, "variantMedia")
        with state.lock:
            product = state.get(args["productId"], "Product")
            if product is None:
                error = user_error("Product does not exist", ["productId"], "PRODUCT_DOES_NOT_EXIST")
                return {"product": None, "productVariants": None, "userErrors": [error]}
            errors = _pair_errors(state, product, pairs, append)
            if errors:
                return {"product": None, "productVariants": None, "userErrors": errors}
            changed = []
            for pair in pairs:
                variant = state.get(pair["variantId"], "ProductVariant")
                assert variant is not None
                shown = [g for g in variant.get("mediaIds") or [] if g not in pair["mediaIds"]]
                variant["mediaIds"] = [*shown, *pair["mediaIds"]] if append else shown
                state.touch(variant)
                changed.append(variant)
            state.touch(product)
            return {"product": product, "productVariants": changed, "userErrors": []}

    return resolve


def _file_delete(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    ids = list(dict.fromkeys(args["fileIds"]))
    check_input_list(args["fileIds"], "fileIds")
    with state.lock:
        errors = [
            user_error(f"File id {g} does not exist.", ["fileIds"], "FILE_DOES_NOT_EXIST")
            for g in ids
            if state.get(g, "MediaImage") is None
        ]
        if errors:
            return {"deletedFileIds": None, "userErrors": errors}
        for media_gid in ids:
            delete_media(state, media_gid)
        return {"deletedFileIds": ids, "userErrors": []}


RESOLVERS: ResolverMap = {
    "Mutation": {
        "productVariantAppendMedia": _pairs_mutation(append=True),
        "productVariantDetachMedia": _pairs_mutation(append=False),
        "fileDelete": _file_delete,
    },
    "ProductVariant": {"media": _variant_media, "image": _variant_image},
}
