"""What the webhook receiver keeps (``shopops.webhooks``): every event it accepted, once, and the one
pending sync entry per shop and report those events wait for. ``sync-orders`` claims the events it reads
and counts, when it reconciles, the changes no event had announced."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from shopops.store.tables.base import _in, metadata
from shopops.store.types import UTCDateTime

WEBHOOK_EVENT_STATUSES = ("pending", "claimed", "done", "stale")

webhook_event = Table(
    "webhook_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shop_code", String(20), ForeignKey("shop.code", ondelete="CASCADE"), nullable=False),
    # X-Shopify-Event-Id: one per event and topic, kept by retries and duplicates (the dedupe key)
    Column("event_id", String(100), nullable=False),
    Column("topic", String(50), nullable=False),
    Column("webhook_id", String(100)),
    # the order the event is about (orders/* and refunds/create), and its updated_at as the payload says
    Column("order_id", BigInteger),
    Column("order_updated_at", UTCDateTime),
    Column("triggered_at", UTCDateTime),
    Column("received_at", UTCDateTime, nullable=False),
    # pending -> claimed (a sync-orders run is reading it) -> done; stale: older than what the mirror holds
    Column("status", String(20), nullable=False),
    Column("claim", String(64)),
    Column("done_at", UTCDateTime),
    UniqueConstraint("shop_code", "event_id", "topic", name="uq_webhook_event_event"),
    CheckConstraint(_in("status", WEBHOOK_EVENT_STATUSES), name="status"),
)
Index("ix_webhook_event_pending", webhook_event.c.shop_code, webhook_event.c.status)
Index("ix_webhook_event_order", webhook_event.c.shop_code, webhook_event.c.order_id)

webhook_trigger = Table(
    "webhook_trigger",
    metadata,
    # BC's "a ready entry exists" check: the queue entry the shop's next events join instead of adding one
    Column("shop_code", String(20), ForeignKey("shop.code", ondelete="CASCADE"), primary_key=True),
    Column("report", String(100), primary_key=True),
    Column("entry_id", Integer),
    Column("updated_at", UTCDateTime, nullable=False),
)
