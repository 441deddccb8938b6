"""What workers and the scheduler print: one line per run, written in bursts, and one line per outage.

A run's line says what ran, for which shop, how it went, what it counted and cost, and what happens next.
Quick runs end in their hundreds a second: a line written (and flushed) on its own after each run woke the
reader of a piped stderr each time. So the lines of a batch go to each plain stream handler in one write
and one flush.

A database that goes away for a moment (a restart, a failover, a terminated backend) is not a bug.
Workers and the scheduler retry on their own once the database is back; what an operator needs then is
one line saying what happened, not a traceback on every heartbeat and tick. Anything else is still
logged whole.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter, deque
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from shopops.queue.model import JobEntry, Outcome, Status, next_state
from shopops.queue.store import Finished

log = logging.getLogger("shopops.queue")
#: One line per run (INFO on success, WARNING on failure); the command line shows it at its default level.
runs_log = logging.getLogger("shopops.runs")


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment is not None else "now"


def run_line(entry: JobEntry, outcome: Outcome | None, error: str | None, seconds: float, now: dt.datetime) -> str:
    """One run as one line: entry, report, shop, outcome, seconds, records, API cost, what happens next,
    and on failure the error's first line."""
    where = f" for {entry.shop}" if entry.shop else ""
    line = f"#{entry.id} {entry.report}{where}: {'error' if error else 'success'} in {seconds:.1f}s"
    if outcome is not None:
        counts = [
            f"{name} {value:g}"
            for name, value in outcome.stats.items()
            if isinstance(value, int | float) and not isinstance(value, bool) and value
        ]
        # short notes too (sync-orders' read path); long ones (bulk operation ids) stay in the log entry
        notes = [f"{k} {v}" for k, v in outcome.stats.items() if isinstance(v, str) and len(v) <= 40]
        line += f", {', '.join(counts + notes) or 'nothing'}, API cost {outcome.api_cost:g}"
    if error is None and entry.recurrence is None:
        return line  # a one-off success is finished: nothing comes next
    after = next_state(entry, now, error)
    start = after.get("earliest_start_at")
    if error is None:
        return line + (f"; next run {_when(start)}" if start is not None else "")
    if after["status"] == Status.ERROR.value:
        then = f"attempt {entry.attempts} of {entry.max_attempts}; the entry is now in error"
    elif after.get("attempts") == 0:
        then = f"attempt {entry.attempts} of {entry.max_attempts}; schedule kept, next run {_when(start)}"
    else:
        then = f"attempt {entry.attempts} of {entry.max_attempts}; retry at {_when(start)}"
    first = error.strip().splitlines()[0] if error.strip() else "error"
    return f"{line} ({then}): {first[:300]}"


def handle_all(logger: logging.Logger, records: Sequence[logging.LogRecord]) -> None:
    """What ``logger.handle`` does for each record (logger filters, handler levels and filters, propagation,
    the last-resort handler), with one write and one flush per plain ``StreamHandler`` for all of them."""
    if logger.disabled:
        return
    kept = [record for record in records if logger.filter(record)]
    if not kept:
        return
    found = False
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            found = True
            due = [record for record in kept if record.levelno >= handler.level]
            if type(handler) is logging.StreamHandler:
                _write_together(handler, due)
            else:
                for record in due:
                    handler.handle(record)
        current = current.parent if current.propagate else None
    if not found and logging.lastResort is not None:
        for record in kept:
            if record.levelno >= logging.lastResort.level:
                logging.lastResort.handle(record)


def _write_together(handler: logging.StreamHandler[TextIO], records: Sequence[logging.LogRecord]) -> None:
    """Format the records this handler's filters let through and write them as one string."""
    text: list[str] = []
    for record in records:
        passed = handler.filter(record)
        if not passed:
            continue
        if isinstance(passed, logging.LogRecord):  # Python 3.12: a filter may hand back another record
            record = passed
        try:
            text.append(handler.format(record) + handler.terminator)
        except Exception:
            handler.handleError(record)
    if not text:
        return
    handler.acquire()
    try:
        handler.stream.write("".join(text))
        handler.flush()
    except RecursionError:
        raise
    except Exception:
        handler.handleError(records[-1])
    finally:
        handler.release()


class RunLines:
    """The one line per run, each written once its run is (so a line never says more than the database
    knows), in bursts: by the thread that wrote a batch's finishes, right after it, and so at most
    FLUSH_AFTER_S after the run.

    A line written at once after each quick run cost a third of its cycle when stderr is a pipe: every write
    woke the reader. Written together, the lines of a batch wake it about once. They keep the order of the
    runs: one thread writes at a time, and a line waits for the lines of the runs before it.
    """

    def __init__(self) -> None:
        self._queue: deque[tuple[int, JobEntry, Outcome | None, str | None, float, dt.datetime]] = deque()
        self._stored: Counter[int] = Counter()  # entry id: runs of it whose finish is written, line not yet
        self._lock = threading.Lock()
        self._writing = threading.Lock()

    def add(
        self, level: int, entry: JobEntry, outcome: Outcome | None, error: str | None, took: float, at: dt.datetime
    ) -> None:
        """Queue one run's line (a deque's append: safe from any thread)."""
        self._queue.append((level, entry, outcome, error, took, at))

    def stored(self, done: Sequence[Finished]) -> None:
        """These runs' finishes are written: their lines may go."""
        if done:
            with self._lock:
                self._stored.update(item.entry.id for item in done)

    def write(self, *, every: bool = False) -> None:
        """Write the queued lines of written runs, oldest first; at once if another thread is writing them
        already. ``every``: all of them, after the thread writing now if any (on the way out)."""
        if not self._queue or not self._writing.acquire(blocking=every):
            return
        try:
            due = []
            with self._lock:
                while self._queue:
                    entry_id = self._queue[0][1].id
                    left = self._stored.pop(entry_id, 0)
                    if left > 1:
                        self._stored[entry_id] = left - 1
                    elif not left and not every:
                        break
                    due.append(self._queue.popleft())
            records = []
            for level, entry, outcome, error, took, at in due:
                try:
                    line = run_line(entry, outcome, error, took, at)
                except Exception:  # a line that cannot be built must not stop the others
                    log.debug("run line of entry %s failed", entry.id, exc_info=True)
                    continue
                # what runs_log.log(level, line) makes, less the look for its caller up the stack
                records.append(runs_log.makeRecord(runs_log.name, level, __file__, 0, line, (), None, "write"))
            handle_all(runs_log, records)
        finally:
            self._writing.release()


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` says the database connection was lost or could not be made."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError)


def log_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """Log a failed step of the loop: one line for a database outage (it is retried), the traceback else."""
    if is_outage(exc):
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        log.warning("%s: the database is unreachable (%s); retrying", what, reason[0] if reason else type(exc).__name__)
    else:
        log.error("%s", what, exc_info=exc)
