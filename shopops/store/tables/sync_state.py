"""What every report remembers between runs (``shopops.sync.state``): cursors, the skipped-record log, and the
bulk reads of orders in progress (``shopops.sync.orders.bulk_windows``)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from shopops.store.tables.base import metadata
from shopops.store.types import UTCDateTime

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
    # one row per record and reason: how often a run passed it over, and when last
    Column("count", Integer, nullable=False, server_default="1"),
    Column("last_seen_at", UTCDateTime),
)


bulk_read_window = Table(
    "bulk_read_window",
    metadata,
    # one date window of a bulk read (sync-orders' backlogs): its Shopify bulk operation once started, so that
    # a run killed while it ran resumes that operation instead of starting over; deleted once the read is done
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_code", String(20), ForeignKey("shop.code", ondelete="CASCADE"), nullable=False),
    Column("kind", String(40), nullable=False),
    # which bulk query of the window: "orders" (SyncBulkOrders) or "refunds" (SyncBulkOrderRefunds)
    Column("part", String(20), nullable=False),
    Column("search", Text, nullable=False),
    Column("window_from", UTCDateTime),
    Column("window_to", UTCDateTime, nullable=False),
    Column("expected", Integer),
    # the cursor the read saves once every window of it is read
    Column("cursor_to", UTCDateTime, nullable=False),
    Column("operation_id", String(100)),
    Column("status", String(20), nullable=False),
    Column("objects", Integer),
    Column("orders", Integer),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),
)


Index("ix_bulk_read_window_shop", bulk_read_window.c.shop_code, bulk_read_window.c.kind)
Index("ix_skipped_record_shop_report", skipped_record.c.shop_code, skipped_record.c.report)
Index("ix_skipped_record_record", skipped_record.c.record_type, skipped_record.c.record_id)
