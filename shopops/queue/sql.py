"""The queue's hot statements, written out per dialect: claim, open the run's log entry, finish.

They run for every job, so they are plain SQL sent through the driver (no expression building per call)
and kept here, named, where a reader can see exactly what each backend executes. Values are bound in
the storage format SQLAlchemy's column types use, so the rest of shopops reads them as usual.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from shopops.queue.model import STATUS_BY_VALUE, JobEntry

UTC = dt.UTC
# SQLAlchemy's DateTime text on SQLite (YYYY-MM-DD HH:MM:SS.ffffff, ordered as text, naive UTC) is what
# isoformat gives with a space and microseconds; it is twice as quick as strftime, and runs 4 times a job
SQLITE_TIME_SEP = " "
SQLITE_TIME_SPEC = "microseconds"
_SQLITE_TIME_LEN = len("2026-01-01 00:00:00.000000")  # what isoformat gives before its "+00:00"
_UTC_SUFFIX = "+00:00"  # fromisoformat(text + it) is 6 times as quick as fromisoformat(text).replace(tzinfo=UTC)

ENTRY_COLUMNS = (
    "id",
    "report",
    "shop_code",
    "parameters",
    "description",
    "category_code",
    "priority",
    "status",
    "earliest_start_at",
    "expiration_at",
    "recurring",
    "weekdays",
    "starting_time",
    "ending_time",
    "every_minutes",
    "date_formula",
    "timezone",
    "max_attempts",
    "attempts",
    "rerun_delay_s",
    "worker_id",
    "scheduled_at",
    "last_error",
    "stop_on_error",
)
_TIME_COLUMNS = {"earliest_start_at", "expiration_at", "scheduled_at"}
_ENTRY_WIDTH = len(ENTRY_COLUMNS)
_RETURNING = ", ".join(ENTRY_COLUMNS)

_CANDIDATE = """
    SELECT j.id FROM job_queue_entry j
    WHERE j.status IN ('ready', 'waiting')
      AND j.earliest_start_at <= {now}
      AND (j.expiration_at IS NULL OR j.expiration_at > {now})
      AND (j.category_code IS NULL OR NOT EXISTS (
            SELECT 1 FROM job_queue_entry o WHERE o.category_code = j.category_code AND o.status = 'in_process'))
    ORDER BY j.priority, j.id
    LIMIT 1 {lock}
"""

_CANDIDATES = """
    SELECT j.id, j.category_code FROM job_queue_entry j
    WHERE j.status IN ('ready', 'waiting')
      AND j.earliest_start_at <= {now}
      AND (j.expiration_at IS NULL OR j.expiration_at > {now})
      AND (j.category_code IS NULL OR NOT EXISTS (
            SELECT 1 FROM job_queue_entry o WHERE o.category_code = j.category_code AND o.status = 'in_process'))
    ORDER BY j.priority, j.id
    LIMIT {limit} {lock}
"""

# {status} is ``+status`` on SQLite: without the unary plus its planner answers ``id IN (...) AND status IN
# (...)`` by walking every ready entry in ix_job_queue_entry_claim (a cost that grows with the queue's depth:
# 17 us a job at 20,000 entries, against 8 us by the ids' rowids)
_CLAIM_IDS = """
UPDATE job_queue_entry
SET status = 'in_process', worker_id = {w}, claimed_at = {now}, scheduled_at = earliest_start_at,
    attempts = attempts + 1, progress = NULL, updated_at = {now}
WHERE id IN ({ids}) AND {status} IN ('ready', 'waiting')
RETURNING {returning}
"""

_CLAIM = """
UPDATE job_queue_entry
SET status = 'in_process', worker_id = {w}, claimed_at = {now}, scheduled_at = earliest_start_at,
    attempts = attempts + 1, progress = NULL, updated_at = {now}
