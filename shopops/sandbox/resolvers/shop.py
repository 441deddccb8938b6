"""The ``shop`` object and the generic ``node``/``nodes`` lookups."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.resolvers.common import ResolverMap, state_of
from shopops.sandbox.state.store import Record


def _shop(_root: Any, info: GraphQLResolveInfo, **_args: Any) -> dict[str, Any]:
    state = state_of(info)
    shop = state.info
    domain = f"{shop.handle}.myshopify.com"
    return {
        "id": "gid://shopify/Shop/1",
        "name": shop.name,
        "email": shop.email,
        "contactEmail": shop.email,
        "currencyCode": shop.currency,
        "myshopifyDomain": domain,
        "url": f"https://{domain}",
        "ianaTimezone": shop.timezone,
        "createdAt": shop.created_at,
        "updatedAt": shop.created_at,
        "enabledPresentmentCurrencies": sorted({shop.currency, "EUR", "GBP", "CAD", "DKK"}),
        "weightUnit": "KILOGRAMS",
        "unitSystem": "METRIC_SYSTEM",
        "taxesIncluded": False,
        "plan": {
            "displayName": shop.plan.title(),
            "partnerDevelopment": False,
            "shopifyPlus": shop.plan == "plus",
            "publicDisplayName": shop.plan.title(),
        },
        "primaryDomain": {
            "id": "gid://shopify/Domain/1",
            "host": domain,
            "url": f"https://{domain}",
            "sslEnabled": True,
        },
        "billingAddress": {
            "id": "gid://shopify/ShopAddress/1",
            "address1": "1 Sandbox Street",
            "city": "Springfield",
            "countryCodeV2": "US",
            "country": "United States",
            "zip": "12345",
        },
    }


def _node(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Record | None:
    return state_of(info).get(args.get("id"))


def _nodes(_root: Any, info: GraphQLResolveInfo, **args: Any) -> list[Record | None]:
    state = state_of(info)
    return [state.get(i) for i in args.get("ids") or []]


RESOLVERS: ResolverMap = {"QueryRoot": {"shop": _shop, "node": _node, "nodes": _nodes}}
