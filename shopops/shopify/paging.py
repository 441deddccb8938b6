"""Cursor paging over Relay connections, streamed page by page.

``iter_pages(execute, document, variables, path=("orders",))`` calls ``execute`` once per page, passing
the previous page's ``pageInfo.endCursor`` as ``$after`` (or another variable name), and yields a ``Page``
per answer. The connection may expose ``nodes`` or ``edges { node }``; the document must select
``pageInfo { hasNextPage endCursor }``. Nothing is accumulated: memory stays flat however long the read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shopops.shopify.errors import ShopifyError

Execute = Callable[[str, Mapping[str, Any]], Any]

#: Variable the cursor goes into by default.
DEFAULT_CURSOR_VARIABLE = "after"


class PagingError(ShopifyError):
    """The answer does not hold a pageable connection at the given path."""


@dataclass(frozen=True)
class Page:
    """One page of a connection: its nodes, cursor and whether more follow."""

    nodes: list[Any]
    end_cursor: str | None
    has_next_page: bool
    number: int


def connection_at(data: Any, path: Sequence[str]) -> Mapping[str, Any] | None:
    """The connection object under ``data`` at ``path`` (None when a step is null, e.g. a gone order)."""
    cur = data
    for step in path:
        if cur is None:
            return None
        if not isinstance(cur, Mapping) or step not in cur:
            raise PagingError(
                f"The answer has no field {step!r} along path {'.'.join(path)}; check the path argument "
                "against the document."
            )
        cur = cur[step]
    if cur is None:
        return None
    if not isinstance(cur, Mapping):
        raise PagingError(f"{'.'.join(path)} is not a connection object.")
    return cur


def read_page(connection: Mapping[str, Any], number: int, path: Sequence[str]) -> Page:
    """Turn a connection object into a ``Page``."""
    info = connection.get("pageInfo")
    if not isinstance(info, Mapping) or "hasNextPage" not in info:
        raise PagingError(f"{'.'.join(path)} lacks pageInfo {{ hasNextPage endCursor }}; select it in the document.")
    if "nodes" in connection:
        nodes = list(connection.get("nodes") or [])
    elif "edges" in connection:
        nodes = [e.get("node") for e in (connection.get("edges") or []) if isinstance(e, Mapping)]
    else:
        raise PagingError(f"{'.'.join(path)} selects neither nodes nor edges {{ node }}.")
    has_next = bool(info.get("hasNextPage"))
    end = info.get("endCursor")
    if has_next and not end:
        raise PagingError(f"{'.'.join(path)} says hasNextPage but gives no endCursor; select endCursor.")
    return Page(nodes=nodes, end_cursor=end, has_next_page=has_next, number=number)


def iter_pages(
    execute: Execute,
    document: str,
    variables: Mapping[str, Any] | None = None,
    *,
    path: Sequence[str],
    cursor_variable: str = DEFAULT_CURSOR_VARIABLE,
    max_pages: int | None = None,
) -> Iterator[Page]:
    """Yield every page of the connection at ``path``, following ``endCursor`` until the last page."""
    if not path:
        raise PagingError("path must name the connection, e.g. ('orders',).")
    vars_: dict[str, Any] = dict(variables or {})
    number = 0
    seen: set[str] = set()
    while True:
        number += 1
        data = execute(document, vars_)
        conn = connection_at(data, path)
        if conn is None:
            return
        page = read_page(conn, number, path)
        yield page
        if not page.has_next_page or (max_pages is not None and number >= max_pages):
            return
        assert page.end_cursor is not None
        if page.end_cursor in seen:
            raise PagingError(f"The cursor {page.end_cursor!r} repeated; the server is not advancing the page.")
        seen.add(page.end_cursor)
        vars_[cursor_variable] = page.end_cursor


def iter_nodes(
    execute: Execute,
    document: str,
    variables: Mapping[str, Any] | None = None,
    *,
    path: Sequence[str],
    cursor_variable: str = DEFAULT_CURSOR_VARIABLE,
) -> Iterator[Any]:
    """Yield every node of the connection at ``path``, page after page."""
    for page in iter_pages(execute, document, variables, path=path, cursor_variable=cursor_variable):
        yield from page.nodes
