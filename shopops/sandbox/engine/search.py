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


_ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ":": lambda a, b: bool(a == b),
    "<": lambda a, b: bool(a < b),
    ">": lambda a, b: bool(a > b),
    "<=": lambda a, b: bool(a <= b),
    ">=": lambda a, b: bool(a >= b),
}
Test = Callable[[Any], bool]


def _number(value: Any) -> float | None:
    try:
        return float(str(value).rsplit("/", 1)[-1])
    except ValueError:
        return None


def _scalar_test(op: str, wanted: str, kind: str) -> Test:
    """A test of one record value against ``wanted``, the wanted side worked out once per query."""
    compare = _OPS.get(op, _OPS[">="])
    if kind == "time":
        right = parse_time(wanted)
        if right is None:
            return lambda _actual: False
        if op == ":" and len(wanted.strip()) <= 10:  # a bare date matches the whole day/month/year
            prefix = wanted.strip()
            return lambda actual: parse_time(str(actual)) is not None and str(actual).startswith(prefix)
        # Shopify's stamps (second precision, UTC, Z) compare as text; anything else is parsed
        fast = iso_text(right) if right.microsecond == 0 else None

        def time_test(actual: Any) -> bool:
            text = str(actual)
            if fast is not None and _ISO_SECONDS.match(text):
                return compare(text, fast)
            left = parse_time(text)
            return left is not None and compare(left, right)

        return time_test
    if kind == "number":
        number = _number(wanted)
        if number is None:
            return lambda _actual: False
        return lambda actual: (left := _number(actual)) is not None and compare(left, number)
    lowered = wanted.lower()
    if op == ":" and lowered.endswith("*"):
        return lambda actual: str(actual).lower().startswith(lowered[:-1])
    if op == ":" and kind == "text":
        return lambda actual: lowered in str(actual).lower()
    return lambda actual: compare(str(actual).lower(), lowered)


def iso_text(moment: datetime) -> str:
    """A datetime as Shopify's stamp text (UTC, seconds, ``Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _value_test(op: str, wanted: str, kind: str) -> Test:
    """A test of a record value that may be a list (any element may match); None never matches."""
    scalar = _scalar_test(op, wanted, kind)

    def test(actual: Any) -> bool:
        if actual is None:
            return False
        if isinstance(actual, (list, tuple, set)):
            return any(test(a) for a in actual)
        return scalar(actual)

    return test


class Matcher:
    """Evaluates a parsed query against records of one resource."""

    def __init__(self, fields: dict[str, tuple[str, Getter]], default: Getter) -> None:
        self.fields = fields
        self.default = default

    def compile(self, text: str | None) -> Callable[[dict[str, Any]], bool] | None:
        """A predicate for ``text``; None when the query is empty (everything matches).

        Each term's wanted value is parsed once here, not once per record, and an ``OR`` of plain
        ``key:value`` terms on one number key (``id:1 OR id:2 OR ...``) is a set lookup.
        """
        tree = parse(text)
        if tree is None:
            return None
        return self._compile(tree)

    def _compile(self, node: Node | Term) -> Callable[[dict[str, Any]], bool]:
        if isinstance(node, Term):
            return self._term(node)
        if node.kind == "or" and (lookup := self._number_set(node)) is not None:
            return lookup
        parts = [self._compile(c) for c in node.children]
        if node.kind == "and":
            return lambda record: all(p(record) for p in parts)
        if node.kind == "or":
            return lambda record: any(p(record) for p in parts)
        return lambda record: not parts[0](record)

    def _number_set(self, node: Node) -> Callable[[dict[str, Any]], bool] | None:
        terms = node.children
        if not all(isinstance(t, Term) and t.op == ":" and not t.negated for t in terms):
            return None
        keys = {t.key for t in terms}
        key = next(iter(keys))
        if len(keys) != 1 or key is None or self.fields.get(key, ("",))[0] != "number":
            return None
        wanted = {_number(t.value) for t in terms} - {None}
        getter = self.fields[key][1]

        def lookup(record: dict[str, Any]) -> bool:
            value = getter(record)
            values = value if isinstance(value, (list, tuple, set)) else [value]
            return any(v is not None and _number(v) in wanted for v in values)

        return lookup

    def _term(self, term: Term) -> Callable[[dict[str, Any]], bool]:
        test: Callable[[dict[str, Any]], bool]
        if term.key is None:
            text_test = _value_test(":", term.value, "text")
            test = lambda record: text_test(self.default(record))  # noqa: E731
        elif term.key in self.fields:
            kind, getter = self.fields[term.key]
            if kind == "predicate":  # getter(record, value) -> bool, for keys like orders' status
                value = term.value
                test = lambda record: bool(getter(record, value))  # noqa: E731
            else:
                value_test = _value_test(term.op, term.value, kind)
                test = lambda record: value_test(getter(record))  # noqa: E731
        else:
            test = lambda _record: False  # noqa: E731
        if term.negated:
            return lambda record: not test(record)
        return test
