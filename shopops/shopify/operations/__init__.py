"""Every GraphQL document shopops sends, one ``.graphql`` file per operation.

    from shopops.shopify import operations
    doc = operations.load("GetOrders")        # the file's text, cached
    operations.names()                         # every operation shipped

Keeping documents in files (as the Business Central connector does) lets a test validate each one
against the real Admin API schema, and lets a reader see exactly what is asked of Shopify.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from shopops.shopify.errors import ConfigurationError

#: The folder holding the ``.graphql`` files.
DIRECTORY = Path(__file__).resolve().parent


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
    return path.read_text(encoding="utf-8")
