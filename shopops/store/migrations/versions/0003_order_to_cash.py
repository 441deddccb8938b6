"""order to cash (create-sales-documents, posting, shipments, refunds)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import shopops.store.types  # noqa: F401

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- order_to_cash: begin
    pass
    # --- order_to_cash: end


def downgrade() -> None:
    # --- order_to_cash (drop, reverse order): begin
    pass
    # --- order_to_cash (drop, reverse order): end
