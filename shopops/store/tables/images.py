"""The media each ERP picture was sent as or taken from (``shopops.sync.images``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from shopops.store.tables.base import _flag, _in, _shop_fk, metadata
from shopops.store.tables.customers import LAST_UPDATED_BY
from shopops.store.types import UTCDateTime

shopify_media_link = Table(
    "shopify_media_link",
    metadata,
    # BC's Image Id / Image Hash on Shpfy Product and Variant: which media shows an item (variant) picture
    _shop_fk(),
    Column("item_no", String(20), nullable=False),
    Column("variant_code", String(10), nullable=False, server_default=""),
    Column("product_id", BigInteger, nullable=False),
    Column("variant_id", BigInteger),
    Column("media_id", BigInteger),
    Column("media_url", String(1000), nullable=False, server_default=""),
    Column("sha256", String(64), nullable=False, server_default=""),
    Column("last_updated_by", String(10), nullable=False, server_default="erp"),
    _flag("has_error"),
    Column("error_message", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "item_no", "variant_code", name="pk_shopify_media_link"),
    CheckConstraint(_in("last_updated_by", LAST_UPDATED_BY), name="last_updated_by"),
)
