"""The Admin API access scopes shopops needs, computed from the operations it sends.

A custom app's token carries access scopes. Too few and a sync fails with ACCESS_DENIED; too many and a
shop owner rightly asks why. So the list comes from the documents themselves:

    from shopops.shopify import scopes
    scopes.required_scopes()          # [ScopeNeed("read_customers", ("GetCustomers", ...)), ...]
    scopes.scope_list()               # "read_customers,write_customers,..." for the app's configuration

How it is computed: ``SENT`` names every operation in ``operations/`` that the package (its reports and
its notebooks) sends. ``operation_scopes`` walks one document, typed against the real Admin API schema,
and collects for every field and every type it reaches the scopes Shopify accepts (the schema's
``requiredAccess``), then picks from each set of alternatives the scope shopops asks for (``PREFERRED``;
a write scope covers its read scope, as on Shopify). The real schema is a 1 MB introspection file that
the package does not ship, so the result per operation is kept in ``OPERATION_SCOPES``; a unit test
recomputes it from the schema and fails, printing the fresh table, when an operation changes.

Staff permissions that some mutations also name ("the user must have fulfill_and_ship_orders
permission") belong to the staff member who installs the app, not to its scopes, and are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLSchema, TypeInfo, TypeInfoVisitor, Visitor, get_named_type, parse, visit
from graphql.language import FieldNode, InlineFragmentNode

from shopops.shopify.errors import ConfigurationError

PREFERRED: tuple[str, ...] = (
    "read_orders",
    "write_orders",
    "read_products",
    "write_products",
    "read_locations",
    "read_inventory",
    "write_inventory",
    "read_customers",
    "write_customers",
    "read_merchant_managed_fulfillment_orders",
    "write_merchant_managed_fulfillment_orders",
    "read_shopify_payments_accounts",
    "read_shopify_payments_payouts",
    "read_shopify_payments_disputes",
    "read_files",
    "write_files",
)
"""Where Shopify accepts any of several scopes, the one shopops asks for: the first of these that fits.

Orders, not marketplace or quick-sale orders; locations by their own scope; fulfillment orders at the
merchant's own locations (a fulfillment service's locations would need the ``assigned`` scopes); Shopify
Payments through the account scopes a custom app can request."""

TEXT_SCOPES: dict[str, tuple[str, ...]] = {
    "The user must have access to payouts.": ("read_shopify_payments_payouts",),
}
"""``requiredAccess`` texts of the schema that name no scope, with the scope they mean."""

NOT_SCOPES: tuple[str, ...] = ("Only accessible by supported access tokens",)
"""``requiredAccess`` texts (their start) that are about the kind of token, which a custom app's is."""

_SCOPE = re.compile(r"`((?:read|write)_[a-z_]+)`")
_BARE_SCOPE = re.compile(r"\b((?:read|write)_[a-z_]+)\b")

SENT: tuple[str, ...] = (
    "BulkOperationCancel",
    "BulkOperationRunMutation",
    "BulkOperationRunQuery",
    "FulfillmentCreate",
    "GetBalanceTransactions",
    "GetBulkOperation",
    "GetCustomers",
    "GetDisputes",
    "GetLocations",
    "GetOrderFulfillmentOrders",
    "GetOrderIds",
    "GetRunningBulkMutations",
    "GetRunningBulkOperations",
    "GetShop",
    "InventorySetQuantities",
    "ProductCreateMedia",
    "ProductUpdate",
    "ProductVariantsBulkUpdate",
    "ShipmentFulfillmentOrderFulfillments",
    "StagedUploadsCreate",
    "SyncBulkCatalog",
    "SyncBulkInventoryLevels",
    "SyncBulkOrderRefunds",
    "SyncBulkOrders",
    "SyncCustomerCreate",
    "SyncCustomerUpdate",
    "SyncDeleteMedia",
    "SyncGetFulfillmentOrderLines",
    "SyncGetOrder",
    "SyncGetOrderFulfillmentOrders",
    "SyncGetOrderLines",
    "SyncGetOrderShippingLines",
    "SyncGetOrders",
    "SyncGetPayouts",
    "SyncGetRefundLines",
    "SyncGetRefunds",
    "SyncOrderStates",
    "SyncOrdersCount",
    "SyncOrdersToImport",
    "SyncProductImages",
    "SyncProductSet",
    "SyncProductsChanged",
    "SyncSetVariantMedia",
    "SyncVariantImages",
    "WebhookSubscriptionCreate",
    "WebhookSubscriptionDelete",
    "WebhookSubscriptionUpdate",
    "WebhookSubscriptions",
)
"""The operations the package sends to a shop (the others in ``operations/`` serve tests and examples)."""

