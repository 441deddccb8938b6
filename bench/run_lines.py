"""What a worker's one line per run costs: written one by one (``logger.handle`` per record, the standard
formatter) against in batches (``handle_all``, the command line's ``LineFormatter``), into a pipe that
another thread reads, as a worker's stderr is read by whatever runs it.

    python bench/run_lines.py                 # 200,000 lines in batches of 64
    python bench/run_lines.py --lines 50000 --batch 256

Prints microseconds a line for each way, and the ratio. It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import threading
import time

from shopops.cli.base import LOG_FORMAT, LineFormatter
from shopops.queue.log_lines import handle_all, run_line
from shopops.queue.model import JobEntry, Outcome, Status


def entry(entry_id: int, now: dt.datetime) -> JobEntry:
    return JobEntry(
        id=entry_id,
        report="noop",
        shop=None,
        parameters={},
        description="",
        category=None,
        priority=0,
        status=Status.IN_PROCESS,
        earliest_start_at=now,
        expiration_at=None,
        recurrence=None,
        max_attempts=3,
        attempts=1,
        rerun_delay_s=60,
    )


def pipe_handler(formatter: logging.Formatter) -> tuple[logging.StreamHandler, threading.Thread, int]:  # type: ignore[type-arg]
    """A stream handler writing into a pipe, and the thread that reads the pipe until it closes."""
    read_fd, write_fd = os.pipe()
    reader = threading.Thread(target=lambda: _drain(read_fd), daemon=True)
    reader.start()
    handler = logging.StreamHandler(os.fdopen(write_fd, "w"))
    handler.setFormatter(formatter)
    return handler, reader, write_fd


def _drain(fd: int) -> None:
    with os.fdopen(fd, "rb", buffering=0) as stream:
        while stream.read(65536):
            pass


def measure(lines: int, batch: int, batched: bool) -> float:
    """Seconds a line, building each line and writing it, one way or the other."""
    formatter = LineFormatter(LOG_FORMAT) if batched else logging.Formatter(LOG_FORMAT)
    handler, reader, _ = pipe_handler(formatter)
    logger = logging.getLogger(f"bench.runs.{'batched' if batched else 'single'}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    outcome, now = Outcome(), dt.datetime.now(dt.UTC)
    entries = [entry(i, now) for i in range(batch)]
    started = time.perf_counter()
    for _ in range(lines // batch):
        records = [
            logger.makeRecord(logger.name, logging.INFO, __file__, 0, run_line(e, outcome, None, 0.0, now), (), None)
            for e in entries
        ]
        if batched:
            handle_all(logger, records)
        else:
            for record in records:
                logger.handle(record)
    took = time.perf_counter() - started
    logger.removeHandler(handler)
    handler.stream.close()
    reader.join()
    return took / (lines // batch * batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    single = measure(args.lines, args.batch, batched=False)
    batched = measure(args.lines, args.batch, batched=True)
    print(f"run lines into a pipe, {args.lines:,} lines, batches of {args.batch}")
    print(f"  one by one (logger.handle, standard formatter): {single * 1e6:6.2f} us a line")
    print(f"  batched (handle_all, LineFormatter):            {batched * 1e6:6.2f} us a line")
    print(f"  ratio one by one / batched: {single / batched:.2f}x")


if __name__ == "__main__":
    main()
