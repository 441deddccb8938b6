"""Shopify Payments (``shopops.sync.payouts``): payouts, balance transactions and disputes."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
)

from shopops.store.tables.base import _flag, _shop_fk, metadata
from shopops.store.types import Money, UTCDateTime

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