WHERE id = ({candidate})
RETURNING {returning}
"""

# PostgreSQL: claim one entry and open its log entry in a single statement, so that an idle worker's
# claim is one round trip in autocommit (no BEGIN, no COMMIT): what decides enqueue-to-start latency
_CLAIM_LOGGED = """
WITH claimed AS (
    UPDATE job_queue_entry
    SET status = 'in_process', worker_id = {w}, claimed_at = {now}, scheduled_at = earliest_start_at,
        attempts = attempts + 1, progress = NULL, updated_at = {now}
    WHERE id = ({candidate})
    RETURNING {returning}
), logged AS (
    INSERT INTO job_queue_log_entry
        (entry_id, report, shop_code, category_code, description, parameters, attempt, scheduled_at, started_at,
         status, worker_id, foreground)
    SELECT id, report, shop_code, category_code, description, parameters, attempts, scheduled_at, {now},
           'in_process', {w}, false
    FROM claimed
    RETURNING id
)
SELECT {returning}, (SELECT id FROM logged) FROM claimed
"""

# open the log entries of a batch of just-claimed entries in one statement (the caller pairs them by entry_id)
_OPEN_LOGS = """
INSERT INTO job_queue_log_entry
    (entry_id, report, shop_code, category_code, description, parameters, attempt, scheduled_at, started_at,
     status, worker_id, foreground)
SELECT id, report, shop_code, category_code, description, parameters, attempts, scheduled_at, {now},
       'in_process', {w}, {false}
FROM job_queue_entry
WHERE id IN ({ids})
RETURNING id, entry_id
"""

_FINISH_ENTRY = """
UPDATE job_queue_entry
SET status = {status}, earliest_start_at = COALESCE({next_start}, earliest_start_at),
    attempts = COALESCE({attempts}, attempts), last_error = {last_error}, worker_id = NULL, progress = NULL,
    updated_at = {now}
WHERE id = {id} AND status = 'in_process' AND worker_id = {w}
"""

_FINISH_LOG = """
UPDATE job_queue_log_entry
SET status = {status}, started_at = COALESCE({started}, started_at), ended_at = COALESCE({ended}, {now}),
    error_message = {error}, traceback = {traceback}, stats = {stats}, api_cost = {api_cost}
