"""How a field or an abstract type resolves when no family gave it a resolver.

A field reads the same-named key of the source dict; a missing value of a non-null field answers a
neutral default (``""``, ``0``, ``false``, ``[]``, the first enum value, an empty object), so every field
the pruned schema lists can be asked for without failing. An interface or union value is the type its
``__typename`` or global ID names.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLResolveInfo, GraphQLScalarType

from shopops.sandbox.state.store import parse_gid

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