OPERATION_SCOPES: dict[str, tuple[str, ...]] = {
    # operation_scopes() of each sent operation against the real 2026-07 schema; a unit test keeps it so
    "BulkOperationCancel": (),
    "BulkOperationRunMutation": (),
    "BulkOperationRunQuery": (),
    "FulfillmentCreate": ("write_merchant_managed_fulfillment_orders",),
    "GetBalanceTransactions": ("read_shopify_payments_accounts", "read_shopify_payments_payouts"),
    "GetBulkOperation": (),
    "GetCustomers": ("read_customers",),
    "GetDisputes": ("read_orders", "read_shopify_payments_accounts", "read_shopify_payments_disputes"),
    "GetLocations": ("read_locations",),
    "GetOrderFulfillmentOrders": ("read_locations", "read_merchant_managed_fulfillment_orders", "read_orders"),
    "GetOrderIds": ("read_orders",),
    "GetRunningBulkMutations": (),
    "GetRunningBulkOperations": (),
    "GetShop": (),
    "InventorySetQuantities": ("write_inventory",),
    "ProductCreateMedia": ("write_products",),
    "ProductUpdate": ("write_products",),
    "ProductVariantsBulkUpdate": ("write_products",),
    "ShipmentFulfillmentOrderFulfillments": ("read_merchant_managed_fulfillment_orders", "read_orders"),
    "StagedUploadsCreate": (),
    "SyncBulkCatalog": ("read_products",),
    "SyncBulkInventoryLevels": ("read_inventory", "read_locations", "read_products"),
    "SyncCustomerCreate": ("write_customers",),
    "SyncCustomerUpdate": ("write_customers",),
    "SyncDeleteMedia": ("write_files",),
    "SyncGetFulfillmentOrderLines": ("read_merchant_managed_fulfillment_orders", "read_orders"),
    "SyncGetOrder": (
        "read_customers",
        "read_locations",
        "read_merchant_managed_fulfillment_orders",
        "read_orders",
        "read_products",
    ),
    "SyncGetOrderLines": ("read_orders", "read_products"),
    "SyncGetPayouts": ("read_shopify_payments_accounts", "read_shopify_payments_payouts"),
    "SyncGetRefundLines": ("read_locations", "read_orders"),
    "SyncOrderStates": ("read_orders",),
    "SyncOrdersToImport": ("read_orders",),
    "SyncProductImages": ("read_products",),
    "SyncProductSet": ("write_products",),
    "SyncProductsChanged": ("read_products",),
    "SyncSetVariantMedia": ("write_products",),
    "SyncVariantImages": ("read_products",),
    "SyncBulkOrderRefunds": ("read_locations", "read_orders"),
    "SyncBulkOrders": (
        "read_customers",
        "read_locations",
        "read_merchant_managed_fulfillment_orders",
        "read_orders",
        "read_products",
    ),
    "SyncGetOrderFulfillmentOrders": ("read_locations", "read_merchant_managed_fulfillment_orders", "read_orders"),
    "SyncGetOrderShippingLines": ("read_orders",),
    "SyncGetOrders": (
        "read_customers",
        "read_locations",
        "read_merchant_managed_fulfillment_orders",
        "read_orders",
        "read_products",
    ),
    "SyncGetRefunds": ("read_locations", "read_orders"),
    "SyncOrdersCount": ("read_orders",),
    # the subscription itself needs no scope; its order and refund topics need read_orders, which Shopify
    # checks per topic (a userError), not in the schema, and which the order reads above ask for anyway
    "WebhookSubscriptionCreate": (),
    "WebhookSubscriptionDelete": (),
    "WebhookSubscriptionUpdate": (),
    "WebhookSubscriptions": (),
}
"""The scopes each sent operation needs, as ``operation_scopes`` computes them from the real schema."""


