"""The Shopify order mirror (``shopops.sync.orders``): staging and orders with their lines, shipping,
taxes, transactions, fulfillment orders and refunds.

Shopify ids are the numeric part of the GID (BigInteger); every key starts with the shop code, because
two shop cards may point at the same Shopify shop (BC's STORE and POS cards)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shopops.store.tables.base import _flag, _in, _shop_fk, metadata
from shopops.store.types import JSONText, Money, UTCDateTime

ORDER_IMPORT_ACTIONS = ("new", "update")


shopify_order_to_import = Table(
    "shopify_order_to_import",
    metadata,
    # BC's "Shpfy Orders to Import": one staging row per order updated since the cursor; deleted once imported
    Column("id", Integer, primary_key=True, autoincrement=True),
    _shop_fk(),
    Column("order_id", BigInteger, nullable=False),
    Column("order_no", String(50)),
    Column("order_created_at", UTCDateTime),
    Column("order_updated_at", UTCDateTime),
    _flag("test"),
    _flag("confirmed"),
    _flag("closed"),
    _flag("cancelled"),
    _flag("fully_paid"),
    _flag("unpaid"),
    Column("risk_level", String(20)),
    _flag("high_risk"),
    Column("financial_status", String(30)),
    Column("fulfillment_status", String(30)),
    Column("order_amount", Money),
    Column("currency_code", String(3)),
    Column("vat_amount", Money),
    Column("total_quantity", Integer),
    Column("tags", Text),
    Column("channel", String(100)),
    Column("bill_to_country", String(2)),
    Column("ship_to_country", String(2)),
    Column("import_action", String(10), nullable=False),
    _flag("has_error"),
    Column("error_message", Text),
    Column("staged_at", UTCDateTime, nullable=False),
    UniqueConstraint("shop_code", "order_id", name="uq_shopify_order_to_import_shop_order"),
    CheckConstraint(_in("import_action", ORDER_IMPORT_ACTIONS), name="import_action"),
)


shopify_order = Table(
    "shopify_order",
    metadata,
    # BC's "Shpfy Order Header": the order as Shopify last showed it, plus processing state
    _shop_fk(),
    Column("id", BigInteger, nullable=False),
    Column("order_no", String(50)),
    Column("order_number", Integer),
    Column("shopify_created_at", UTCDateTime),
    Column("shopify_updated_at", UTCDateTime),
    Column("processed_at", UTCDateTime),
    Column("cancelled_at", UTCDateTime),
    Column("cancel_reason", String(30)),
    Column("closed_at", UTCDateTime),
    _flag("closed"),
    _flag("confirmed"),
    _flag("test"),
    _flag("edited"),
    Column("financial_status", String(30)),
    Column("fulfillment_status", String(30)),
    Column("return_status", String(30)),
    _flag("fully_paid"),
    _flag("unpaid"),
    _flag("refundable"),
    Column("risk_level", String(20)),
    _flag("high_risk"),
    Column("email", String(255)),
    Column("phone", String(50)),
    Column("customer_id", BigInteger),
    Column("customer_email", String(255)),
    Column("customer_name", String(255)),
    Column("bill_to", JSONText),
    Column("ship_to", JSONText),
    Column("bill_to_country", String(2)),
    Column("ship_to_country", String(2)),
    Column("tags", Text),
    Column("channel", String(100)),
    Column("po_number", String(100)),
    Column("note", Text),
    Column("discount_codes", Text),
    Column("attributes", JSONText),
    Column("currency_code", String(3)),
    Column("presentment_currency_code", String(3)),
    _flag("taxes_included"),
    _flag("tax_exempt"),
    Column("total_amount", Money),
    Column("subtotal_amount", Money),
    Column("vat_amount", Money),
    Column("discount_amount", Money),
    Column("shipping_amount", Money),
    Column("tip_amount", Money),
    Column("current_total_amount", Money),
    Column("refunded_amount", Money),
    Column("outstanding_amount", Money),
    Column("presentment_total_amount", Money),
    Column("presentment_subtotal_amount", Money),
    Column("presentment_vat_amount", Money),
    Column("presentment_discount_amount", Money),
    Column("presentment_shipping_amount", Money),
    Column("presentment_tip_amount", Money),
    Column("presentment_current_total_amount", Money),
    Column("total_quantity", Integer),
    Column("current_total_quantity", Integer),
    # hash of the sorted line ids (BC's "Line Items Redundancy Code"), for conflict detection
    Column("line_items_hash", String(64)),
    # hash of everything imported: an unchanged order is not written again
    Column("data_hash", String(64)),
    # processing state, set by create-sales-documents
    _flag("processed"),
    Column("sales_document_no", String(20)),
    Column("processed_currency_handling", String(20)),
    _flag("has_error"),
    Column("error_message", Text),
    _flag("has_conflict"),
    Column("conflict_reason", Text),
    Column("imported_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_order"),
)


Index("ix_shopify_order_processed", shopify_order.c.shop_code, shopify_order.c.processed)


shopify_order_line = Table(
    "shopify_order_line",
    metadata,
    Column("shop_code", String(20), nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("position", Integer, nullable=False),
    Column("product_id", BigInteger),
    Column("variant_id", BigInteger),
    Column("sku", String(100)),
    Column("title", String(255)),
    Column("variant_title", String(255)),
    Column("vendor", String(100)),
    Column("quantity", Integer, nullable=False),
    Column("current_quantity", Integer, nullable=False),
    Column("refunded_quantity", Integer, nullable=False, server_default="0"),
    Column("fulfillable_quantity", Integer),
    Column("unit_price", Money),
    Column("presentment_unit_price", Money),
    Column("discount_amount", Money),
    Column("presentment_discount_amount", Money),
    Column("line_amount", Money),
    Column("presentment_line_amount", Money),
    _flag("is_gift_card"),
    _flag("is_tip"),
    _flag("taxable"),
    _flag("requires_shipping"),
    Column("location_id", BigInteger),
    Column("attributes", JSONText),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_order_line"),
)


Index("ix_shopify_order_line_order", shopify_order_line.c.shop_code, shopify_order_line.c.order_id)


shopify_order_shipping_line = Table(
    "shopify_order_shipping_line",
    metadata,
    Column("shop_code", String(20), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("position", Integer, nullable=False),
    Column("shipping_line_id", BigInteger),
    Column("title", String(255)),
    Column("code", String(255)),
    Column("source", String(100)),
    Column("amount", Money),
    Column("presentment_amount", Money),
    Column("discounted_amount", Money),
    Column("presentment_discounted_amount", Money),
    PrimaryKeyConstraint("shop_code", "order_id", "position", name="pk_shopify_order_shipping_line"),
)


shopify_order_tax_line = Table(
    "shopify_order_tax_line",
    metadata,
    # source: the order itself, a line (source_id = line id) or a shipping line (source_id = its position)
    Column("shop_code", String(20), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("source", String(10), nullable=False),
    Column("source_id", BigInteger, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", String(100)),
    Column("rate", String(20)),
    Column("amount", Money),
    Column("presentment_amount", Money),
    _flag("channel_liable"),
    PrimaryKeyConstraint("shop_code", "order_id", "source", "source_id", "position", name="pk_shopify_order_tax_line"),
)


shopify_order_transaction = Table(
    "shopify_order_transaction",
    metadata,
    Column("shop_code", String(20), nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("kind", String(20)),
    Column("status", String(20)),
    Column("gateway", String(100)),
    _flag("test"),
    Column("error_code", String(50)),
    Column("parent_id", BigInteger),
    Column("amount", Money),
    Column("currency_code", String(3)),
    Column("presentment_amount", Money),
    Column("presentment_currency_code", String(3)),
    Column("shopify_created_at", UTCDateTime),
    Column("processed_at", UTCDateTime),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_order_transaction"),
)


Index("ix_shopify_order_transaction_order", shopify_order_transaction.c.shop_code, shopify_order_transaction.c.order_id)


shopify_fulfillment_order = Table(
    "shopify_fulfillment_order",
    metadata,
    Column("shop_code", String(20), nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("status", String(30)),
    Column("request_status", String(30)),
    Column("location_id", BigInteger),
    Column("shopify_updated_at", UTCDateTime),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_fulfillment_order"),
)


Index("ix_shopify_fulfillment_order_order", shopify_fulfillment_order.c.shop_code, shopify_fulfillment_order.c.order_id)


shopify_fulfillment_order_line = Table(
    "shopify_fulfillment_order_line",
    metadata,
    Column("shop_code", String(20), nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("fulfillment_order_id", BigInteger, nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("line_id", BigInteger),
    Column("sku", String(100)),
    Column("total_quantity", Integer),
    Column("remaining_quantity", Integer),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_fulfillment_order_line"),
)


Index(
    "ix_shopify_fulfillment_order_line_order",
    shopify_fulfillment_order_line.c.shop_code,
    shopify_fulfillment_order_line.c.order_id,
)


shopify_refund = Table(
    "shopify_refund",
    metadata,
    Column("shop_code", String(20), nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("note", Text),
    Column("shopify_created_at", UTCDateTime),
    Column("processed_at", UTCDateTime),
    Column("total_refunded", Money),
    Column("presentment_total_refunded", Money),
    Column("shipping_refunded", Money),
    # set by the credit-memo step (return_refund_process = auto_create)
    _flag("processed"),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_refund"),
)


Index("ix_shopify_refund_order", shopify_refund.c.shop_code, shopify_refund.c.order_id)


shopify_refund_line = Table(
    "shopify_refund_line",
    metadata,
    Column("shop_code", String(20), nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("refund_id", BigInteger, nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("line_id", BigInteger),
    Column("quantity", Integer, nullable=False),
    Column("restock_type", String(20)),
    _flag("restocked"),
    Column("location_id", BigInteger),
    Column("unit_amount", Money),
    Column("subtotal_amount", Money),
    Column("tax_amount", Money),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_refund_line"),
)


Index("ix_shopify_refund_line_order", shopify_refund_line.c.shop_code, shopify_refund_line.c.order_id)
