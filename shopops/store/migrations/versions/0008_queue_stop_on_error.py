"""job queue: a recurring entry that fails keeps its recurrence unless it says stop_on_error

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # false for every entry there is: a recurring entry that fails now keeps its schedule, as docs say
    op.add_column(
        "job_queue_entry", sa.Column("stop_on_error", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("job_queue_entry", schema=None) as batch_op:
        batch_op.drop_column("stop_on_error")