@dataclass(frozen=True)
class ScopeNeed:
    """One access scope and the operations that need it."""

    scope: str
    operations: tuple[str, ...]


def access_table(introspection: Mapping[str, Any]) -> dict[str, str]:
    """The schema's ``requiredAccess`` texts by type (``Order``) and field (``Order.customer``).

    ``introspection`` is the ``data`` of Shopify's introspection result; graphql-core drops these texts
    when it builds a schema, so they are read here from the raw JSON.
    """
    table: dict[str, str] = {}
    for gtype in introspection["__schema"]["types"]:
        if gtype.get("requiredAccess"):
            table[gtype["name"]] = gtype["requiredAccess"]
        for gfield in gtype.get("fields") or ():
            if gfield.get("requiredAccess"):
                table[f"{gtype['name']}.{gfield['name']}"] = gfield["requiredAccess"]
    return table


def alternatives(text: str) -> tuple[str, ...] | None:
    """The scopes one ``requiredAccess`` text accepts (any one of them), None when it asks for no scope."""
    if text.startswith(NOT_SCOPES):
        return None
    if text in TEXT_SCOPES:
        return TEXT_SCOPES[text]
    scope_part = text.split("Also:", 1)[0]
    found = _SCOPE.findall(scope_part) or _BARE_SCOPE.findall(scope_part)
    if not found:
        raise ConfigurationError(
            f"The schema asks for {text!r}, which names no access scope; add it to TEXT_SCOPES or NOT_SCOPES."
        )
    return tuple(dict.fromkeys(found))


def requirements(document: str, schema: GraphQLSchema, access: Mapping[str, str]) -> set[tuple[str, ...]]:
    """Every set of alternative scopes that a field or type in ``document`` asks for."""
    info = TypeInfo(schema)
    found: set[tuple[str, ...]] = set()

    def need(key: str) -> None:
        text = access.get(key)
        accepted = alternatives(text) if text else None
        if accepted:
            found.add(accepted)

    class Collect(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            parent, definition = info.get_parent_type(), info.get_field_def()
            if parent is None or definition is None:
                raise ConfigurationError(f"{node.name.value} is not a field of the schema; validate the document")
            need(f"{parent.name}.{node.name.value}")
            need(get_named_type(definition.type).name)

        def enter_inline_fragment(self, node: InlineFragmentNode, *_args: Any) -> None:
            if node.type_condition is not None:
                need(node.type_condition.name.value)

    visit(parse(document), TypeInfoVisitor(info, Collect()))
    return found


def _covered(scope: str, chosen: set[str]) -> bool:
    return scope in chosen or (scope.startswith("read_") and "write_" + scope[len("read_") :] in chosen)


def choose(needed: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The fewest scopes, by ``PREFERRED``, that meet every set of alternatives (write covers read)."""
    chosen: set[str] = set()
    rank = {scope: index for index, scope in enumerate(PREFERRED)}
    for accepted in sorted(needed, key=lambda a: (len(a), a)):  # the ones without a choice first
        if any(_covered(scope, chosen) for scope in accepted):
            continue
        chosen.add(min(accepted, key=lambda s: (rank.get(s, len(rank)), accepted.index(s))))
    return tuple(sorted(s for s in chosen if not (s.startswith("read_") and _covered(s, chosen - {s}))))


def operation_scopes(document: str, schema: GraphQLSchema, access: Mapping[str, str]) -> tuple[str, ...]:
    """The scopes one operation document needs, computed against the real schema."""
    return choose(requirements(document, schema, access))


def required_scopes(operations: Iterable[str] = SENT) -> list[ScopeNeed]:
    """Every scope the sent operations need (or the named ones), each with the operations that need it."""
    by_scope: dict[str, list[str]] = {}
    for name in operations:
        if name not in OPERATION_SCOPES:
            raise ConfigurationError(f"No scopes are known for operation {name!r}; it is not one shopops sends.")
        for scope in OPERATION_SCOPES[name]:
            by_scope.setdefault(scope, []).append(name)
    return [ScopeNeed(scope, tuple(sorted(names))) for scope, names in sorted(by_scope.items())]


def scope_list(operations: Iterable[str] = SENT) -> str:
    """The scopes as the comma-separated list a custom app's configuration takes."""
    return ",".join(need.scope for need in required_scopes(operations))
