"""webhooks: the events the receiver accepted (deduplicated by event id) and the pending entry per shop

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("topic", sa.String(length=50), nullable=False),
        sa.Column("webhook_id", sa.String(length=100), nullable=True),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        sa.Column("order_updated_at", shopops.store.types.UTCDateTime(), nullable=True),
        sa.Column("triggered_at", shopops.store.types.UTCDateTime(), nullable=True),
        sa.Column("received_at", shopops.store.types.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claim", sa.String(length=64), nullable=True),
        sa.Column("done_at", shopops.store.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'claimed', 'done', 'stale')", name=op.f("ck_webhook_event_status")),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_webhook_event_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_event")),
        sa.UniqueConstraint("shop_code", "event_id", "topic", name="uq_webhook_event_event"),
    )
    op.create_index("ix_webhook_event_pending", "webhook_event", ["shop_code", "status"], unique=False)
    op.create_index("ix_webhook_event_order", "webhook_event", ["shop_code", "order_id"], unique=False)
    op.create_table(
        "webhook_trigger",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("report", sa.String(length=100), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_webhook_trigger_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "report", name=op.f("pk_webhook_trigger")),
    )


def downgrade() -> None:
    op.drop_table("webhook_trigger")
    op.drop_index("ix_webhook_event_order", table_name="webhook_event")
    op.drop_index("ix_webhook_event_pending", table_name="webhook_event")
    op.drop_table("webhook_event")
