"""The product and variant mirror that maps Shopify variants to ERP items (``shopops.sync.products``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from shopops.store.tables.base import _flag, _shop_fk, metadata
from shopops.store.types import Money, UTCDateTime

shopify_product = Table(
    "shopify_product",
    metadata,
    # BC's "Shpfy Product": the product as last seen or sent, the item it maps to, and a hash of what was sent
    _shop_fk(),
    Column("id", BigInteger, nullable=False),
    Column("title", String(255), nullable=False, server_default=""),
    Column("status", String(20), nullable=False, server_default=""),
    Column("vendor", String(255), nullable=False, server_default=""),
    Column("product_type", String(255), nullable=False, server_default=""),
    Column("item_no", String(20)),
    Column("shopify_updated_at", UTCDateTime),
    # echo suppression: an import skips a product whose last change was the ERP's own push
    Column("last_updated_by_erp_at", UTCDateTime),
    Column("hash", String(64), nullable=False, server_default=""),
    _flag("has_error"),
    Column("error_message", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_product"),
)


Index("ix_shopify_product_item", shopify_product.c.shop_code, shopify_product.c.item_no)


shopify_variant = Table(
    "shopify_variant",
    metadata,
    # BC's "Shpfy Variant": a Shopify variant, its inventory item, and the ERP item and variant it maps to
    _shop_fk(),
    Column("id", BigInteger, nullable=False),
    Column("product_id", BigInteger, nullable=False),
    Column("title", String(255), nullable=False, server_default=""),
    Column("sku", String(255), nullable=False, server_default=""),
    Column("barcode", String(255), nullable=False, server_default=""),
    Column("price", Money),
    Column("compare_at_price", Money),
    Column("inventory_item_id", BigInteger),
    Column("item_no", String(20)),
    Column("variant_code", String(10), nullable=False, server_default=""),
    Column("hash", String(64), nullable=False, server_default=""),
    _flag("has_error"),
    Column("error_message", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_variant"),
)


Index("ix_shopify_variant_inventory_item", shopify_variant.c.shop_code, shopify_variant.c.inventory_item_id)


Index("ix_shopify_variant_item", shopify_variant.c.shop_code, shopify_variant.c.item_no, shopify_variant.c.variant_code)


Index("ix_shopify_variant_product", shopify_variant.c.shop_code, shopify_variant.c.product_id)
