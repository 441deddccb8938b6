"""Helpers every resolver module uses: the shop in context, money, connections, userErrors."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo, value_from_ast_untyped

from shopops.sandbox.engine.errors import GraphQLFailure
from shopops.sandbox.engine.paging import SortFn, paginate
from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.state.store import Record, ShopState, money, parse_gid

Resolver = Callable[..., Any]
ResolverMap = dict[str, dict[str, Resolver]]
MAX_INPUT_LIST = 250


def state_of(info: GraphQLResolveInfo) -> ShopState:
    """The shop this request addresses."""
    state: ShopState = info.context["state"]
    return state


def is_bulk(info: GraphQLResolveInfo) -> bool:
    """True while a bulk operation runs the query (no paging limits)."""
    return bool(info.context.get("bulk"))


def money_v2(amount: Decimal | str | int | float, currency: str) -> dict[str, str]:
    """A ``MoneyV2`` value."""
    return {"amount": money(amount), "currencyCode": currency}


def bag(
    amount: Decimal | str | int | float, currency: str, presentment: str | None = None, rate: Decimal | str | int = 1
) -> dict[str, dict[str, str]]:
    """A ``MoneyBag``: the amount in shop currency and in the presentment currency.

    Memoised (amounts repeat a lot while seeding); callers must treat the result as read-only.
    """
    return _bag(Decimal(str(amount)), currency, presentment or currency, Decimal(str(rate)))


@functools.lru_cache(maxsize=65536)
def _bag(amount: Decimal, currency: str, presentment: str, rate: Decimal) -> dict[str, dict[str, str]]:
    return {"shopMoney": money_v2(amount, currency), "presentmentMoney": money_v2(amount * rate, presentment)}


def by_ref(table: str) -> Callable[[str], Resolver]:
    """A resolver factory: follow a global-ID key of the source record into ``table``."""

    def make(key: str) -> Resolver:
        def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
            return state_of(info).get(source.get(key), table)

        return resolve

    return make


def lookup(table: str, arg: str = "id") -> Resolver:
    """A root resolver: fetch one record of ``table`` by its global-ID argument."""

    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Record | None:
        return state_of(info).get(args.get(arg), table)

    return resolve


def time_sort(key: str) -> SortFn:
    """Sort by an ISO timestamp field."""
    return lambda r: r.get(key) or ""


def field_sort(key: str, kind: type = str) -> SortFn:
    """Sort by a plain field, coerced to ``kind``."""

    def sort(r: Record) -> Any:
        value = r.get(key)
        if value is None:
            return kind()
        return kind(value) if kind is not str else str(value).lower()

    return sort


def connect(
    info: GraphQLResolveInfo,
    records: Iterable[Record],
    args: dict[str, Any],
    sort_keys: dict[str, SortFn | None] | None = None,
    matcher: Matcher | None = None,
) -> dict[str, Any]:
    """Filter by ``query:``, sort by ``sortKey``, page: a connection ready to resolve.

    The root connection of a bulk query runs one chunk of its nodes at a time: the context's
    ``bulk_window`` (``{"start", "size", "roots"}``) says which; the filtered, sorted nodes are worked
    out on the first chunk and kept in ``roots`` for the next ones.
    """
    window = info.context.get("bulk_window")
    if window is not None and info.path.prev is None:
        roots = window["roots"].get(info.path.key)
        if roots is None:
            roots = window["roots"][info.path.key] = _filtered_page(records, args, sort_keys, matcher, True)["nodes"]
        start = window["start"]
        return paginate(roots[start : start + window["size"]], {}, None, True)
    return _filtered_page(records, args, sort_keys, matcher, is_bulk(info))


def _filtered_page(
    records: Iterable[Record],
    args: dict[str, Any],
    sort_keys: dict[str, SortFn | None] | None,
    matcher: Matcher | None,
    bulk: bool,
) -> dict[str, Any]:
    predicate = matcher.compile(args.get("query")) if matcher is not None else None
    if predicate is not None:
        records = [r for r in records if predicate(r)]
    sort_name = args.get("sortKey") or "ID"
    sort = (sort_keys or {}).get(sort_name)
    return paginate(records, args, sort, bulk)


def user_error(message: str, field: list[str] | None = None, code: str | None = None) -> dict[str, Any]:
    """A userErrors entry."""
    return {"message": message, "field": field, "code": code}


def need_id(value: str | None, type_name: str) -> int:
    """The numeric id of a global ID of a given type, or a GraphQL error (invalid id)."""
    parsed = parse_gid(value)
    if parsed is None or parsed[0] != type_name:
        raise GraphQLFailure(f"Invalid id: {value}", "RESOURCE_NOT_FOUND")
    return parsed[1]


def idempotency_key(info: GraphQLResolveInfo) -> str | None:
    """The ``@idempotent(key:)`` on the current mutation field, if any."""
    for directive in info.field_nodes[0].directives or ():
        if directive.name.value == "idempotent":
            for arg in directive.arguments:
                if arg.name.value == "key":
                    value = value_from_ast_untyped(arg.value, info.variable_values)
                    return str(value) if value is not None else None
    return None


def check_input_list(values: list[Any] | None, name: str) -> None:
    """Shopify caps input arrays at 250 elements."""
    if values is not None and len(values) > MAX_INPUT_LIST:
        raise GraphQLFailure(
            f"The input array size of {len(values)} is greater than the maximum allowed of {MAX_INPUT_LIST}.",
            "MAX_INPUT_SIZE_EXCEEDED",
            argumentName=name,
        )


def require_idempotency(info: GraphQLResolveInfo) -> str:
    """The ``@idempotent`` key, mandatory (2026-04+) on inventory and refund mutations."""
    key = idempotency_key(info)
    if not key:
        raise GraphQLFailure(
            f"The @idempotent directive is required for the {info.field_name} mutation.", "BAD_REQUEST"
        )
    return key
