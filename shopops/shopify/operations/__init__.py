"""Every GraphQL document shopops sends, one ``.graphql`` file per operation.

    from shopops.shopify import operations
    doc = operations.load("GetOrders")        # the file's text, cached
    operations.names()                         # every operation shipped

Keeping documents in files (as the Business Central connector does) lets a test validate each one
against the real Admin API schema, and lets a reader see exactly what is asked of Shopify.

Fragments shared by several documents live in ``fragments/*.graphql``; ``load`` appends to a document the
ones it spreads (and the ones those spread) that it does not define itself. So "what sync-orders reads of
an order" is written once, and every path that reads orders asks for the same fields.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import FragmentDefinitionNode, FragmentSpreadNode, Visitor, parse, visit
from graphql.language import DocumentNode

from shopops.shopify.errors import ConfigurationError

#: The folder holding the ``.graphql`` files.
DIRECTORY = Path(__file__).resolve().parent
#: The folder holding the shared fragments.
FRAGMENTS = DIRECTORY / "fragments"


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.add(node.name.value)


def _spread_names(document: DocumentNode) -> set[str]:
    found = _Spreads()
    visit(document, found)
    return found.names


@cache
def _shared() -> dict[str, tuple[str, frozenset[str]]]:
    """Shared fragment name -> (its text, the fragments it spreads)."""
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for path in sorted(FRAGMENTS.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        for node in parse(text).definitions:
            if isinstance(node, FragmentDefinitionNode) and node.loc is not None:
                body = text[node.loc.start : node.loc.end]
                out[node.name.value] = (body, frozenset(_spread_names(parse(body))))
    return out


def _with_fragments(text: str) -> str:
    """``text`` plus the shared fragments it needs and does not define."""
    document = parse(text)
    defined = {d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    shared = _shared()
    wanted, todo = [], sorted(_spread_names(document) - defined)
    while todo:
        name = todo.pop(0)
        if name in defined or name not in shared:
            continue  # undefined ones are left for the schema validation to name
        defined.add(name)
        wanted.append(shared[name][0])
        todo.extend(sorted(shared[name][1] - defined))
    return text if not wanted else text.rstrip("\n") + "\n\n" + "\n\n".join(wanted) + "\n"


def names() -> list[str]:
    """Names of every operation file (without ``.graphql``), sorted."""
    return sorted(p.stem for p in DIRECTORY.glob("*.graphql"))


@cache
def load(name: str) -> str:
    """The text of operation ``name`` (e.g. ``"GetOrders"``)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise ConfigurationError(f"Operation name {name!r} is not a plain file name.")
    path = DIRECTORY / f"{name}.graphql"
    if not path.is_file():
        raise ConfigurationError(f"No operation {name!r}; known: {', '.join(names())}.")
    return _with_fragments(path.read_text(encoding="utf-8"))
