"""catalog (products, prices, inventory, images, customers)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import shopops.store.types  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- catalog: begin
    pass
    # --- catalog: end


def downgrade() -> None:
    # --- catalog (drop, reverse order): begin
    pass
    # --- catalog (drop, reverse order): end
