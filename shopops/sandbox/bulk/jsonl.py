"""The JSONL file of a bulk query, in Shopify's format: one JSON object a line.

Every node of a connection is a line of its own; a node of a nested connection carries ``__parentId``,
the id of the node it belongs to, and its connection is left out of the parent's line. Everything else
(objects and lists that are not connections, such as ``transactions``, ``refunds`` or ``taxLines``) stays
inline in its node's line.
"""

from __future__ import annotations

import json
from typing import Any

Line = dict[str, Any]


def is_connection_value(value: Any) -> bool:
    """A resolved connection (``{"edges": [...]}`` or ``{"nodes": [...]}``)."""
    return isinstance(value, dict) and isinstance(value.get("edges", value.get("nodes")), list)


def connection_nodes(value: dict[str, Any]) -> list[Any]:
    """The nodes of a resolved connection."""
    if isinstance(value.get("edges"), list):
        return [e.get("node") for e in value["edges"] if isinstance(e, dict)]
    return list(value.get("nodes") or [])


def split_node(obj: dict[str, Any], children: list[tuple[str, dict[str, Any]]], path: str = "") -> Line:
    """The line of one node without its connections; those go to ``children`` as (path, connection)."""
    out: Line = {}
    for key, value in obj.items():
        if is_connection_value(value):
            children.append((f"{path}{key}", value))
        elif isinstance(value, dict):
            out[key] = split_node(value, children, f"{path}{key}.")
        else:
            out[key] = value
    return out


def dumps(line: Line) -> str:
    """One JSONL line (compact, UTF-8 kept)."""
    return json.dumps(line, separators=(",", ":"), ensure_ascii=False)


def root_nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes of every top-level connection of a result, in order."""
    out: list[dict[str, Any]] = []
    for value in data.values():
        if is_connection_value(value):
            out.extend(n for n in connection_nodes(value) if isinstance(n, dict))
    return out


def grouped_lines(roots: list[dict[str, Any]]) -> list[str]:
    """Lines with each node's children right after it, depth first (``groupObjects: true``)."""
    lines: list[str] = []

    def emit(node: dict[str, Any], parent: str | None) -> None:
        children: list[tuple[str, dict[str, Any]]] = []
        line = split_node(node, children)
        if parent is not None:
            line["__parentId"] = parent
        lines.append(dumps(line))
        for _path, conn in children:
            for child in connection_nodes(conn):
                if isinstance(child, dict):
                    emit(child, node.get("id"))

    for node in roots:
        emit(node, None)
    return lines


def ungrouped_lines(roots: list[dict[str, Any]], batch: int) -> list[str]:
    """Lines as Shopify writes them without grouping (``groupObjects: false``, the default since 2026-01).

    Shopify promises only that a child comes after its parent and that each connection keeps its own
    order. The sandbox makes that visible, deterministically: ``batch`` root nodes, then the nodes of each
    first-level connection of those roots (all ``lineItems``, then all ``shippingLines``), then the
    second-level ones; then the next batch. A reader that expects a node's children right after it fails.
    """
    lines: list[str] = []
    for first in range(0, len(roots), batch):
        level: list[tuple[str, dict[str, Any], str | None]] = [
            ("", node, None) for node in roots[first : first + batch]
        ]
        while level:
            buckets: dict[str, list[tuple[str, dict[str, Any], str | None]]] = {}
            for path, node, parent in level:
                children: list[tuple[str, dict[str, Any]]] = []
                line = split_node(node, children)
                if parent is not None:
                    line["__parentId"] = parent
                lines.append(dumps(line))
                for key, conn in children:
                    bucket = buckets.setdefault(f"{path}/{key}", [])
                    bucket.extend(
                        (f"{path}/{key}", c, node.get("id")) for c in connection_nodes(conn) if isinstance(c, dict)
                    )
            level = [item for bucket in buckets.values() for item in bucket]
    return lines
