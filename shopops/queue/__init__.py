"""The job queue: Business Central's semantics on SQLite or PostgreSQL. Knows nothing of Shopify.

``JobQueue`` and ``Worker`` (SQLAlchemy, pandas) are imported when first used, so that reading the
queue's model, recurrence or list does not load them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from shopops.queue.model import JobEntry, LogStatus, Outcome, Status, UnknownReport
from shopops.queue.recurrence import Recurrence

if TYPE_CHECKING:
    from shopops.queue.job_queue import JobQueue
    from shopops.queue.worker import Worker

_LAZY = {"JobQueue": "shopops.queue.job_queue", "Worker": "shopops.queue.worker"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'shopops.queue' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = ["JobEntry", "JobQueue", "LogStatus", "Outcome", "Recurrence", "Status", "UnknownReport", "Worker"]
