"""The ERP's master data (``shopops.erp``): number series, locations, G/L accounts, carriers, customers,
items with variants and references, stock entries, price list lines, item pictures and tax rates."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    text,
)

from shopops.store.tables.base import _erp_address, _flag, _in, metadata
from shopops.store.types import Money, UTCDateTime

ITEM_TYPES = ("inventory", "service", "non_inventory")


REFERENCE_TYPES = ("barcode", "vendor")


STOCK_ENTRY_TYPES = ("purchase", "sale", "positive_adjustment", "negative_adjustment", "transfer")


erp_no_series = Table(
    "erp_no_series",
    metadata,
    # BC's No. Series: the next document number is prefix + last_no + 1, zero-padded to `digits`
    Column("code", String(20), primary_key=True),
    Column("prefix", String(10), nullable=False, server_default=""),
    Column("digits", Integer, nullable=False, server_default="6"),
    Column("last_no", Integer, nullable=False, server_default="0"),
)


erp_location = Table(
    "erp_location",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", String(100), nullable=False, server_default=""),
    Column("blocked", Boolean, nullable=False, server_default=text("false")),
)


erp_gl_account = Table(
    "erp_gl_account",
    metadata,
    Column("no", String(20), primary_key=True),
    Column("name", String(100), nullable=False, server_default=""),
    Column("blocked", Boolean, nullable=False, server_default=text("false")),
)


erp_shipping_agent = Table(
    "erp_shipping_agent",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", String(50), nullable=False, server_default=""),
    # tracking page with %1 where the tracking no. goes, as BC's "Internet Address"
    Column("internet_address", String(250), nullable=False, server_default=""),
    # the company name Shopify knows (its tracking company list), else the name, else the code
    Column("shopify_tracking_company", String(50), nullable=False, server_default=""),
)


erp_customer = Table(
    "erp_customer",
    metadata,
    Column("no", String(20), primary_key=True),
    *_erp_address(),
    Column("email", String(80), nullable=False, server_default=""),
    Column("phone", String(30), nullable=False, server_default=""),
    # digits only, leading zeros removed: the key BC's phone mapping compares
    Column("phone_digits", String(30), nullable=False, server_default=""),
    Column("currency_code", String(10), nullable=False, server_default=""),
    Column("customer_price_group", String(20), nullable=False, server_default=""),
    Column("tax_area_code", String(20), nullable=False, server_default=""),
    Column("blocked", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


Index("ix_erp_customer_email", erp_customer.c.email)


Index("ix_erp_customer_phone_digits", erp_customer.c.phone_digits)


erp_item = Table(
    "erp_item",
    metadata,
    Column("no", String(20), primary_key=True),
    Column("description", String(100), nullable=False, server_default=""),
    Column("type", String(20), nullable=False, server_default="inventory"),
    Column("base_unit_of_measure", String(10), nullable=False, server_default=""),
    Column("unit_price", Money, nullable=False, server_default="0"),
    Column("unit_cost", Money, nullable=False, server_default="0"),
    Column("vendor_no", String(20), nullable=False, server_default=""),
    Column("vendor_item_no", String(50), nullable=False, server_default=""),
    Column("tax_group_code", String(20), nullable=False, server_default=""),
    Column("item_category_code", String(20), nullable=False, server_default=""),
    Column("blocked", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("type", ITEM_TYPES), name="type"),
)


Index("ix_erp_item_vendor_item_no", erp_item.c.vendor_item_no)


erp_item_variant = Table(
    "erp_item_variant",
    metadata,
    Column("item_no", String(20), ForeignKey("erp_item.no", ondelete="CASCADE"), primary_key=True),
    Column("code", String(10), primary_key=True),
    Column("description", String(100), nullable=False, server_default=""),
    Column("blocked", Boolean, nullable=False, server_default=text("false")),
)


erp_item_reference = Table(
    "erp_item_reference",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_no", String(20), ForeignKey("erp_item.no", ondelete="CASCADE"), nullable=False),
    Column("variant_code", String(10), nullable=False, server_default=""),
    Column("reference_type", String(20), nullable=False),
    Column("reference_no", String(50), nullable=False),
    Column("description", String(100), nullable=False, server_default=""),
    CheckConstraint(_in("reference_type", REFERENCE_TYPES), name="reference_type"),
)


Index(
    "uq_erp_item_reference_key",
    erp_item_reference.c.item_no,
    erp_item_reference.c.variant_code,
    erp_item_reference.c.reference_type,
    erp_item_reference.c.reference_no,
    unique=True,
)


Index("ix_erp_item_reference_lookup", erp_item_reference.c.reference_type, erp_item_reference.c.reference_no)


erp_stock_entry = Table(
    "erp_stock_entry",
    metadata,
    # BC's Item Ledger Entry: stock changes only by adding entries; on hand is their sum
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_type", String(30), nullable=False),
    Column("item_no", String(20), ForeignKey("erp_item.no"), nullable=False),
    Column("variant_code", String(10), nullable=False, server_default=""),
    Column("location_code", String(10), ForeignKey("erp_location.code"), nullable=False),
    Column("quantity", Money, nullable=False),
    Column("document_type", String(30), nullable=False, server_default=""),
    Column("document_no", String(20), nullable=False, server_default=""),
    Column("document_line_no", Integer),
    Column("description", String(100), nullable=False, server_default=""),
    Column("posting_date", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("entry_type", STOCK_ENTRY_TYPES), name="entry_type"),
)


Index(
    "ix_erp_stock_entry_item",
    erp_stock_entry.c.item_no,
    erp_stock_entry.c.variant_code,
    erp_stock_entry.c.location_code,
)


Index("ix_erp_stock_entry_document", erp_stock_entry.c.document_no)


erp_price_list_line = Table(
    "erp_price_list_line",
    metadata,
    # a minimal sales price list: price per item (and variant) for a price group and currency, from a date
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_no", String(20), ForeignKey("erp_item.no", ondelete="CASCADE"), nullable=False),
    Column("variant_code", String(10), nullable=False, server_default=""),
    Column("price_group", String(20), nullable=False, server_default=""),
    Column("currency_code", String(10), nullable=False, server_default=""),
    Column("starting_date", Date),
    Column("unit_price", Money, nullable=False),
    Column("compare_at_price", Money),
    _flag("price_includes_tax"),
)


Index(
    "ix_erp_price_list_line_lookup",
    erp_price_list_line.c.item_no,
    erp_price_list_line.c.price_group,
    erp_price_list_line.c.currency_code,
)


erp_item_picture = Table(
    "erp_item_picture",
    metadata,
    # BC's Item/Item Variant picture: the bytes (or a file holding them) and their SHA-256
    Column("item_no", String(20), ForeignKey("erp_item.no", ondelete="CASCADE"), nullable=False),
    Column("variant_code", String(10), nullable=False, server_default=""),
    Column("content", LargeBinary),
    Column("file_path", String(500)),
    Column("content_type", String(100), nullable=False, server_default="image/png"),
    Column("sha256", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("item_no", "variant_code", name="pk_erp_item_picture"),
)


# BC's VAT Posting Setup, reduced to what a price needs: the tax percent per business group (the customer's,
# or the shop card's tax_business_group) and product group (the item's tax_group_code). sync-products uses
# it to turn a net price into a gross one and back. The percent is kept exactly (text on SQLite), so the
# CHECK casts it before comparing.
erp_tax_rate = Table(
    "erp_tax_rate",
    metadata,
    Column("business_group", String(20), nullable=False),
    Column("product_group", String(20), nullable=False),
    Column("percent", Money, nullable=False),
    PrimaryKeyConstraint("business_group", "product_group", name="pk_erp_tax_rate"),
    CheckConstraint("business_group <> '' AND product_group <> ''", name="codes"),
    CheckConstraint("CAST(percent AS NUMERIC) >= 0 AND CAST(percent AS NUMERIC) <= 100", name="percent"),
)
