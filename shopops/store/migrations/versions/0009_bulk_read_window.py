"""sync-orders: the windows of a bulk read in progress, with their bulk operation ids, so a killed run resumes

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulk_read_window",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("part", sa.String(length=20), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("window_from", shopops.store.types.UTCDateTime(), nullable=True),
        sa.Column("window_to", shopops.store.types.UTCDateTime(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=True),
        sa.Column("cursor_to", shopops.store.types.UTCDateTime(), nullable=False),
        sa.Column("operation_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("objects", sa.Integer(), nullable=True),
        sa.Column("orders", sa.Integer(), nullable=True),
        sa.Column("created_at", shopops.store.types.UTCDateTime(), nullable=False),
        sa.Column("read_at", shopops.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_bulk_read_window_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_read_window")),
    )
    op.create_index("ix_bulk_read_window_shop", "bulk_read_window", ["shop_code", "kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_bulk_read_window_shop", table_name="bulk_read_window")
    op.drop_table("bulk_read_window")
