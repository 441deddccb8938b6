"""Relay cursor paging over in-memory records, as Shopify's connections page.

A cursor is opaque to clients: base64 of ``[sort value, numeric id]`` of the record it points at,
so it stays valid while records are added or changed (paging resumes after that position, like
Shopify's). ``first``/``last`` are required (except inside bulk operations) and capped at 250.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from typing import Any

from shopops.sandbox.engine.errors import GraphQLFailure
from shopops.sandbox.state.store import Record, parse_gid

MAX_PAGE = 250
SortFn = Callable[[Record], Any]


def numeric_id(record: Record) -> int:
    """The numeric part of a record's global ID (the tiebreaker of every sort)."""
    parsed = parse_gid(record.get("id"))
    return parsed[1] if parsed else 0


def encode_cursor(sort_value: Any, num: int) -> str:
    """An opaque cursor for a position."""
    raw = json.dumps([sort_value, num], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    """Read a cursor back; a malformed one is a GraphQL error, as on Shopify."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, num = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return value, int(num)
    except (ValueError, TypeError) as exc:
        raise GraphQLFailure(f"Invalid cursor: {cursor!r}", "BAD_REQUEST") from exc


def _norm(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


def check_page_args(args: dict[str, Any], bulk: bool = False) -> None:
    """Enforce Shopify's rules on first/last: one of them is required, at most 250."""
    first, last = args.get("first"), args.get("last")
    if bulk:
        return
    if first is None and last is None:
        raise GraphQLFailure("you must provide one of first or last", "BAD_REQUEST")
    for name, value in (("first", first), ("last", last)):
        if value is not None and (value > MAX_PAGE or value < 0):
            raise GraphQLFailure(
                f"The '{name}' argument must be between 0 and {MAX_PAGE}; got {value}.", "MAX_PAGE_SIZE_EXCEEDED"
            )


def paginate(
    records: Iterable[Record], args: dict[str, Any], sort: SortFn | None = None, bulk: bool = False
) -> dict[str, Any]:
    """Sort, slice and wrap ``records`` as a connection ``{edges, nodes, pageInfo}``.

    ``sort`` gives the sort value of a record (None = by id). ``args`` are the field arguments
    (first, last, after, before, reverse). In bulk mode every record is returned.
    """
    check_page_args(args, bulk)
    keyed = [((_norm(sort(r)) if sort else 0), numeric_id(r), r) for r in records]
    if sort is not None:
        keyed.sort(key=lambda k: (k[0], k[1]))
    if args.get("reverse"):
        keyed.reverse()
    descending = bool(args.get("reverse"))

    def after_pos(cursor: str) -> int:
        key = decode_cursor(cursor)
        for i, (value, num, _r) in enumerate(keyed):
            here = (value, num) if sort else (0, num)
            ahead = here > tuple(key) if not descending else here < tuple(key)
            if ahead:
                return i
        return len(keyed)

    start, end = 0, len(keyed)
    if args.get("after"):
        start = after_pos(args["after"])
    if args.get("before"):
        key = decode_cursor(args["before"])
        end = start
        while end < len(keyed):
            value, num, _r = keyed[end]
            here = (value, num) if sort else (0, num)
            if (here >= tuple(key)) if not descending else (here <= tuple(key)):
                break
            end += 1
    window = keyed[start:end]
    has_prev, has_next = start > 0, end < len(keyed)
    if not bulk:
        if args.get("first") is not None:
            if len(window) > args["first"]:
                has_next = True
            window = window[: args["first"]]
        if args.get("last") is not None:
            if len(window) > args["last"]:
                has_prev = True
            window = window[len(window) - args["last"] :] if args["last"] else []
    edges = [{"cursor": encode_cursor(v if sort else 0, n), "node": r} for v, n, r in window]
    return {
        "edges": edges,
        "nodes": [e["node"] for e in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_prev,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
