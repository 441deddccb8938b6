"""The ``query:`` search syntax Shopify's connections accept, parsed and evaluated in memory.

Grammar (Shopify's search syntax): terms separated by whitespace are ANDed; ``OR`` between terms;
``-term`` / ``NOT term`` negate; parentheses group; a term is ``key:value`` with comparators
``:`` ``:<`` ``:>`` ``:<=`` ``:>=``, or a bare word (matched against a resource's default text).
Values may be quoted with ``'`` or ``"``; ``*`` at the end of a value is a prefix match.

Each resource supplies ``fields``: search key -> function(record) -> value (or list of values);
``time`` keys compare as datetimes (``2026``, ``2026-11-01``, full ISO, ``now``), ``id`` and numeric
values compare as numbers, ``predicate`` keys call ``getter(record, value)``, everything else
case-insensitively. Unknown keys match nothing, as on
Shopify (which ignores them or returns no results depending on the key).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Getter = Callable[..., Any]
_TOKEN = re.compile(
    r"""\s*(\(|\)|-?[A-Za-z_][\w.]*:(?:<=|>=|<|>)?(?:'[^']*'|"[^"]*"|[^\s()]*)|'[^']*'|"[^"]*"|[^\s()]+)"""
)
_TERM = re.compile(r"""^(-?)([A-Za-z_][\w.]*):(<=|>=|<|>)?(.*)$""")


@dataclass(frozen=True)
class Term:
    """One ``key:value`` comparison (key None for a bare word)."""

    key: str | None
    op: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class Node:
    """A boolean combination: kind is "and", "or" or "not"."""

    kind: str
    children: tuple[Any, ...]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def parse(text: str | None) -> Node | Term | None:
    """Parse a search string into a tree; None for an empty query."""
    if not text or not text.strip():
        return None
    tokens = [t for t in _TOKEN.findall(text) if t]
    pos = 0

    def parse_or() -> Node | Term:
        nonlocal pos
        parts = [parse_and()]
        while pos < len(tokens) and tokens[pos] == "OR":
            pos += 1
            parts.append(parse_and())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def parse_and() -> Node | Term:
        nonlocal pos
        parts: list[Node | Term] = []
        while pos < len(tokens) and tokens[pos] not in ("OR", ")"):
            if tokens[pos] == "AND":
                pos += 1
                continue
            parts.append(parse_unary())
        if not parts:
            return Node("and", ())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def parse_unary() -> Node | Term:
        nonlocal pos
        tok = tokens[pos]
        if tok == "NOT":
            pos += 1
            return Node("not", (parse_unary(),))
        if tok == "(":
            pos += 1
            inner = parse_or()
            if pos < len(tokens) and tokens[pos] == ")":
                pos += 1
            return inner
        pos += 1
        m = _TERM.match(tok)
        if m:
            neg, key, op, value = m.groups()
            return Term(key.lower(), op or ":", _unquote(value), bool(neg))
        negated = tok.startswith("-") and len(tok) > 1
        return Term(None, ":", _unquote(tok[1:] if negated else tok), negated)

    return parse_or()


def parse_time(value: str) -> datetime | None:
    """Read a search date: ``now``, ``2026``, ``2026-11``, ``2026-11-01``, or full ISO 8601."""
    v = value.strip()
    if v.lower() == "now":
        return datetime.now(UTC)
    try:
        if re.fullmatch(r"\d{4}", v):
            return datetime(int(v), 1, 1, tzinfo=UTC)
        if re.fullmatch(r"\d{4}-\d{2}", v):
            return datetime(int(v[:4]), int(v[5:]), 1, tzinfo=UTC)
        moment = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _compare(actual: Any, op: str, wanted: str, kind: str) -> bool:
    if actual is None:
        return False
    if isinstance(actual, (list, tuple, set)):
        return any(_compare(a, op, wanted, kind) for a in actual)
    left: Any
    right: Any
    if kind == "time":
        left = parse_time(str(actual))
        right = parse_time(wanted)
        if left is None or right is None:
            return False
        if op == ":" and len(wanted.strip()) <= 10:  # a bare date matches the whole day/month/year
            return str(actual).startswith(wanted.strip())
    elif kind == "number":
        try:
            left, right = float(str(actual).rsplit("/", 1)[-1]), float(wanted.rsplit("/", 1)[-1])
        except ValueError:
            return False
    else:
        left, right = str(actual).lower(), wanted.lower()
        if op == ":" and right.endswith("*"):
            return bool(left.startswith(right[:-1]))
        if op == ":" and kind == "text":
            return right in left
    if op == ":":
        return bool(left == right)
    if op == "<":
        return bool(left < right)
    if op == ">":
        return bool(left > right)
    if op == "<=":
        return bool(left <= right)
    return bool(left >= right)


class Matcher:
    """Evaluates a parsed query against records of one resource."""

    def __init__(self, fields: dict[str, tuple[str, Getter]], default: Getter) -> None:
        self.fields = fields
        self.default = default

    def compile(self, text: str | None) -> Callable[[dict[str, Any]], bool] | None:
        """A predicate for ``text``; None when the query is empty (everything matches)."""
        tree = parse(text)
        if tree is None:
            return None
        return lambda record: self._eval(tree, record)

    def _eval(self, node: Node | Term, record: dict[str, Any]) -> bool:
        if isinstance(node, Node):
            if node.kind == "and":
                return all(self._eval(c, record) for c in node.children)
            if node.kind == "or":
                return any(self._eval(c, record) for c in node.children)
            return not self._eval(node.children[0], record)
        if node.key is None:
            result = _compare(self.default(record), ":", node.value, "text")
        elif node.key in self.fields:
            kind, getter = self.fields[node.key]
            if kind == "predicate":  # getter(record, value) -> bool, for keys like orders' status
                result = bool(getter(record, node.value))
            else:
                result = _compare(getter(record), node.op, node.value, kind)
        else:
            result = False
        return not result if node.negated else result
