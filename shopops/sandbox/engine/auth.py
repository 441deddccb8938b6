"""Access tokens and access scopes.

Each shop has one or more tokens; each token carries Shopify access scopes (``read_products``,
``write_orders``, ...). ``write_x`` implies ``read_x``, as on Shopify. Fields whose type belongs to a
guarded resource (products, inventory, orders, customers, fulfillments, Shopify Payments) answer
ACCESS_DENIED when the token lacks the scope: the field is null and the error names the scope, while
the rest of the query still answers (partial data, as Shopify does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLResolveInfo, GraphQLSchema, get_named_type

from shopops.sandbox.engine.errors import access_denied

#: resource -> the scopes that grant read access (any of them); write_<resource> for mutations.
RESOURCES: dict[str, tuple[str, ...]] = {
    "products": ("read_products",),
    "inventory": ("read_inventory", "read_products"),
    "locations": ("read_locations", "read_inventory", "read_products", "read_orders"),
    "orders": ("read_orders",),
    "order_edits": ("read_order_edits",),
    "customers": ("read_customers",),
    "fulfillments": (
        "read_merchant_managed_fulfillment_orders",
        "read_assigned_fulfillment_orders",
        "read_fulfillments",
    ),
    "shopify_payments": ("read_shopify_payments_payouts",),
    "shopify_payments_disputes": ("read_shopify_payments_disputes", "read_shopify_payments_payouts"),
}
TYPE_RESOURCE: dict[str, str] = {
    "Product": "products",
    "ProductConnection": "products",
    "ProductVariant": "products",
    "ProductVariantConnection": "products",
    "InventoryItem": "inventory",
    "InventoryItemConnection": "inventory",
    "InventoryLevel": "inventory",
    "InventoryLevelConnection": "inventory",
    "Location": "locations",
    "LocationConnection": "locations",
    "Order": "orders",
    "OrderConnection": "orders",
    "CalculatedOrder": "order_edits",
    "Customer": "customers",
    "CustomerConnection": "customers",
    "FulfillmentOrder": "fulfillments",
    "FulfillmentOrderConnection": "fulfillments",
    "ShopifyPaymentsAccount": "shopify_payments",
    "ShopifyPaymentsDisputeConnection": "shopify_payments_disputes",
}
#: Root fields guarded by name, as their type (``Count``) names no resource.
QUERY_SCOPES: dict[str, tuple[str, ...]] = {"ordersCount": ("read_orders",)}
MUTATION_SCOPES: dict[str, tuple[str, ...]] = {
    "productSet": ("write_products",),
    "productCreate": ("write_products",),
    "productUpdate": ("write_products",),
    "productVariantsBulkCreate": ("write_products",),
    "productVariantsBulkUpdate": ("write_products",),
    "productCreateMedia": ("write_products",),
    "productVariantAppendMedia": ("write_products",),
    "productVariantDetachMedia": ("write_products",),
    "fileDelete": ("write_files",),
    "inventorySetQuantities": ("write_inventory",),
    "inventoryActivate": ("write_inventory",),
    "customerCreate": ("write_customers",),
    "customerUpdate": ("write_customers",),
    "orderCreate": ("write_orders",),
    "orderCancel": ("write_orders",),
    "orderClose": ("write_orders",),
    "orderOpen": ("write_orders",),
    "orderMarkAsPaid": ("write_orders",),
    "orderUpdate": ("write_orders",),
    "refundCreate": ("write_orders",),
    "orderEditBegin": ("write_order_edits",),
    "orderEditAddVariant": ("write_order_edits",),
    "orderEditSetQuantity": ("write_order_edits",),
    "orderEditCommit": ("write_order_edits",),
    "fulfillmentCreate": (
        "write_merchant_managed_fulfillment_orders",
        "write_fulfillments",
        "write_assigned_fulfillment_orders",
    ),
    "fulfillmentTrackingInfoUpdate": ("write_merchant_managed_fulfillment_orders", "write_fulfillments"),
    "stagedUploadsCreate": ("write_files", "write_products", "write_images"),
}
#: What a token gets when no scopes are given: everything the sandbox guards.
ALL_SCOPES: frozenset[str] = frozenset(
    [s for scopes in RESOURCES.values() for s in scopes]
    + [s for scopes in MUTATION_SCOPES.values() for s in scopes]
    + ["write_inventory", "write_products", "write_orders", "write_customers"]
)


def expand(scopes: frozenset[str] | set[str] | list[str] | tuple[str, ...]) -> frozenset[str]:
    """Add the read scope implied by every write scope."""
    out = set(scopes)
    out |= {"read_" + s[len("write_") :] for s in scopes if s.startswith("write_")}
    return frozenset(out)


@dataclass(frozen=True)
class Token:
    """An access token of one shop, with its scopes."""

    value: str
    shop: str
    scopes: frozenset[str] = field(default=ALL_SCOPES)

    def allows(self, any_of: tuple[str, ...]) -> bool:
        """True when the token holds at least one of the scopes."""
        return any(s in self.scopes for s in any_of)


def _guard(resolve: Callable[..., Any] | None, label: str, any_of: tuple[str, ...]) -> Callable[..., Any]:
    def guarded(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        token: Token | None = info.context.get("token")
        if token is not None and not token.allows(any_of):
            raise access_denied(label, any_of[0])
        if resolve is None:
            return info.context["default_resolver"](source, info, **args)
        return resolve(source, info, **args)

    return guarded


def install_scope_guards(schema: GraphQLSchema) -> None:
    """Wrap every field whose type is a guarded resource (and every guarded mutation) with a check.

    Call after the resolvers are attached; only guarded fields pay for the check.
    """
    for type_name, gtype in schema.type_map.items():
        if type_name.startswith("__") or not hasattr(gtype, "fields"):
            continue
        if type(gtype).__name__ != "GraphQLObjectType":
            continue
        for fname, fdef in gtype.fields.items():
            if type_name == "Mutation":
                scopes = MUTATION_SCOPES.get(fname)
            elif type_name == "QueryRoot" and fname in QUERY_SCOPES:
                scopes = QUERY_SCOPES[fname]
            else:
                resource = TYPE_RESOURCE.get(get_named_type(fdef.type).name)
                scopes = RESOURCES.get(resource) if resource else None
            if scopes:
                fdef.resolve = _guard(fdef.resolve, fname, scopes)
