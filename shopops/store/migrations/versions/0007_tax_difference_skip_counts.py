"""Shopify's tax on every sales line (tax_difference), and one skipped-record row per record and reason

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LINE_TABLES = ("erp_sales_line", "erp_posted_invoice_line", "erp_posted_credit_memo_line")


def upgrade() -> None:
    for table in LINE_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "tax_difference",
                    shopops.store.types.Money(precision=18, scale=4),
                    nullable=False,
                    server_default="0",
                )
            )
    with op.batch_alter_table("skipped_record") as batch:
        batch.add_column(sa.Column("count", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("last_seen_at", shopops.store.types.UTCDateTime(), nullable=True))
        batch.create_index("ix_skipped_record_record", ["record_type", "record_id"], unique=False)
    op.execute("UPDATE skipped_record SET last_seen_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("skipped_record") as batch:
        batch.drop_index("ix_skipped_record_record")
        batch.drop_column("last_seen_at")
        batch.drop_column("count")
    for table in reversed(LINE_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("tax_difference")
