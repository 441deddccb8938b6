"""The job queue (``shopops.queue``): categories, entries, their run log and the workers.

The queue's state machine is held by the database itself: statuses are CHECKed and a partial unique
index allows at most one entry per category in process, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from shopops.store.tables.base import _in, metadata
from shopops.store.types import JSONText, UTCDateTime

ENTRY_STATUSES = ("ready", "in_process", "error", "on_hold", "finished", "waiting")


LOG_STATUSES = ("in_process", "success", "error")


job_queue_category = Table(
    "job_queue_category",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("description", String(250), nullable=False, server_default=""),
)


job_queue_entry = Table(
    "job_queue_entry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report", String(100), nullable=False),
    Column("shop_code", String(20)),
    Column("parameters", JSONText, nullable=False),
    Column("description", String(250), nullable=False, server_default=""),
    # the name a schedule file gives the entry, so that applying the file again updates instead of adding
    Column("schedule_key", String(100), unique=True),
    Column("category_code", String(20), ForeignKey("job_queue_category.code")),
    Column("priority", Integer, nullable=False, server_default="2000"),
    Column("status", String(20), nullable=False),
    Column("earliest_start_at", UTCDateTime, nullable=False),
    Column("expiration_at", UTCDateTime),
    # recurrence, as on BC's Job Queue Entry card
    Column("recurring", Boolean, nullable=False, server_default=text("false")),
    Column("weekdays", String(7)),  # "1111100" = Mon..Sun flags
    Column("starting_time", String(8)),  # "HH:MM" local to timezone
    Column("ending_time", String(8)),
    Column("every_minutes", Integer),
    Column("date_formula", String(40)),
    Column("timezone", String(64)),
    # attempts
    Column("max_attempts", Integer, nullable=False, server_default="1"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("rerun_delay_s", Integer, nullable=False, server_default="0"),
    # BC stops a recurring entry at its first failure (status error); shopops keeps the schedule and shows
    # the error, unless the entry asks to stop
    Column("stop_on_error", Boolean, nullable=False, server_default=text("false")),
    # runtime state
    Column("worker_id", String(100)),
    Column("claimed_at", UTCDateTime),
    Column("scheduled_at", UTCDateTime),
    Column("last_error", Text),
    Column("progress", String(250)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(_in("status", ENTRY_STATUSES), name="status"),
    CheckConstraint("max_attempts >= 1 AND max_attempts <= 10", name="max_attempts"),
    CheckConstraint("rerun_delay_s >= 0 AND rerun_delay_s <= 3600", name="rerun_delay"),
)


Index(
    "uq_job_queue_entry_one_in_process_per_category",
    job_queue_entry.c.category_code,
    unique=True,
    sqlite_where=text("status = 'in_process'"),
    postgresql_where=text("status = 'in_process'"),
)


Index(
    "ix_job_queue_entry_claim",
    job_queue_entry.c.status,
    job_queue_entry.c.priority,
    job_queue_entry.c.id,
)


Index("ix_job_queue_entry_category_status", job_queue_entry.c.category_code, job_queue_entry.c.status)


Index("ix_job_queue_entry_worker", job_queue_entry.c.worker_id)


job_queue_log_entry = Table(
    "job_queue_log_entry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # the entry may be deleted later and its log stays (as in BC), so no foreign key; a foreground run
    # that never was an entry has none
    Column("entry_id", Integer),
    Column("report", String(100), nullable=False),
    Column("shop_code", String(20)),
    Column("category_code", String(20)),
    Column("description", String(250), nullable=False, server_default=""),
    Column("parameters", JSONText),
    Column("attempt", Integer, nullable=False, server_default="1"),
    Column("scheduled_at", UTCDateTime),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Column("status", String(20), nullable=False),
    Column("error_message", Text),
    Column("traceback", Text),
    Column("stats", JSONText),
    Column("api_cost", Float),
    Column("worker_id", String(100)),
    Column("foreground", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint(_in("status", LOG_STATUSES), name="status"),
)


Index("ix_job_queue_log_entry_entry", job_queue_log_entry.c.entry_id)


Index("ix_job_queue_log_entry_started", job_queue_log_entry.c.started_at)


Index(
    "ix_job_queue_log_entry_open",
    job_queue_log_entry.c.status,
    sqlite_where=text("status = 'in_process'"),
    postgresql_where=text("status = 'in_process'"),
)


job_queue_worker = Table(
    "job_queue_worker",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("hostname", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("threads", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
)