WHERE id = {log_id} AND status = 'in_process'
"""

_ACTIVATE_WAITING = """
UPDATE job_queue_entry SET status = 'ready' WHERE category_code = {category} AND status = 'waiting'
"""


def _render(template: str, postgres: bool, **extra: str) -> str:
    """Fill placeholders: the dialect's clock, given fragments, and named parameters in the driver's style."""
    fixed = {"now": "clock_timestamp()" if postgres else ":now", "false": "false" if postgres else "0", **extra}
    names = {name for name in re.findall(r"{(\w+)}", template) if name not in fixed}
    values = {**{n: (f"%({n})s" if postgres else f":{n}") for n in names}, **fixed}
    return template.format(**values)


_encode = json.JSONEncoder(sort_keys=True, default=str).encode


class Statements:
    """The hot statements for one dialect, rendered once."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        candidate = _CANDIDATE.format(
            now="now()" if postgres else ":now", lock="FOR UPDATE SKIP LOCKED" if postgres else ""
        )
        self.claim = _render(_CLAIM, postgres, candidate=candidate, returning=_RETURNING)
        self.claim_logged = (
            _render(_CLAIM_LOGGED, postgres, candidate=candidate, returning=_RETURNING) if postgres else None
        )
        self.finish_entry = _render(_FINISH_ENTRY, postgres)
        self.finish_log = _render(_FINISH_LOG, postgres)
        self.activate_waiting = _render(_ACTIVATE_WAITING, postgres)
        self.candidates = _render(
            _CANDIDATES,
            postgres,
            now="now()" if postgres else ":now",
            lock="FOR UPDATE SKIP LOCKED" if postgres else "",
        )
        self._claim_ids: dict[int, str] = {}
        self._open_logs: dict[int, str] = {}
        self._positional: dict[str, tuple[str, Callable[[Mapping[str, Any]], tuple[Any, ...]]]] = {}

    def bind(self, statement: str, params: Sequence[Mapping[str, Any]]) -> tuple[str, Sequence[Any]]:
        """``statement`` and rows of named parameters for ``exec_driver_sql``: as they are on PostgreSQL; on
        SQLite the statement with positional ``?`` and each row a tuple in their order. sqlite3 binds a named
        parameter by looking its name up in the row's mapping, and that was a third of a batch's finish."""
        if self.postgres:
            return statement, params
        found = self._positional.get(statement)
        if found is None:
            names = re.findall(r":(\w+)", statement)
            getter = operator.itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
            found = self._positional[statement] = (re.sub(r":\w+", "?", statement), getter)
        text, getter = found
        return text, [getter(row) for row in params]

    def claim_ids(self, count: int) -> str:
        """The claim of ``count`` chosen ids (parameters i0, i1, ...)."""
        if count not in self._claim_ids:
            ids = ", ".join((f"%(i{n})s" if self.postgres else f":i{n}") for n in range(count))
            status = "status" if self.postgres else "+status"
            self._claim_ids[count] = _render(_CLAIM_IDS, self.postgres, ids=ids, status=status, returning=_RETURNING)
        return self._claim_ids[count]

    def open_logs(self, count: int) -> str:
        """Open the log entries of ``count`` claimed ids (parameters i0, i1, ...)."""
        if count not in self._open_logs:
            ids = ", ".join((f"%(i{n})s" if self.postgres else f":i{n}") for n in range(count))
            self._open_logs[count] = _render(_OPEN_LOGS, self.postgres, ids=ids)
        return self._open_logs[count]

    # --- values in and out -------------------------------------------------------------------------------

    def time(self, value: dt.datetime | None) -> Any:
        """A time as this dialect stores it."""
        if value is None or self.postgres:
            return value
        if value.tzinfo is not UTC:  # the clock's own times are in UTC already: no conversion, no copy
            value = value.astimezone(UTC)
        return value.isoformat(SQLITE_TIME_SEP, SQLITE_TIME_SPEC)[:_SQLITE_TIME_LEN]

    def now(self, at: dt.datetime | None = None) -> dict[str, Any]:
        """The ``now`` parameter, the clock's or ``at`` (SQLite only: PostgreSQL uses its own clock)."""
        return {} if self.postgres else {"now": self.time(at or dt.datetime.now(UTC))}

    @staticmethod
    def json(value: Any) -> str | None:
        """JSON text as JSONText stores it (``json.dumps(value, sort_keys=True, default=str)``, with the encoder
        made once: dumps builds a new one on every call that passes options)."""
        return None if value is None else _encode(value)

    def entry(self, row: Sequence[Any], log_id: int | None = None) -> JobEntry:
        """A claimed row (ENTRY_COLUMNS in order, maybe more after them) as a JobEntry, without the mapping
        ``entry_row`` builds first: a batch converts hundreds of them. A recurring entry goes the long way."""
        (
            entry_id,
            report,
            shop,
            parameters,
            description,
            category,
            priority,
            status,
            earliest_start_at,
            expiration_at,
            recurring,
            *_recurrence,
            max_attempts,
            attempts,
            rerun_delay_s,
            worker_id,
            scheduled_at,
            last_error,
            stop_on_error,
        ) = row[:_ENTRY_WIDTH]
        if recurring:
            return JobEntry.from_row(self.entry_row(row), log_id=log_id)
        return JobEntry(
            entry_id,
            report,
            shop,
            json.loads(parameters) if parameters and parameters != "{}" else {},
            description or "",
            category,
            priority,
            STATUS_BY_VALUE[status],
            self._read_time(earliest_start_at),
            self._read_time(expiration_at),
            None,
            max_attempts,
            attempts,
            rerun_delay_s,
            worker_id,
            self._read_time(scheduled_at),
            last_error,
            bool(stop_on_error),
            log_id,
        )

    @staticmethod
    def _read_time(value: Any) -> Any:
        """A stored time as an aware UTC datetime (SQLite hands back text, PostgreSQL maybe a naive datetime)."""
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value + _UTC_SUFFIX)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def entry_row(self, row: Any) -> dict[str, Any]:
        """A claimed row as the mapping JobEntry.from_row reads (``row`` may carry more columns after them)."""
        out = dict(zip(ENTRY_COLUMNS, row, strict=False))
        for name in _TIME_COLUMNS:
            value = out[name]
            if isinstance(value, str):
                out[name] = dt.datetime.fromisoformat(value + _UTC_SUFFIX)
            elif isinstance(value, dt.datetime) and value.tzinfo is None:
                out[name] = value.replace(tzinfo=UTC)
        parameters = out["parameters"]
        out["parameters"] = json.loads(parameters) if parameters and parameters != "{}" else {}
        out["recurring"] = bool(out["recurring"])
        out["stop_on_error"] = bool(out["stop_on_error"])
        return out
