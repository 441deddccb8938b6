"""The customer mirror that links Shopify customers to ERP customers (``shopops.sync.customers``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from shopops.store.tables.base import _flag, _in, _shop_fk, metadata
from shopops.store.types import UTCDateTime

LAST_UPDATED_BY = ("erp", "shopify")


shopify_customer = Table(
    "shopify_customer",
    metadata,
    # BC's "Shpfy Customer": a Shopify customer as last seen or sent, and the ERP customer it is linked to
    _shop_fk(),
    Column("id", BigInteger, nullable=False),
    Column("email", String(255), nullable=False, server_default=""),
    Column("phone", String(50), nullable=False, server_default=""),
    Column("first_name", String(100), nullable=False, server_default=""),
    Column("last_name", String(100), nullable=False, server_default=""),
    Column("company", String(255), nullable=False, server_default=""),
    Column("address1", String(255), nullable=False, server_default=""),
    Column("address2", String(255), nullable=False, server_default=""),
    Column("city", String(100), nullable=False, server_default=""),
    Column("zip", String(20), nullable=False, server_default=""),
    Column("province_code", String(30), nullable=False, server_default=""),
    Column("country_code", String(10), nullable=False, server_default=""),
    Column("shopify_updated_at", UTCDateTime),
    Column("erp_customer_no", String(20)),
    # echo suppression: hash of the shared content as last sent or received, and which side wrote it last
    Column("hash", String(64), nullable=False, server_default=""),
    Column("last_updated_by", String(10), nullable=False, server_default="shopify"),
    _flag("has_error"),
    Column("error_message", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_customer"),
    CheckConstraint(_in("last_updated_by", LAST_UPDATED_BY), name="last_updated_by"),
)


Index("ix_shopify_customer_erp_no", shopify_customer.c.shop_code, shopify_customer.c.erp_customer_no)
