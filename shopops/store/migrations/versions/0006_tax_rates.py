"""tax rates (sync-products converts prices between gross and net)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- tax_rates: begin
    op.create_table(
        "erp_tax_rate",
        sa.Column("business_group", sa.String(length=20), nullable=False),
        sa.Column("product_group", sa.String(length=20), nullable=False),
        sa.Column("percent", shopops.store.types.Money(precision=18, scale=4), nullable=False),
        sa.CheckConstraint("business_group <> '' AND product_group <> ''", name=op.f("ck_erp_tax_rate_codes")),
        sa.CheckConstraint(
            "CAST(percent AS NUMERIC) >= 0 AND CAST(percent AS NUMERIC) <= 100", name=op.f("ck_erp_tax_rate_percent")
        ),
        sa.PrimaryKeyConstraint("business_group", "product_group", name="pk_erp_tax_rate"),
    )
    # --- tax_rates: end


def downgrade() -> None:
    # --- tax_rates (drop, reverse order): begin
    op.drop_table("erp_tax_rate")
    # --- tax_rates (drop, reverse order): end
