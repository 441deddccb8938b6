"""The served schema: the pruned SDL, with the resolvers of every family attached.

Fields without a resolver read the same-named key of the source dict; a missing value of a non-null
field answers a neutral default (``""``, ``0``, ``false``, ``[]``, the first enum value, an empty
object), so every field the pruned schema lists can be asked for without failing.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
)

from shopops.sandbox.auth import install_scope_guards
from shopops.sandbox.resolvers import (
    bulk,
    customers,
    fulfillments,
    inventory,
    orders,
    payments,
    product_mutations,
    products,
    refunds,
    shop,
    uploads,
    variant_media,
)
from shopops.sandbox.store import parse_gid

SCHEMA_FILE = "schema.graphql"
_SCALAR_DEFAULTS: dict[str, Any] = {
    "Boolean": False,
    "Int": 0,
    "Float": 0.0,
    "Decimal": "0.0",
    "Money": "0.00",
    "UnsignedInt64": "0",
    "DateTime": "1970-01-01T00:00:00Z",
    "JSON": {},
    "Date": "1970-01-01",
}
FAMILIES = (
    shop,
    products,
    product_mutations,
    inventory,
    customers,
    orders,
    refunds,
    fulfillments,
    payments,
    bulk,
    uploads,
    variant_media,
)


def sdl() -> str:
    """The pruned schema text shipped in the package."""
    return resources.files("shopops.sandbox").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def _default_for(gtype: Any) -> Any:
    if isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    if isinstance(gtype, GraphQLList):
        return []
    if isinstance(gtype, GraphQLEnumType):
        return next(iter(gtype.values))
    if isinstance(gtype, GraphQLScalarType):
        return _SCALAR_DEFAULTS.get(gtype.name, "")
    return {}


def default_resolver(source: Any, info: GraphQLResolveInfo, **_args: Any) -> Any:
    """Read ``source[field]``; fill a neutral default when a non-null field has no value."""
    value = source.get(info.field_name) if isinstance(source, dict) else None
    if value is None and isinstance(info.return_type, GraphQLNonNull):
        return _default_for(info.return_type)
    return value


def type_resolver(value: Any, _info: GraphQLResolveInfo, _abstract: Any) -> str | None:
    """Concrete type of an interface/union value: ``__typename`` or the type in its global ID."""
    if isinstance(value, dict):
        name = value.get("__typename")
        if name:
            return str(name)
        parsed = parse_gid(value.get("id"))
        if parsed:
            return parsed[0]
    return None


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
