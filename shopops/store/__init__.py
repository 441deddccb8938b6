"""The database: URLs, engine set-up per dialect, every table, and the schema version check.

Tables owned: none of its own beyond Alembic's version table; ``tables/`` defines every domain's.
The engine and schema functions (SQLAlchemy, Alembic) are imported when first used; ``urls`` needs
nothing but the standard library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from shopops.store.urls import default_url

if TYPE_CHECKING:
    from shopops.store.engine import create_engine_for
    from shopops.store.schema import SchemaOutdated, check_schema, upgrade

_LAZY = {
    "create_engine_for": "shopops.store.engine",
    "SchemaOutdated": "shopops.store.schema",
    "check_schema": "shopops.store.schema",
    "upgrade": "shopops.store.schema",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'shopops.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = ["SchemaOutdated", "check_schema", "create_engine_for", "default_url", "upgrade"]
