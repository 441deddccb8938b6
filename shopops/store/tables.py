"""Every table shopops keeps, in one MetaData. Alembic migrations must agree with this file (a test checks).

The job queue's state machine is held by the database itself: statuses are CHECKed and a partial unique
index allows at most one entry per category in process, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from shopops.store.types import JSONText, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ENTRY_STATUSES = ("ready", "in_process", "error", "on_hold", "finished", "waiting")
LOG_STATUSES = ("in_process", "success", "error")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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

job_queue_category = Table(
    "job_queue_category",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("description", String(250), nullable=False, server_default=""),
)

job_queue_entry = Table(
    "job_queue_entry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report", String(100), nullable=False),
    Column("shop_code", String(20)),
    Column("parameters", JSONText, nullable=False),
    Column("description", String(250), nullable=False, server_default=""),
    # the name a schedule file gives the entry, so that applying the file again updates instead of adding
    Column("schedule_key", String(100), unique=True),
    Column("category_code", String(20), ForeignKey("job_queue_category.code")),
    Column("priority", Integer, nullable=False, server_default="2000"),
    Column("status", String(20), nullable=False),
    Column("earliest_start_at", UTCDateTime, nullable=False),
    Column("expiration_at", UTCDateTime),
    # recurrence, as on BC's Job Queue Entry card
    Column("recurring", Boolean, nullable=False, server_default=text("false")),
    Column("weekdays", String(7)),  # "1111100" = Mon..Sun flags
    Column("starting_time", String(8)),  # "HH:MM" local to timezone
    Column("ending_time", String(8)),
    Column("every_minutes", Integer),
    Column("date_formula", String(40)),
    Column("timezone", String(64)),
    # attempts
    Column("max_attempts", Integer, nullable=False, server_default="1"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("rerun_delay_s", Integer, nullable=False, server_default="0"),
    # runtime state
    Column("worker_id", String(100)),
    Column("claimed_at", UTCDateTime),
    Column("scheduled_at", UTCDateTime),
    Column("last_error", Text),
    Column("progress", String(250)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("status", ENTRY_STATUSES), name="status"),
    CheckConstraint("max_attempts >= 1 AND max_attempts <= 10", name="max_attempts"),
    CheckConstraint("rerun_delay_s >= 0 AND rerun_delay_s <= 3600", name="rerun_delay"),
)
Index(
    "uq_job_queue_entry_one_in_process_per_category",
    job_queue_entry.c.category_code,
    unique=True,
    sqlite_where=text("status = 'in_process'"),
    postgresql_where=text("status = 'in_process'"),
)
Index(
    "ix_job_queue_entry_claim",
    job_queue_entry.c.status,
    job_queue_entry.c.priority,
    job_queue_entry.c.id,
)
Index("ix_job_queue_entry_category_status", job_queue_entry.c.category_code, job_queue_entry.c.status)
Index("ix_job_queue_entry_worker", job_queue_entry.c.worker_id)

job_queue_log_entry = Table(
    "job_queue_log_entry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # the entry may be deleted later and its log stays (as in BC), so no foreign key; a foreground run
    # that never was an entry has none
    Column("entry_id", Integer),
    Column("report", String(100), nullable=False),
    Column("shop_code", String(20)),
    Column("category_code", String(20)),
    Column("description", String(250), nullable=False, server_default=""),
    Column("parameters", JSONText),
    Column("attempt", Integer, nullable=False, server_default="1"),
    Column("scheduled_at", UTCDateTime),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Column("status", String(20), nullable=False),
    Column("error_message", Text),
    Column("traceback", Text),
    Column("stats", JSONText),
    Column("api_cost", Float),
    Column("worker_id", String(100)),
    Column("foreground", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint(_in("status", LOG_STATUSES), name="status"),
)
Index("ix_job_queue_log_entry_entry", job_queue_log_entry.c.entry_id)
Index("ix_job_queue_log_entry_started", job_queue_log_entry.c.started_at)
Index(
    "ix_job_queue_log_entry_open",
    job_queue_log_entry.c.status,
    sqlite_where=text("status = 'in_process'"),
    postgresql_where=text("status = 'in_process'"),
)

job_queue_worker = Table(
    "job_queue_worker",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("hostname", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("threads", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
)

# --- sync state shared by every report (shopops/sync/state.py) -------------------------------------------

sync_cursor = Table(
    "sync_cursor",
    metadata,
    # BC's "Synchronization Info": the last sync time per shop and kind (orders, products, customers, ...)
    Column("shop_code", String(20), ForeignKey("shop.code", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("synced_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

skipped_record = Table(
    "skipped_record",
    metadata,
    # BC's "Shpfy Skipped Record": a record a report passed over, and why; the run itself goes on
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_code", String(20)),
    Column("report", String(100), nullable=False),
    Column("record_type", String(40), nullable=False),
    Column("record_id", String(100), nullable=False),
    Column("reason", Text, nullable=False),
    Column("log_entry_id", Integer),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_skipped_record_shop_report", skipped_record.c.shop_code, skipped_record.c.report)

# --- ERP (shopops/erp): begin ---------------------------------------------------------------------------
# Modelled on Business Central: master data (customers, items, variants, references, locations, G/L accounts,
# shipping agents, number series), item ledger (stock entries), sales documents and their posted forms.
# Amounts and quantities are exact (Money); Shopify ids are BIGINT; posting dates are dates.
from sqlalchemy import BigInteger as _BigInteger  # noqa: E402
from sqlalchemy import Date, ForeignKeyConstraint  # noqa: E402

from shopops.store.types import Money as _Money  # noqa: E402

ITEM_TYPES = ("inventory", "service", "non_inventory")
REFERENCE_TYPES = ("barcode", "vendor")
STOCK_ENTRY_TYPES = ("purchase", "sale", "positive_adjustment", "negative_adjustment", "transfer")
SALES_DOCUMENT_TYPES = ("order", "invoice", "credit_memo")
SALES_DOCUMENT_STATUSES = ("open", "released")
SALES_LINE_TYPES = ("item", "gl_account", "comment")


def _erp_address(prefix: str = "") -> list[Column[object]]:
    return [
        Column(f"{prefix}name", String(100), nullable=False, server_default=""),
        Column(f"{prefix}address", String(100), nullable=False, server_default=""),
        Column(f"{prefix}address_2", String(50), nullable=False, server_default=""),
        Column(f"{prefix}city", String(30), nullable=False, server_default=""),
        Column(f"{prefix}post_code", String(20), nullable=False, server_default=""),
        Column(f"{prefix}county", String(30), nullable=False, server_default=""),
        Column(f"{prefix}country_code", String(10), nullable=False, server_default=""),
    ]


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
    Column("unit_price", _Money, nullable=False, server_default="0"),
    Column("unit_cost", _Money, nullable=False, server_default="0"),
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
    Column("quantity", _Money, nullable=False),
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
    Column("invoice_discount_amount", _Money, nullable=False, server_default="0"),
    Column("applies_to_doc_no", String(20), nullable=False, server_default=""),
    Column("work_description", Text, nullable=False, server_default=""),
    Column("status", String(20), nullable=False, server_default="open"),
    # the Shopify link (BC's Shpfy Order Id / Shpfy Order No. / refund id on credit memos)
    Column("shop_code", String(20)),
    Column("shopify_order_id", _BigInteger),
    Column("shopify_order_no", String(50), nullable=False, server_default=""),
    Column("shopify_refund_id", _BigInteger),
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
        Column("quantity", _Money, nullable=False, server_default="0"),
    ]


def _erp_amount_columns() -> list[Column[object]]:
    return [
        Column("unit_price", _Money, nullable=False, server_default="0"),
        Column("line_discount_amount", _Money, nullable=False, server_default="0"),
        Column("inv_discount_amount", _Money, nullable=False, server_default="0"),
        Column("tax_percent", _Money, nullable=False, server_default="0"),
        Column("amount", _Money, nullable=False, server_default="0"),
        Column("amount_including_tax", _Money, nullable=False, server_default="0"),
    ]


def _erp_shopify_line_columns() -> list[Column[object]]:
    return [
        # which Shopify record the line came from: line_item, shipping_line, tip, gift_card, rounding, refund_line
        Column("shopify_line_type", String(20), nullable=False, server_default=""),
        Column("shopify_order_line_id", _BigInteger),
    ]


erp_sales_line = Table(
    "erp_sales_line",
    metadata,
    Column("document_type", String(20), primary_key=True),
    Column("document_no", String(20), primary_key=True),
    *_erp_line_columns(),
    Column("quantity_shipped", _Money, nullable=False, server_default="0"),
    Column("quantity_invoiced", _Money, nullable=False, server_default="0"),
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
        Column("shopify_order_id", _BigInteger),
        Column("shopify_order_no", String(50), nullable=False, server_default=""),
        Column("created_at", UTCDateTime, nullable=False),
    ]


def _erp_posted_money_columns() -> list[Column[object]]:
    return [
        Column("prices_including_tax", Boolean, nullable=False, server_default=text("false")),
        Column("invoice_discount_amount", _Money, nullable=False, server_default="0"),
        Column("amount", _Money, nullable=False, server_default="0"),
        Column("amount_including_tax", _Money, nullable=False, server_default="0"),
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
    Column("shopify_fulfillment_id", _BigInteger, nullable=False, server_default="0"),
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
    Column("shopify_refund_id", _BigInteger),
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
# --- ERP (shopops/erp): end -----------------------------------------------------------------------------

# --- Shopify order mirror (shopops/sync: sync-orders, sync-payouts): begin --------------------------------
# Shopify ids are the numeric part of the GID (BigInteger); every key starts with the shop code, because
# two shop cards may point at the same Shopify shop (BC's STORE and POS cards).
from sqlalchemy import BigInteger, PrimaryKeyConstraint, UniqueConstraint  # noqa: E402

from shopops.store.types import Money  # noqa: E402

ORDER_IMPORT_ACTIONS = ("new", "update")


def _shop_fk() -> Column[str]:
    return Column("shop_code", String(20), ForeignKey("shop.code", ondelete="CASCADE"), nullable=False)


def _flag(name: str) -> Column[bool]:
    return Column(name, Boolean, nullable=False, server_default=text("false"))


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

shopify_payout = Table(
    "shopify_payout",
    metadata,
    _shop_fk(),
    Column("id", BigInteger, nullable=False),
    Column("status", String(20)),
    Column("issued_at", UTCDateTime),
    Column("transaction_type", String(20)),
    Column("currency_code", String(3)),
    Column("net_amount", Money),
    Column("gross_amount", Money),
    Column("charges_gross", Money),
    Column("charges_fee", Money),
    Column("refunds_gross", Money),
    Column("refunds_fee", Money),
    Column("adjustments_gross", Money),
    Column("adjustments_fee", Money),
    Column("external_trace_id", String(100)),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_payout"),
)

shopify_balance_transaction = Table(
    "shopify_balance_transaction",
    metadata,
    _shop_fk(),
    Column("id", BigInteger, nullable=False),
    Column("type", String(40)),
    _flag("test"),
    Column("transaction_date", UTCDateTime),
    Column("currency_code", String(3)),
    Column("amount", Money),
    Column("fee", Money),
    Column("net", Money),
    Column("source_id", BigInteger),
    Column("source_type", String(40)),
    Column("source_order_transaction_id", BigInteger),
    Column("order_id", BigInteger),
    Column("payout_id", BigInteger),
    Column("payout_status", String(20)),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_balance_transaction"),
)
Index(
    "ix_shopify_balance_transaction_payout",
    shopify_balance_transaction.c.shop_code,
    shopify_balance_transaction.c.payout_id,
)

shopify_dispute = Table(
    "shopify_dispute",
    metadata,
    _shop_fk(),
    Column("id", BigInteger, nullable=False),
    Column("order_id", BigInteger),
    Column("status", String(30)),
    Column("type", String(30)),
    Column("amount", Money),
    Column("currency_code", String(3)),
    Column("reason", String(50)),
    Column("network_reason_code", String(20)),
    Column("initiated_at", UTCDateTime),
    Column("evidence_due_by", UTCDateTime),
    Column("evidence_sent_on", UTCDateTime),
    Column("finalized_on", UTCDateTime),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_dispute"),
)
# --- Shopify order mirror (shopops/sync: sync-orders, sync-payouts): end ----------------------------------

# --- order to cash additions (migration 0003): begin ------------------------------------------------------
# --- order to cash additions (migration 0003): end --------------------------------------------------------

# --- catalog (migration 0004): begin -----------------------------------------------------------------------
# Shopify locations mapped to ERP location filters, the product/variant mirror that maps Shopify variants to
# ERP items (sync-products, sync-inventory), Shopify's stock per level (BC's Shop Inventory) and a minimal
# ERP price list (the ERP has none of its own yet).
from sqlalchemy import Date  # noqa: E402

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
# --- catalog (migration 0004): end -------------------------------------------------------------------------

# --- customers and images (migration 0005): begin ------------------------------------------------------
# The customer mirror that links Shopify customers to ERP customers (sync-customers), ERP item pictures and
# the media each was sent as or taken from (sync-images).
from sqlalchemy import LargeBinary  # noqa: E402

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
# --- customers and images (migration 0005): end --------------------------------------------------------

# --- tax rates (migration 0006): begin -------------------------------------------------------------------
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
# --- tax rates (migration 0006): end ---------------------------------------------------------------------

__all__ = [
    "ENTRY_STATUSES",
    "LOG_STATUSES",
    "job_queue_category",
    "job_queue_entry",
    "job_queue_log_entry",
    "job_queue_worker",
    "metadata",
    "shop",
    "skipped_record",
    "sync_cursor",
]
