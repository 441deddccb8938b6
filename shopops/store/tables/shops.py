"""Shops and their shop cards (``shopops.shops``)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    String,
    Table,
)

from shopops.store.tables.base import metadata
from shopops.store.types import JSONText, UTCDateTime

shop = Table(
    "shop",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("url", String(255), nullable=False),
    Column("token_env", String(100)),
    Column("secrets_file", String(500)),
    Column("settings", JSONText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
