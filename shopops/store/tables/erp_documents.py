"""The ERP's sales documents (``shopops.erp.sales``) and what posting leaves (``shopops.erp.posting``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from shopops.store.tables.base import _erp_address, _in, metadata
from shopops.store.types import Money, UTCDateTime

SALES_DOCUMENT_TYPES = ("order", "invoice", "credit_memo")


SALES_DOCUMENT_STATUSES = ("open", "released")


SALES_LINE_TYPES = ("item", "gl_account", "comment")


erp_sales_header = Table(
    "erp_sales_header",
    metadata,
    Column("document_type", String(20), primary_key=True),
    Column("no", String(20), primary_key=True),
    Column("sell_to_customer_no", String(20), ForeignKey("erp_customer.no"), nullable=False),
    Column("bill_to_customer_no", String(20), ForeignKey("erp_customer.no"), nullable=False),
    *_erp_address("bill_to_"),
    *_erp_address("ship_to_"),
    Column("email", String(80), nullable=False, server_default=""),
    Column("phone", String(30), nullable=False, server_default=""),
    Column("currency_code", String(10), nullable=False, server_default=""),
    Column("prices_including_tax", Boolean, nullable=False, server_default=text("false")),
    Column("document_date", Date),
    Column("posting_date", Date),
    Column("external_document_no", String(35), nullable=False, server_default=""),
    Column("location_code", String(10), ForeignKey("erp_location.code")),
    Column("shipment_method_code", String(10), nullable=False, server_default=""),
    Column("shipping_agent_code", String(10), ForeignKey("erp_shipping_agent.code")),
    Column("shipping_agent_service_code", String(10), nullable=False, server_default=""),
    Column("package_tracking_no", String(50), nullable=False, server_default=""),
    Column("payment_method_code", String(10), nullable=False, server_default=""),
    Column("invoice_discount_amount", Money, nullable=False, server_default="0"),
    Column("applies_to_doc_no", String(20), nullable=False, server_default=""),
    Column("work_description", Text, nullable=False, server_default=""),
    Column("status", String(20), nullable=False, server_default="open"),
    # the Shopify link (BC's Shpfy Order Id / Shpfy Order No. / refund id on credit memos)
    Column("shop_code", String(20)),
    Column("shopify_order_id", BigInteger),
    Column("shopify_order_no", String(50), nullable=False, server_default=""),
    Column("shopify_refund_id", BigInteger),
    # posting state: the last error stays here until a posting succeeds; posted headers are kept (BC deletes
    # them) so that the unique Shopify keys keep refusing a second document for the same order
    Column("posting_error", Text),
    Column("posted", Boolean, nullable=False, server_default=text("false")),
    Column("last_shipment_no", String(20), nullable=False, server_default=""),
    Column("last_posting_no", String(20), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("document_type", SALES_DOCUMENT_TYPES), name="document_type"),
    CheckConstraint(_in("status", SALES_DOCUMENT_STATUSES), name="status"),
    CheckConstraint("shopify_order_id IS NULL OR shop_code IS NOT NULL", name="shopify_needs_shop"),
)


Index(
    "uq_erp_sales_header_shopify_order",
    erp_sales_header.c.shop_code,
    erp_sales_header.c.shopify_order_id,
    erp_sales_header.c.document_type,
    unique=True,
    sqlite_where=text("shopify_refund_id IS NULL"),
    postgresql_where=text("shopify_refund_id IS NULL"),
)


Index(
    "uq_erp_sales_header_shopify_refund",
    erp_sales_header.c.shop_code,
    erp_sales_header.c.shopify_refund_id,
    unique=True,
    sqlite_where=text("shopify_refund_id IS NOT NULL"),
    postgresql_where=text("shopify_refund_id IS NOT NULL"),
)


Index(
    "ix_erp_sales_header_batch", erp_sales_header.c.document_type, erp_sales_header.c.posted, erp_sales_header.c.status
)


def _erp_line_columns() -> list[Column[object]]:
    return [
        Column("line_no", Integer, primary_key=True),
        Column("type", String(20), nullable=False),
        Column("no", String(20), nullable=False, server_default=""),
        Column("variant_code", String(10), nullable=False, server_default=""),
        Column("location_code", String(10)),
        Column("description", String(100), nullable=False, server_default=""),
        Column("unit_of_measure_code", String(10), nullable=False, server_default=""),
        Column("quantity", Money, nullable=False, server_default="0"),
    ]


def _erp_amount_columns() -> list[Column[object]]:
    return [
        Column("unit_price", Money, nullable=False, server_default="0"),
        Column("line_discount_amount", Money, nullable=False, server_default="0"),
        Column("inv_discount_amount", Money, nullable=False, server_default="0"),
        Column("tax_percent", Money, nullable=False, server_default="0"),
        Column("amount", Money, nullable=False, server_default="0"),
        Column("amount_including_tax", Money, nullable=False, server_default="0"),
        # BC's "VAT Difference": the tax as the source (Shopify) charged it, less the tax computed here
        Column("tax_difference", Money, nullable=False, server_default="0"),
    ]


def _erp_shopify_line_columns() -> list[Column[object]]:
    return [
        # which Shopify record the line came from: line_item, shipping_line, tip, gift_card, rounding, refund_line
        Column("shopify_line_type", String(20), nullable=False, server_default=""),
        Column("shopify_order_line_id", BigInteger),
    ]


erp_sales_line = Table(
    "erp_sales_line",
    metadata,
    Column("document_type", String(20), primary_key=True),
    Column("document_no", String(20), primary_key=True),
    *_erp_line_columns(),
    Column("quantity_shipped", Money, nullable=False, server_default="0"),
    Column("quantity_invoiced", Money, nullable=False, server_default="0"),
    *_erp_amount_columns(),
    *_erp_shopify_line_columns(),
    ForeignKeyConstraint(
        ["document_type", "document_no"],
        ["erp_sales_header.document_type", "erp_sales_header.no"],
        ondelete="CASCADE",
    ),
    CheckConstraint(_in("type", SALES_LINE_TYPES), name="type"),
)


Index(
    "uq_erp_sales_line_shopify_line",
    erp_sales_line.c.document_type,
    erp_sales_line.c.document_no,
    erp_sales_line.c.shopify_line_type,
    erp_sales_line.c.shopify_order_line_id,
    unique=True,
)


Index("ix_erp_sales_line_item", erp_sales_line.c.no, erp_sales_line.c.variant_code, erp_sales_line.c.location_code)


def _erp_posted_header_columns() -> list[Column[object]]:
    return [
        Column("no", String(20), primary_key=True),
        Column("order_no", String(20), nullable=False, server_default=""),
        Column("pre_assigned_no", String(20), nullable=False, server_default=""),
        Column("sell_to_customer_no", String(20), nullable=False),
        Column("bill_to_customer_no", String(20), nullable=False),
        *_erp_address("ship_to_"),
        Column("currency_code", String(10), nullable=False, server_default=""),
        Column("external_document_no", String(35), nullable=False, server_default=""),
        Column("location_code", String(10)),
        Column("posting_date", Date, nullable=False),
        Column("document_date", Date),
        Column("shop_code", String(20)),
        Column("shopify_order_id", BigInteger),
        Column("shopify_order_no", String(50), nullable=False, server_default=""),
        Column("created_at", UTCDateTime, nullable=False),
    ]


def _erp_posted_money_columns() -> list[Column[object]]:
    return [
        Column("prices_including_tax", Boolean, nullable=False, server_default=text("false")),
        Column("invoice_discount_amount", Money, nullable=False, server_default="0"),
        Column("amount", Money, nullable=False, server_default="0"),
        Column("amount_including_tax", Money, nullable=False, server_default="0"),
    ]


erp_posted_shipment = Table(
    "erp_posted_shipment",
    metadata,
    *_erp_posted_header_columns(),
    Column("shipping_agent_code", String(10), nullable=False, server_default=""),
    Column("shipping_agent_service_code", String(10), nullable=False, server_default=""),
    Column("tracking_no", String(50), nullable=False, server_default=""),
    Column("tracking_url", String(250), nullable=False, server_default=""),
    # BC's Shpfy Fulfillment Id: 0 not synced yet, the fulfillment's id, -1 error, -2 nothing to fulfil
    Column("shopify_fulfillment_id", BigInteger, nullable=False, server_default="0"),
)


Index(
    "ix_erp_posted_shipment_to_sync",
    erp_posted_shipment.c.shop_code,
    erp_posted_shipment.c.shopify_fulfillment_id,
)


Index("ix_erp_posted_shipment_order_no", erp_posted_shipment.c.order_no)


erp_posted_shipment_line = Table(
    "erp_posted_shipment_line",
    metadata,
    Column("document_no", String(20), ForeignKey("erp_posted_shipment.no", ondelete="CASCADE"), primary_key=True),
    *_erp_line_columns(),
    Column("order_line_no", Integer),
    *_erp_shopify_line_columns(),
)


erp_posted_invoice = Table(
    "erp_posted_invoice",
    metadata,
    *_erp_posted_header_columns(),
    *_erp_posted_money_columns(),
)


Index("ix_erp_posted_invoice_shopify_order", erp_posted_invoice.c.shop_code, erp_posted_invoice.c.shopify_order_id)


Index("ix_erp_posted_invoice_order_no", erp_posted_invoice.c.order_no)


erp_posted_invoice_line = Table(
    "erp_posted_invoice_line",
    metadata,
    Column("document_no", String(20), ForeignKey("erp_posted_invoice.no", ondelete="CASCADE"), primary_key=True),
    *_erp_line_columns(),
    Column("order_line_no", Integer),
    *_erp_amount_columns(),
    *_erp_shopify_line_columns(),
)


erp_posted_credit_memo = Table(
    "erp_posted_credit_memo",
    metadata,
    *_erp_posted_header_columns(),
    *_erp_posted_money_columns(),
    Column("applies_to_doc_no", String(20), nullable=False, server_default=""),
    Column("shopify_refund_id", BigInteger),
)


Index(
    "ix_erp_posted_credit_memo_shopify_order",
    erp_posted_credit_memo.c.shop_code,
    erp_posted_credit_memo.c.shopify_order_id,
)


erp_posted_credit_memo_line = Table(
    "erp_posted_credit_memo_line",
    metadata,
    Column("document_no", String(20), ForeignKey("erp_posted_credit_memo.no", ondelete="CASCADE"), primary_key=True),
    *_erp_line_columns(),
    *_erp_amount_columns(),
    *_erp_shopify_line_columns(),
)
