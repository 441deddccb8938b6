"""The search-syntax parser and matcher (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from shopops.sandbox.engine.search import Matcher, Node, Term, parse, parse_time

MATCHER = Matcher(
    {
        "updated_at": ("time", lambda r: r["updatedAt"]),
        "id": ("number", lambda r: r["id"]),
        "status": ("string", lambda r: r["status"]),
        "tag": ("string", lambda r: r["tags"]),
        "title": ("text", lambda r: r["title"]),
    },
    default=lambda r: r["title"],
)
RECORDS: list[dict[str, Any]] = [
    {
        "id": "gid://shopify/Order/1",
        "updatedAt": "2026-10-01T10:00:00Z",
        "status": "open",
        "tags": ["a"],
        "title": "Blue Shirt",
    },
    {
        "id": "gid://shopify/Order/2",
        "updatedAt": "2026-11-02T10:00:00Z",
        "status": "closed",
        "tags": ["b"],
        "title": "Red Hat",
    },
    {
        "id": "gid://shopify/Order/3",
        "updatedAt": "2027-01-01T00:00:00Z",
        "status": "open",
        "tags": ["a", "b"],
        "title": "Blue Hat",
    },
]


def ids(query: str) -> list[int]:
    predicate = MATCHER.compile(query)
    assert predicate is not None
    return [int(r["id"].rsplit("/", 1)[1]) for r in RECORDS if predicate(r)]


def test_parse_shapes() -> None:
    assert parse("") is None
    assert parse("status:open") == Term("status", ":", "open")
    tree = parse("a:1 OR b:>2 -c:3")
    assert isinstance(tree, Node) and tree.kind == "or"
    assert parse("updated_at:>'2026-11-01T00:00:00Z'") == Term("updated_at", ">", "2026-11-01T00:00:00Z")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status:open", [1, 3]),
        ("-status:open", [2]),
        ("NOT status:open", [2]),
        ("status:open AND tag:b", [3]),
        ("status:closed OR tag:a", [1, 2, 3]),
        ("(status:closed OR tag:a) tag:b", [2, 3]),
        ("updated_at:>'2026-11-01T00:00:00Z'", [2, 3]),
        ('updated_at:<="2026-11-02T10:00:00Z"', [1, 2]),
        ("updated_at:2026-10-01", [1]),
        ("updated_at:<2027", [1, 2]),
        ("id:>=2", [2, 3]),
        ("id:>1 id:<3", [2]),
        ("title:blue", [1, 3]),
        ("hat", [2, 3]),
        ("status:op*", [1, 3]),
        ("unknown_key:1", []),
        ("id:1 OR id:3", [1, 3]),  # a set lookup
        ("id:gid://shopify/Order/2 OR id:3 OR id:99", [2, 3]),
        ("id:1 OR -id:1", [1, 2, 3]),  # negated: no set lookup
        ("id:1 OR status:closed", [1, 2]),
        ("updated_at:>='2026-11-02T10:00:00Z' updated_at:<'2027-01-01T00:00:00Z'", [2]),
        ("updated_at:>='2026-11-02T10:00:00.5Z'", [3]),  # sub-second: compared as times, not text
        ("updated_at:>2026-11-02T11:00:00+01:00", [3]),
        ("id:abc", []),
    ],
)
def test_matching(query: str, expected: list[int]) -> None:
    assert ids(query) == expected


def test_parse_time_forms() -> None:
    assert parse_time("2026").year == 2026  # type: ignore[union-attr]
    assert parse_time("2026-11").month == 11  # type: ignore[union-attr]
    assert parse_time("now") is not None
    assert parse_time("garbage") is None
