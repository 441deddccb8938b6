"""What the job queue holds: entries, their statuses, and what a run hands back."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from shopops.queue.recurrence import Recurrence

PRIORITY_HIGH = 1000
PRIORITY_NORMAL = 2000
PRIORITY_LOW = 3000
PRIORITIES = {"high": PRIORITY_HIGH, "normal": PRIORITY_NORMAL, "low": PRIORITY_LOW}
MAX_ATTEMPTS_LIMIT = 10
MAX_RERUN_DELAY_S = 3600
#: A run lost with its worker (killed, host gone) gets this many tries more than ``max_attempts`` allows:
#: the run did not fail, it was cut off, so it is tried once more before the entry goes to error.
LOST_RUN_RETRIES = 1


class Status(enum.StrEnum):
    """Business Central's job queue entry statuses."""

    READY = "ready"
    IN_PROCESS = "in_process"
    ERROR = "error"
    ON_HOLD = "on_hold"
    FINISHED = "finished"
    WAITING = "waiting"


class LogStatus(enum.StrEnum):
    """A run's status in the log."""

    IN_PROCESS = "in_process"
    SUCCESS = "success"
    ERROR = "error"


STATUS_BY_VALUE = {status.value: status for status in Status}  # a dict look-up: a tenth of Status(value)


@dataclass(frozen=True)
class JobEntry:
    """One job queue entry as stored; prints as a sentence a person can read."""

    id: int
    report: str
    shop: str | None
    parameters: Mapping[str, Any]
    description: str
    category: str | None
    priority: int
    status: Status
    earliest_start_at: dt.datetime
    expiration_at: dt.datetime | None
    recurrence: Recurrence | None
    max_attempts: int
    attempts: int
    rerun_delay_s: int
    worker_id: str | None = None
    scheduled_at: dt.datetime | None = None
    last_error: str | None = None
    stop_on_error: bool = False
    log_id: int | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, row: Mapping[Any, Any], log_id: int | None = None) -> JobEntry:
        """An entry from a job_queue_entry row."""
        return cls(
            id=row["id"],
            report=row["report"],
            shop=row["shop_code"],
            parameters=row["parameters"] or {},
            description=row["description"] or "",
            category=row["category_code"],
            priority=row["priority"],
            status=STATUS_BY_VALUE[row["status"]],
            earliest_start_at=row["earliest_start_at"],
            expiration_at=row["expiration_at"],
            recurrence=Recurrence.from_columns(row) if row.get("recurring") else None,
            max_attempts=row["max_attempts"],
            attempts=row["attempts"],
            rerun_delay_s=row["rerun_delay_s"],
            worker_id=row["worker_id"],
            scheduled_at=row["scheduled_at"],
            last_error=row["last_error"],
            stop_on_error=bool(row.get("stop_on_error", False)),
            log_id=log_id,
        )

    @property
    def recurring(self) -> bool:
        """True when the entry runs on a schedule."""
        return self.recurrence is not None

    def __repr__(self) -> str:
        where = f" for {self.shop}" if self.shop else ""
        schedule = f", {self.recurrence}" if self.recurrence else ""
        nxt = self.earliest_start_at.strftime("%Y-%m-%d %H:%M UTC")
        category = f" [{self.category}]" if self.category else ""
        return f"#{self.id} {self.report}{where}{category}{schedule}, next {nxt}, {self.status.value}"


def next_state(entry: JobEntry, now: dt.datetime, error: str | None, *, lost: bool = False) -> dict[str, Any]:
    """What an entry becomes after a run: the column values to store (status, next start, attempts, error).

    Success: a recurring entry is ready at its next scheduled time (attempts reset), a one-off finished.
    Failure: ready again after the rerun delay while attempts remain (BC waits the delay plus 10^attempts
    ms); a run ``lost`` with its worker gets ``LOST_RUN_RETRIES`` more. When they are spent a one-off
    goes to error; a recurring entry keeps its schedule (ready at its next time, attempts reset, the
    error kept for all to see) unless it sets ``stop_on_error``, and then goes to error as in BC.
    """
    if error is None:
        if entry.recurrence is not None:
            return {
                "status": Status.READY.value,
                "earliest_start_at": entry.recurrence.next_run(entry.scheduled_at or entry.earliest_start_at, now),
                "attempts": 0,
                "last_error": None,
            }
        return {"status": Status.FINISHED.value, "last_error": None}
    allowed = entry.max_attempts + (LOST_RUN_RETRIES if lost else 0)
    if entry.attempts < allowed:
        wait = dt.timedelta(seconds=entry.rerun_delay_s, milliseconds=10 ** min(entry.attempts, 7))
        return {"status": Status.READY.value, "earliest_start_at": now + wait, "last_error": error}
    if entry.recurrence is not None and not entry.stop_on_error:
        return {
            "status": Status.READY.value,
            "earliest_start_at": entry.recurrence.next_run(entry.scheduled_at or entry.earliest_start_at, now),
            "attempts": 0,
            "last_error": error,
        }
    return {"status": Status.ERROR.value, "last_error": error}


@dataclass
class Outcome:
    """What a successful run hands back to the queue: counts and the API cost it spent."""

    stats: dict[str, Any] = field(default_factory=dict)
    api_cost: float = 0.0


ProgressFn = Callable[[int, "int | None", str], None]


class Executor(Protocol):
    """Runs the report an entry names. The queue knows nothing else of reports.

    Raises on failure (the message and traceback go into the log); ``UnknownReport`` for a name the
    worker cannot run.
    """

    def __call__(self, entry: JobEntry, progress: ProgressFn) -> Outcome: ...


class UnknownReport(LookupError):
    """The entry names a report this worker does not know (a plugin missing on this host)."""
