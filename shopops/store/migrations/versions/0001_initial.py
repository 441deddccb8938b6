"""initial schema: shops and the job queue

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 09:57:01.102923
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_queue_category",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=250), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_job_queue_category")),
    )
    op.create_table(
        "job_queue_log_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("report", sa.String(length=100), nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("category_code", sa.String(length=20), nullable=True),
        sa.Column("description", sa.String(length=250), server_default="", nullable=False),
        sa.Column("parameters", shopops.store.types.JSONText(), nullable=True),
        sa.Column("attempt", sa.Integer(), server_default="1", nullable=False),
        sa.Column("scheduled_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("traceback", sa.Text(), nullable=True),
        sa.Column("stats", shopops.store.types.JSONText(), nullable=True),
        sa.Column("api_cost", sa.Float(), nullable=True),
        sa.Column("worker_id", sa.String(length=100), nullable=True),
        sa.Column("foreground", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.CheckConstraint("status IN ('in_process', 'success', 'error')", name=op.f("ck_job_queue_log_entry_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_queue_log_entry")),
    )
    with op.batch_alter_table("job_queue_log_entry", schema=None) as batch_op:
        batch_op.create_index("ix_job_queue_log_entry_entry", ["entry_id"], unique=False)
        batch_op.create_index(
            "ix_job_queue_log_entry_open",
            ["status"],
            unique=False,
            sqlite_where=sa.text("status = 'in_process'"),
            postgresql_where=sa.text("status = 'in_process'"),
        )
        batch_op.create_index("ix_job_queue_log_entry_started", ["started_at"], unique=False)

    op.create_table(
        "job_queue_worker",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("threads", sa.Integer(), nullable=False),
        sa.Column("started_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_queue_worker")),
    )
    op.create_table(
        "shop",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=255), nullable=False),
        sa.Column("token_env", sa.String(length=100), nullable=True),
        sa.Column("secrets_file", sa.String(length=500), nullable=True),
        sa.Column("settings", shopops.store.types.JSONText(), nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_shop")),
    )
    op.create_table(
        "job_queue_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report", sa.String(length=100), nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("parameters", shopops.store.types.JSONText(), nullable=False),
        sa.Column("description", sa.String(length=250), server_default="", nullable=False),
        sa.Column("schedule_key", sa.String(length=100), nullable=True),
        sa.Column("category_code", sa.String(length=20), nullable=True),
        sa.Column("priority", sa.Integer(), server_default="2000", nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("earliest_start_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expiration_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recurring", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("weekdays", sa.String(length=7), nullable=True),
        sa.Column("starting_time", sa.String(length=8), nullable=True),
        sa.Column("ending_time", sa.String(length=8), nullable=True),
        sa.Column("every_minutes", sa.Integer(), nullable=True),
        sa.Column("date_formula", sa.String(length=40), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("max_attempts", sa.Integer(), server_default="1", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rerun_delay_s", sa.Integer(), server_default="0", nullable=False),
        sa.Column("worker_id", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("scheduled_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("progress", sa.String(length=250), nullable=True),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('ready', 'in_process', 'error', 'on_hold', 'finished', 'waiting')",
            name=op.f("ck_job_queue_entry_status"),
        ),
        sa.CheckConstraint("max_attempts >= 1 AND max_attempts <= 10", name=op.f("ck_job_queue_entry_max_attempts")),
        sa.CheckConstraint("rerun_delay_s >= 0 AND rerun_delay_s <= 3600", name=op.f("ck_job_queue_entry_rerun_delay")),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["job_queue_category.code"],
            name=op.f("fk_job_queue_entry_category_code_job_queue_category"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_queue_entry")),
        sa.UniqueConstraint("schedule_key", name=op.f("uq_job_queue_entry_schedule_key")),
    )
    with op.batch_alter_table("job_queue_entry", schema=None) as batch_op:
        batch_op.create_index("ix_job_queue_entry_category_status", ["category_code", "status"], unique=False)
        batch_op.create_index("ix_job_queue_entry_claim", ["status", "priority", "id"], unique=False)
        batch_op.create_index("ix_job_queue_entry_worker", ["worker_id"], unique=False)
        batch_op.create_index(
            "uq_job_queue_entry_one_in_process_per_category",
            ["category_code"],
            unique=True,
            sqlite_where=sa.text("status = 'in_process'"),
            postgresql_where=sa.text("status = 'in_process'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("job_queue_entry", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_job_queue_entry_one_in_process_per_category",
            sqlite_where=sa.text("status = 'in_process'"),
            postgresql_where=sa.text("status = 'in_process'"),
        )
        batch_op.drop_index("ix_job_queue_entry_worker")
        batch_op.drop_index("ix_job_queue_entry_claim")
        batch_op.drop_index("ix_job_queue_entry_category_status")

    op.drop_table("job_queue_entry")
    op.drop_table("shop")
    op.drop_table("job_queue_worker")
    with op.batch_alter_table("job_queue_log_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_job_queue_log_entry_started")
        batch_op.drop_index(
            "ix_job_queue_log_entry_open",
            sqlite_where=sa.text("status = 'in_process'"),
            postgresql_where=sa.text("status = 'in_process'"),
        )
        batch_op.drop_index("ix_job_queue_log_entry_entry")

    op.drop_table("job_queue_log_entry")
    op.drop_table("job_queue_category")
