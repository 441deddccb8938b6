"""Shop locations mapped to ERP location filters and Shopify's stock per level (``shopops.sync.inventory``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
)

from shopops.store.tables.base import _flag, _in, _shop_fk, metadata
from shopops.store.types import UTCDateTime

STOCK_CALCULATIONS = ("off", "on_hand", "available", "projected")


INVENTORY_QUANTITY_NAMES = ("available", "on_hand")


shop_location = Table(
    "shop_location",
    metadata,
    # BC's "Shpfy Shop Location": which ERP locations feed a Shopify location, and how stock is calculated
    _shop_fk(),
    Column("location_id", BigInteger, nullable=False),
    Column("name", String(100), nullable=False, server_default=""),
    _flag("active"),
    _flag("is_primary"),
    _flag("is_fulfillment_service"),
    # BC location filter: codes joined by | (e.g. "MAIN|EAST"); blank = every ERP location
    Column("erp_location_filter", String(250), nullable=False, server_default=""),
    Column("stock_calculation", String(20), nullable=False, server_default="off"),
    Column("quantity_name", String(20), nullable=False, server_default="available"),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "location_id", name="pk_shop_location"),
    CheckConstraint(_in("stock_calculation", STOCK_CALCULATIONS), name="stock_calculation"),
    CheckConstraint(_in("quantity_name", INVENTORY_QUANTITY_NAMES), name="quantity_name"),
)


shopify_inventory_level = Table(
    "shopify_inventory_level",
    metadata,
    # BC's "Shpfy Shop Inventory": Shopify's stock per inventory item and location, as last imported or pushed
    _shop_fk(),
    Column("location_id", BigInteger, nullable=False),
    Column("inventory_item_id", BigInteger, nullable=False),
    Column("variant_id", BigInteger),
    Column("shopify_quantity", Integer),
    Column("erp_quantity", Integer),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "location_id", "inventory_item_id", name="pk_shopify_inventory_level"),
)
