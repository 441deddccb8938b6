"""sync state (cursors, skipped records), the ERP, and the Shopify order mirror

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_cursor",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("synced_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_sync_cursor_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "kind", name=op.f("pk_sync_cursor")),
    )
    op.create_table(
        "skipped_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("report", sa.String(length=100), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("log_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skipped_record")),
    )
    with op.batch_alter_table("skipped_record", schema=None) as batch_op:
        batch_op.create_index("ix_skipped_record_shop_report", ["shop_code", "report"], unique=False)
    _upgrade_erp()
    _upgrade_orders()


def _upgrade_erp() -> None:
    # --- ERP tables: begin
    pass
    # --- ERP tables: end


def _upgrade_orders() -> None:
    # --- order mirror tables: begin
    pass
    # --- order mirror tables: end


def downgrade() -> None:
    _downgrade_orders()
    _downgrade_erp()
    op.drop_table("skipped_record")
    op.drop_table("sync_cursor")


def _downgrade_erp() -> None:
    # --- ERP tables (drop, reverse order): begin
    pass
    # --- ERP tables (drop, reverse order): end


def _downgrade_orders() -> None:
    # --- order mirror tables (drop, reverse order): begin
    pass
    # --- order mirror tables (drop, reverse order): end
