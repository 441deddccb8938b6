"""The database: engine set-up per dialect, every table, and the schema version check."""

from __future__ import annotations

from shopops.store.engine import create_engine_for, default_url
from shopops.store.schema import SchemaOutdated, check_schema, upgrade

__all__ = ["SchemaOutdated", "check_schema", "create_engine_for", "default_url", "upgrade"]
