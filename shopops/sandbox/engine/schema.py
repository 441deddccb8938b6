"""The served schema: the pruned SDL, with the resolvers of every family attached.

Fields without a resolver read the same-named key of the source dict; a missing value of a non-null
field answers a neutral default (``""``, ``0``, ``false``, ``[]``, the first enum value, an empty
object), so every field the pruned schema lists can be asked for without failing.
"""

from __future__ import annotations

import functools
from importlib import resources

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)

from shopops.sandbox.engine.auth import install_scope_guards
from shopops.sandbox.resolvers import (
    bulk,
    customers,
    fulfillments,
    inventory,
    order_edits,
    orders,
    payments,
    product_mutations,
    products,
    refunds,
    shop,
    uploads,
    variant_media,
)
from shopops.sandbox.webhooks import resolvers as webhooks

SCHEMA_FILE = "schema.graphql"
FAMILIES = (
    shop,
    products,
    product_mutations,
    inventory,
    customers,
    orders,
    order_edits,
    refunds,
    fulfillments,
    payments,
    bulk,
    uploads,
    variant_media,
    webhooks,
)


def sdl() -> str:
    """The pruned schema text shipped in the package."""
    return resources.files("shopops.sandbox").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def served_schema() -> GraphQLSchema:
    """Build the schema once per process and attach every family's resolvers and scope guards."""
    schema = build_schema(sdl())
    for family in FAMILIES:
        for type_name, fields in family.RESOLVERS.items():
            gtype = schema.type_map[type_name]
            assert isinstance(gtype, GraphQLObjectType), type_name
            for field_name, fn in fields.items():
                gtype.fields[field_name].resolve = fn
    install_scope_guards(schema)
    return schema
