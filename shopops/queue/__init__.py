"""The job queue: Business Central's semantics on SQLite or PostgreSQL. Knows nothing of Shopify."""

from __future__ import annotations

from shopops.queue.job_queue import JobQueue
from shopops.queue.model import JobEntry, LogStatus, Outcome, Status, UnknownReport
from shopops.queue.recurrence import Recurrence
from shopops.queue.worker import Worker

__all__ = ["JobEntry", "JobQueue", "LogStatus", "Outcome", "Recurrence", "Status", "UnknownReport", "Worker"]
