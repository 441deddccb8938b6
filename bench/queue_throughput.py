"""Job queue throughput and wake-up latency: shopops next to huey (SQLite) and procrastinate (PostgreSQL).

    python bench/queue_throughput.py                        # everything, 5,000 jobs a case (a few minutes)
    python bench/queue_throughput.py --quick                # small numbers, well under a minute
    python bench/queue_throughput.py --only shopops --backend sqlite --jobs 20000
    python bench/queue_throughput.py --backend sqlite --synchronous full    # SQLite at FULL only
    python bench/queue_throughput.py --pg-url postgresql://postgres@127.0.0.1:5432/test

What it measures, side by side in one run, with a no-op job everywhere:

1. Throughput: N jobs are loaded first, then the workers drain them. shopops counts a whole cycle
   (claim, run ``noop``, finish, including its per-run log entry) in worker *processes*
   (``python -m shopops worker --threads 1 --until-idle --poll 0.01``), 1 and 4 of them, and 1 process
   with 4 threads. Its entries are loaded with an earliest start 30 s ahead and released (moved to now)
   once every worker process has registered, so that interpreter start-up is not part of the figure and
   all processes begin together. ``span`` is first log start to last log end; ``wall`` is release to
   the last process exiting. The first ``min(N, 500)`` entries go through ``ws.queue.enqueue`` (timed:
   ``enq/s``); the rest are copies of that row inserted in one transaction.
   huey: ``SqliteHuey``, consumer with 1 and 4 worker threads in this process; span from the task's own
   start/end stamps (huey keeps no run log; a ``None`` result is not stored).
   procrastinate: its own scratch database, ``ANALYZE`` after loading, ``run_worker_async(wait=False)``
   with concurrency 1 and 4, an ``async`` no-op task; span from ``procrastinate_events``.
2. Latency, enqueue to start: jobs are enqueued one at a time, ``--interval-ms`` apart, into one idle,
   already running worker. shopops: log ``started_at`` minus entry ``created_at``, with the worker in
   another process (SQLite: polling, 0.1 s by default; PostgreSQL: LISTEN/NOTIFY) and in this process
   (woken directly by ``enqueue``). huey: default polling (0.1 s, backing off). procrastinate:
   LISTEN/NOTIFY. huey and procrastinate are timed the same way as shopops: the task's first line minus
   the clock just before the enqueue (procrastinate's own ``started`` minus ``deferred`` events, which
   leave out the fetch's commit, are printed in the note).

Durability is compared like for like: every SQLite case runs at each ``--synchronous`` level (default
``full,normal``) with both sides at the same level, read back from a connection and printed in the
``sync`` column. FULL syncs the WAL on every commit (shopops's default, and what huey gets from SQLite's
default here; the bench asks for it with huey's ``fsync=True`` so that it does not depend on the build);
NORMAL syncs at checkpoints only (shopops: ``?synchronous=normal``; huey's SqliteStorage has no pragma
for it, so a subclass sets it on huey's connection). PostgreSQL rows run at the server's settings (``-``).

PostgreSQL work happens in scratch databases created from ``--pg-url`` and dropped afterwards; SQLite in a
temporary directory. The run prints figures and ratios (shopops / peer on the peer's own store) and the
project's orientation figures for this machine kind; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import functools
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_JOBS = 5_000
DEFAULT_LATENCY_JOBS = 200
DEFAULT_INTERVAL_MS = 20.0
QUICK_JOBS = 400
QUICK_LATENCY_JOBS = 40
API_ENQUEUES = 500  # shopops entries loaded through ws.queue.enqueue (timed); the rest are bulk copies
HOLD_S = 30.0  # shopops entries start this far ahead until every worker is up (< the 60 s idle horizon)
WORKER_POLL_S = 0.01  # the throughput workers' idle poll (so a release is seen within 10 ms)
READY_TIMEOUT_S = 60.0
DRAIN_TIMEOUT_S = 300.0
SETTLE_S = 0.5  # an idle worker waits this long before latency jobs arrive
SYNCHRONOUS_LEVELS = ("full", "normal")  # SQLite durability levels compared (shopops's SYNCHRONOUS_LEVELS)
PRAGMA_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}  # what PRAGMA synchronous answers
NO_SYNC = "-"  # the sync column of PostgreSQL rows: the server's own settings

ORIENTATION = [
    ("huey SqliteHuey, 1 thread", "~6,800 jobs/s, ~57 ms p50 latency"),
    ("procrastinate, concurrency 4", "~1,100 jobs/s, ~3 ms p50 latency"),
    ("bare SQLite claim loop", "~31,000 jobs/s"),
    ("bare PostgreSQL SKIP LOCKED, 4 processes", "~5,700 jobs/s"),
]


@dataclass
class Throughput:
    """One throughput case."""

    system: str
    store: str
    workers: str
    jobs: int
    runs: int = 0
    dups: int = 0
    failed: int = 0
    enqueue_per_s: float | None = None
    span_s: float | None = None
    wall_s: float | None = None
    note: str = ""
    sync: str = NO_SYNC  # SQLite's synchronous level as read back from a connection

    @property
    def span_rate(self) -> float | None:
        return self.runs / self.span_s if self.span_s else None

    @property
    def wall_rate(self) -> float | None:
        return self.runs / self.wall_s if self.wall_s else None


@dataclass
class Latency:
    """One latency case, in milliseconds."""

    system: str
    store: str
    waker: str
    samples: list[float] = field(default_factory=list)
    expected: int = 0
    note: str = ""
    sync: str = NO_SYNC

    def pct(self, q: float) -> float | None:
        return percentile(self.samples, q)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), linear between the closest ranks; None for no values."""
    if not values:
        return None
    data = sorted(values)
    pos = (len(data) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the tables."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def wait_for(check: Callable[[], bool], timeout_s: float, every_s: float = 0.01) -> bool:
    """Poll ``check`` until it is true or ``timeout_s`` passed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every_s)
    return check()


# --- scratch stores ---------------------------------------------------------------------------------------


def pg_url_for(admin_url: str, dbname: str) -> str:
    """``admin_url`` pointing at another database."""
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{dbname}"))


def pg_available(admin_url: str) -> str | None:
    """None when PostgreSQL answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure means: skip the PostgreSQL cases
        return f"{type(exc).__name__}: {exc}".strip()
    return None


@contextlib.contextmanager
def scratch_pg(admin_url: str, label: str) -> Iterator[str]:
    """A new, empty database for one case; dropped afterwards."""
    import psycopg

    name = f"bench_{label}_{os.getpid()}_{int(time.time() * 1000) % 1_000_000}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url_for(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_store(backend: str, admin_url: str, label: str, synchronous: str | None) -> Iterator[str]:
    """A shopops database URL on ``backend`` for one case; a SQLite URL carries its ``synchronous`` level,
    so that every process given the URL (the worker processes too) runs at it."""
    if backend == "pg":
        with scratch_pg(admin_url, label) as url:
            yield url
    else:
        with tempfile.TemporaryDirectory(prefix=f"bench_{label}_") as tmp:
            yield f"sqlite:///{tmp}/queue.db" + (f"?synchronous={synchronous}" if synchronous else "")


def sync_label(synchronous: str | None) -> str:
    """The sync column for a requested level (None: PostgreSQL)."""
    return synchronous.upper() if synchronous else NO_SYNC


def read_back(asked: str | None, answered: int) -> tuple[str, str]:
    """The level a connection reported, and a note when it is not the one asked for."""
    got = PRAGMA_SYNCHRONOUS.get(answered, str(answered))
    return got, ("" if got == sync_label(asked) else f"asked for {sync_label(asked)} but got {got}")


def shopops_sync(url: str, synchronous: str | None) -> tuple[str, str]:
    """PRAGMA synchronous on a connection of a workspace opened on ``url`` (SQLite only)."""
    if synchronous is None:
        return NO_SYNC, ""
    from shopops.store import create_engine_for

    engine = create_engine_for(url)
    try:
        conn = engine.raw_connection()
        try:
            return read_back(synchronous, conn.execute("PRAGMA synchronous").fetchone()[0])
        finally:
            conn.close()
    finally:
        engine.dispose()


def analyze(url: str, table: str) -> None:
    """Give PostgreSQL's planner real statistics after a bulk load (autovacuum would, later)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ANALYZE {table}")


# --- shopops ----------------------------------------------------------------------------------------------


def shopops_load(url: str, jobs: int, start_at: dt.datetime | None) -> float:
    """Load ``jobs`` noop entries; returns enqueue/s of the ones that went through the public API."""
    from sqlalchemy import insert, select, update

    import shopops
    from shopops.store import tables as t

    entry = t.job_queue_entry
    ws = shopops.open(url)
    try:
        through_api = min(jobs, API_ENQUEUES)
        started = time.perf_counter()
        for _ in range(through_api):
            ws.queue.enqueue("noop")
        rate = through_api / (time.perf_counter() - started)
        with ws.engine.begin() as conn:
            if start_at is not None:
                conn.execute(update(entry).values(earliest_start_at=start_at))
            if jobs > through_api:
                template = dict(conn.execute(select(entry).order_by(entry.c.id).limit(1)).mappings().one())
                template.pop("id")
                conn.execute(insert(entry), [template] * (jobs - through_api))
    finally:
        ws.close()
    return rate


def shopops_release(url: str) -> None:
    """Make every loaded entry due now."""
    from sqlalchemy import update

    import shopops
    from shopops.store import tables as t
    from shopops.store.types import utcnow

    ws = shopops.open(url)
    try:
        with ws.engine.begin() as conn:
            conn.execute(update(t.job_queue_entry).values(earliest_start_at=utcnow()))
    finally:
        ws.close()


def shopops_registered(url: str) -> int:
    """How many workers have registered."""
    from sqlalchemy import func, select

    import shopops
    from shopops.store import tables as t

    ws = shopops.open(url)
    try:
        with ws.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.job_queue_worker)).scalar_one())
    finally:
        ws.close()


def spawn_worker(url: str, threads: int, *, until_idle: bool, poll_s: float | None) -> subprocess.Popen[str]:
    """``python -m shopops worker`` in its own process."""
    cmd = [sys.executable, "-m", "shopops", "--db", url, "worker", "--threads", str(threads)]
    if until_idle:
        cmd.append("--until-idle")
    if poll_s is not None:
        cmd += ["--poll", str(poll_s)]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def read_all(procs: list[subprocess.Popen[str]], timeout_s: float) -> list[str]:
    """Wait for every process, reading all their stderr pipes at once (a thread each), and return what each
    wrote; a process still running after ``timeout_s`` is killed. Read one after the other, a worker whose
    pipe nobody read yet would block on a full pipe (64 KiB: ~900 run lines) while holding claimed entries,
    and the one being read would wait for those entries forever before it counts as idle."""
    outputs = [""] * len(procs)
    deadline = time.monotonic() + timeout_s

    def drain(i: int, proc: subprocess.Popen[str]) -> None:
        try:
            _, outputs[i] = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            _, outputs[i] = proc.communicate()

    readers = [threading.Thread(target=drain, args=(i, proc), daemon=True) for i, proc in enumerate(procs)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    return outputs


def last_line(stderr: str) -> str:
    """The last non-empty line a process wrote, shortened."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:160] if lines else "(nothing on stderr)"


def runs_reported(stderr: str) -> str:
    """The ``N runs`` a worker printed when it stopped."""
    for line in reversed(stderr.splitlines()):
        if line.rstrip().endswith(" runs"):
            return line.rsplit(":", 1)[-1].strip().split()[0]
    return "?"


def shopops_log_figures(url: str) -> tuple[int, int, int, float | None]:
    """Successful runs, entries run more than once, failed runs, and the log's span in seconds."""
    from sqlalchemy import func, select

    import shopops
    from shopops.store import tables as t

    lg = t.job_queue_log_entry
    ws = shopops.open(url)
    try:
        with ws.engine.connect() as conn:
            ok = conn.execute(select(func.count()).where(lg.c.status == "success")).scalar_one()
            failed = conn.execute(select(func.count()).where(lg.c.status != "success")).scalar_one()
            per_entry = select(lg.c.entry_id).group_by(lg.c.entry_id).having(func.count() > 1).subquery()
            dups = conn.execute(select(func.count()).select_from(per_entry)).scalar_one()
            first = conn.execute(select(lg.c.started_at).order_by(lg.c.started_at).limit(1)).scalar()
            last = conn.execute(
                select(lg.c.ended_at).where(lg.c.ended_at.is_not(None)).order_by(lg.c.ended_at.desc()).limit(1)
            ).scalar()
    finally:
        ws.close()
    span = (last - first).total_seconds() if first is not None and last is not None else None
    return int(ok), int(dups), int(failed), span


def shopops_throughput(
    backend: str, admin_url: str, jobs: int, procs: int, threads: int, synchronous: str | None
) -> Throughput:
    """Drain ``jobs`` noop entries with ``procs`` worker processes of ``threads`` threads each."""
    label = f"{procs} proc x {threads} thr"
    result = Throughput("shopops", backend_name(backend), label, jobs)
    with scratch_store(backend, admin_url, "shopops", synchronous) as url:
        result.sync, mismatch = shopops_sync(url, synchronous)
        hold = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=HOLD_S)
        result.enqueue_per_s = shopops_load(url, jobs, hold)
        if backend == "pg":
            analyze(url, "job_queue_entry")
        spawned = time.perf_counter()
        workers = [spawn_worker(url, threads, until_idle=True, poll_s=WORKER_POLL_S) for _ in range(procs)]
        ready = wait_for(lambda: shopops_registered(url) >= procs, READY_TIMEOUT_S, every_s=0.05)
        startup = time.perf_counter() - spawned
        shopops_release(url)
        released = time.perf_counter()
        outputs = read_all(workers, DRAIN_TIMEOUT_S)
        result.wall_s = time.perf_counter() - released
        result.runs, result.dups, result.failed, result.span_s = shopops_log_figures(url)
        split = "/".join(runs_reported(err) for err in outputs)
        result.note = f"start-up {startup:.1f}s" + ("" if ready else " (not all ready)")
        if procs > 1:
            result.note += f"; runs per process {split}"
        for proc, err in zip(workers, outputs, strict=True):
            if proc.returncode:
                result.note += f"; a worker exited {proc.returncode}: {last_line(err)}"
        if mismatch:
            result.note += f"; {mismatch}"
    return result


def shopops_latencies(url: str) -> tuple[list[float], list[float]]:
    """Enqueue-to-start of every run, in ms: as the noop report measured it (its first line minus the
    clock just before the enqueue, as procrastinate's task does below), and from the log (log start
    minus entry creation)."""
    from sqlalchemy import select

    import shopops
    from shopops.store import tables as t

    entry, lg = t.job_queue_entry, t.job_queue_log_entry
    ws = shopops.open(url)
    try:
        with ws.engine.connect() as conn:
            rows = conn.execute(
                select(entry.c.created_at, lg.c.started_at, lg.c.stats).join(lg, lg.c.entry_id == entry.c.id)
            ).all()
    finally:
        ws.close()
    in_report = [stats["wait_us"] / 1000 for _, _, stats in rows if stats and "wait_us" in stats]
    in_log = [(started - created).total_seconds() * 1000 for created, started, _ in rows]
    return in_report, in_log


def paced(count: int, interval_s: float, action: Callable[[int], object]) -> None:
    """Call ``action(i)`` ``count`` times on a fixed schedule (no drift)."""
    start = time.perf_counter()
    for i in range(count):
        delay = start + i * interval_s - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        action(i)


def shopops_log_count(url: str) -> int:
    from sqlalchemy import func, select

    import shopops
    from shopops.store import tables as t

    lg = t.job_queue_log_entry
    ws = shopops.open(url)
    try:
        with ws.engine.connect() as conn:
            return int(conn.execute(select(func.count()).where(lg.c.ended_at.is_not(None))).scalar_one())
    finally:
        ws.close()


def shopops_latency(
    backend: str, admin_url: str, count: int, interval_s: float, synchronous: str | None, *, in_process: bool
) -> Latency:
    """Enqueue ``count`` entries into one idle, running 1-thread worker."""
    import shopops

    if in_process:
        waker = "in-process worker, woken by enqueue"
    else:
        from shopops.queue.wakeup import SQLITE_POLL_S

        waker = "worker process, " + ("LISTEN/NOTIFY" if backend == "pg" else f"polling (default {SQLITE_POLL_S:g} s)")
    result = Latency("shopops", backend_name(backend), waker, expected=count)
    with scratch_store(backend, admin_url, "shopops_lat", synchronous) as url:
        result.sync, result.note = shopops_sync(url, synchronous)
        ws = shopops.open(url)
        worker: Any = None
        proc: subprocess.Popen[str] | None = None
        try:
            if in_process:
                worker = ws.queue.worker(concurrency=1).start()
            else:
                proc = spawn_worker(url, 1, until_idle=False, poll_s=None)
                if not wait_for(lambda: shopops_registered(url) >= 1, READY_TIMEOUT_S, every_s=0.05):
                    result.note += "; worker did not start"
            time.sleep(SETTLE_S)
            paced(count, interval_s, lambda _i: ws.queue.enqueue("noop", params={"sent_at": time.time()}))
            if not wait_for(lambda: shopops_log_count(url) >= count, 30.0, every_s=0.05):
                result.note += "; not every job ran within 30 s"
        finally:
            if worker is not None:
                worker.stop(grace_s=5)
                time.sleep(0.6)  # its LISTEN thread notices the stop within 0.5 s; then the database goes
            if proc is not None:
                exited = proc.poll()
                proc.send_signal(signal.SIGTERM)
                try:
                    _, err = proc.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    _, err = proc.communicate()
                if exited is not None:
                    result.note += f"; worker had exited ({exited}): {last_line(err)}"
            ws.close()
        result.samples, in_log = shopops_latencies(url)
        logged = f"the log says p50 {fmt(percentile(in_log, 50), 1)}, p95 {fmt(percentile(in_log, 95), 1)}"
        result.note = "; ".join(part for part in (result.note.strip("; "), logged) if part)
    return result


def backend_name(backend: str) -> str:
    return "PostgreSQL" if backend == "pg" else "SQLite"


# --- huey -------------------------------------------------------------------------------------------------


def huey_storage_at(synchronous: str) -> Any:
    """huey's SqliteStorage with ``PRAGMA synchronous`` set on its connection. Its own switch, ``fsync``,
    knows only FULL (True) and OFF (False); CySqliteStorage takes pragmas but needs another driver."""
    from huey.storage import SqliteStorage

    class Storage(SqliteStorage):  # type: ignore[misc]
        def _create_connection(self) -> Any:
            conn = super()._create_connection()
            conn.execute(f"PRAGMA synchronous={synchronous}")
            return conn

    return Storage


class HueyBench:
    """A SqliteHuey on a temporary file at a ``synchronous`` level, with a no-op task that stamps its own
    start and end."""

    def __init__(self, path: str, synchronous: str) -> None:
        from huey import SqliteHuey

        if synchronous == "full":
            self.huey = SqliteHuey(filename=path, fsync=True)  # huey's own way to ask for FULL
        else:
            self.huey = SqliteHuey(filename=path, storage_class=huey_storage_at(synchronous))
        # every consumer thread shares this one connection (huey serialises them with a lock)
        self.sync, self.mismatch = read_back(
            synchronous, self.huey.storage.sql("PRAGMA synchronous", results=True)[0][0]
        )
        self.lock = threading.Lock()
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.latencies: list[float] = []

        def noop(enqueued_at: float | None = None) -> None:
            started = time.time()
            with self.lock:
                self.starts.append(started)
                if enqueued_at is not None:
                    self.latencies.append((started - enqueued_at) * 1000)
                self.ends.append(time.time())

        self.noop = self.huey.task(name="noop")(noop)

    def done(self) -> int:
        with self.lock:
            return len(self.ends)

    @contextlib.contextmanager
    def consumer(self, workers: int) -> Iterator[None]:
        """A consumer with ``workers`` threads in this process (its signal handlers are put back after)."""
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        consumer = self.huey.create_consumer(
            workers=workers, worker_type="thread", periodic=False, check_worker_health=False
        )
        consumer.start()
        try:
            yield
        finally:
            consumer.stop(graceful=True)
            for sig, handler in saved.items():
                signal.signal(sig, handler)


def huey_throughput(jobs: int, workers: int, synchronous: str) -> Throughput:
    result = Throughput("huey", "SQLite", f"1 proc x {workers} thr", jobs, note="no run log")
    with tempfile.TemporaryDirectory(prefix="bench_huey_") as tmp:
        bench = HueyBench(f"{tmp}/huey.db", synchronous)
        result.sync = bench.sync
        if bench.mismatch:
            result.note += f"; {bench.mismatch}"
        started = time.perf_counter()
        for _ in range(jobs):
            bench.noop()
        result.enqueue_per_s = jobs / (time.perf_counter() - started)
        begun = time.perf_counter()
        with bench.consumer(workers):
            finished = wait_for(lambda: bench.done() >= jobs, DRAIN_TIMEOUT_S, every_s=0.002)
            result.wall_s = time.perf_counter() - begun
        if not finished:
            result.note += "; timed out"
        result.runs = bench.done()
        result.dups = max(0, result.runs - jobs)
        result.span_s = max(bench.ends) - min(bench.starts) if bench.starts else None
    return result


def huey_latency(count: int, interval_s: float, synchronous: str) -> Latency:
    result = Latency("huey", "SQLite", "consumer thread, polling (0.1 s, backing off)", expected=count)
    with tempfile.TemporaryDirectory(prefix="bench_huey_") as tmp:
        bench = HueyBench(f"{tmp}/huey.db", synchronous)
        result.sync, result.note = bench.sync, bench.mismatch
        with bench.consumer(1):
            time.sleep(SETTLE_S)
            paced(count, interval_s, lambda _i: bench.noop(time.time()))
            if not wait_for(lambda: bench.done() >= count, 30.0):
                result.note += "; not every job ran within 30 s"
        result.samples = list(bench.latencies)
    return result


# --- procrastinate ----------------------------------------------------------------------------------------

EVENT_FIGURES = """
SELECT count(*) FILTER (WHERE type = 'succeeded'),
       count(*) FILTER (WHERE type = 'failed'),
       min(at) FILTER (WHERE type = 'started'),
       max(at) FILTER (WHERE type = 'succeeded'),
       (SELECT count(*) FROM (SELECT job_id FROM procrastinate_events WHERE type = 'started'
                              GROUP BY job_id HAVING count(*) > 1) twice)
FROM procrastinate_events
"""
EVENT_LATENCIES = """
SELECT extract(epoch FROM s.at - d.at) * 1000
FROM procrastinate_events d JOIN procrastinate_events s ON s.job_id = d.job_id AND s.type = 'started'
WHERE d.type = 'deferred'
"""
RESET = "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_workers RESTART IDENTITY CASCADE"


def procrastinate_app(url: str, latencies: list[float] | None = None) -> Any:
    """An app with an ``async`` no-op task; given ``enqueued_at``, it adds its wait (ms) to ``latencies``."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))

    @app.task(name="noop")
    async def noop(enqueued_at: float | None = None) -> None:
        if enqueued_at is not None and latencies is not None:
            latencies.append((time.time() - enqueued_at) * 1000)

    return app


async def _procrastinate_throughput(url: str, jobs: int, concurrency: int) -> Throughput:
    import psycopg

    result = Throughput("procrastinate", "PostgreSQL", f"1 proc, concurrency {concurrency}", jobs)
    app = procrastinate_app(url)
    async with app.open_async():
        task = app.tasks["noop"]
        started = time.perf_counter()
        for _ in range(jobs):
            await task.defer_async()
        result.enqueue_per_s = jobs / (time.perf_counter() - started)
        analyze(url, "procrastinate_jobs")
        begun = time.perf_counter()
        await app.run_worker_async(
            concurrency=concurrency, wait=False, install_signal_handlers=False, listen_notify=False
        )
        result.wall_s = time.perf_counter() - begun
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(EVENT_FIGURES).fetchone()
        conn.execute(RESET)
    assert row is not None
    result.runs, result.failed, first, last, result.dups = int(row[0]), int(row[1]), row[2], row[3], int(row[4])
    result.span_s = (last - first).total_seconds() if first and last else None
    result.note = "async task, no listen"
    return result


async def _procrastinate_latency(url: str, count: int, interval_s: float) -> Latency:
    import psycopg

    result = Latency("procrastinate", "PostgreSQL", "worker (concurrency 1), LISTEN/NOTIFY", expected=count)
    in_task: list[float] = []
    app = procrastinate_app(url, in_task)
    async with app.open_async():
        task = app.tasks["noop"]
        worker = asyncio.create_task(
            app.run_worker_async(concurrency=1, wait=True, install_signal_handlers=False, listen_notify=True)
        )
        await asyncio.sleep(SETTLE_S)
        loop_start = time.perf_counter()
        for i in range(count):
            delay = loop_start + i * interval_s - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await task.defer_async(enqueued_at=time.time())

        def succeeded() -> int:
            with psycopg.connect(url, autocommit=True) as conn:
                row = conn.execute("SELECT count(*) FROM procrastinate_events WHERE type = 'succeeded'").fetchone()
            return int(row[0]) if row else 0

        deadline = time.monotonic() + 30
        while succeeded() < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if succeeded() < count:
            result.note = "not every job ran within 30 s"
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
    with psycopg.connect(url, autocommit=True) as conn:
        in_db = [float(r[0]) for r in conn.execute(EVENT_LATENCIES).fetchall()]
        conn.execute(RESET)
    # measured like shopops's: the task's first line minus the clock just before the defer; procrastinate's
    # own events ('started' minus 'deferred', both transaction times) leave out the fetch's commit
    result.samples = in_task
    result.note = f"its events say p50 {fmt(percentile(in_db, 50), 1)}, p95 {fmt(percentile(in_db, 95), 1)}"
    return result


def procrastinate_cases(
    admin_url: str,
    jobs: int,
    latency_jobs: int,
    interval_s: float,
    run_case: Callable[[str, Callable[[], Any], Throughput | Latency], None],
) -> None:
    """Throughput at concurrency 1 and 4, then latency, in one scratch database."""
    import procrastinate

    # the app lives in this script on purpose (the worker runs in this process, nothing imports it by path)
    logging.getLogger("procrastinate").setLevel(logging.ERROR)
    with scratch_pg(admin_url, "procrastinate") as url:
        app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=url))
        with app.open():
            app.schema_manager.apply_schema()
        for concurrency in (1, 4):
            run_case(
                f"procrastinate: {jobs} jobs, concurrency {concurrency}",
                functools.partial(asyncio.run, _procrastinate_throughput(url, jobs, concurrency)),
                Throughput("procrastinate", "PostgreSQL", f"1 proc, concurrency {concurrency}", jobs),
            )
        if latency_jobs:
            run_case(
                f"procrastinate: latency, {latency_jobs} jobs",
                lambda: asyncio.run(_procrastinate_latency(url, latency_jobs, interval_s)),
                Latency("procrastinate", "PostgreSQL", "worker"),
            )


# --- report -----------------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [
            c.rjust(w) if i and c[:1].isdigit() else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}x"


def find(rows: list[Throughput], system: str, store: str, workers: str, sync: str) -> Throughput | None:
    return next(
        (r for r in rows if (r.system, r.store, r.workers, r.sync) == (system, store, workers, sync)),
        None,
    )


def find_latency(rows: list[Latency], system: str, store: str, waker_start: str, sync: str) -> Latency | None:
    return next(
        (
            r
            for r in rows
            if r.system == system and r.store == store and r.waker.startswith(waker_start) and r.sync == sync
        ),
        None,
    )


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "shopops/queue", "shopops/store"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    changed = [line[3:] for line in dirty if line.strip()]
    return head + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


def report(throughput: list[Throughput], latency: list[Latency], args: argparse.Namespace) -> None:
    print()
    print(
        f"Queue throughput and latency: no-op jobs, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    print(f"shopops tree: {git_state()}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the start: {args.load_at_start}; at the end: {load}", end="")
    busy = float(args.load_at_start.split(",")[0]) > (os.cpu_count() or 1) * 0.5
    print(" (other work was running: figures are disturbed)" if busy else "")
    print()
    print(f"Throughput ({args.jobs:,} jobs loaded first; span = first start to last end, wall = release to exit)")
    rows = [
        [
            r.system,
            r.store,
            r.sync,
            r.workers,
            f"{r.runs:,}",
            str(r.dups),
            str(r.failed),
            fmt(r.enqueue_per_s),
            fmt(r.span_rate),
            fmt(r.wall_rate),
            r.note,
        ]
        for r in throughput
    ]
    headers = [
        "system",
        "store",
        "sync",
        "workers",
        "runs",
        "dup",
        "fail",
        "enq/s",
        "span jobs/s",
        "wall jobs/s",
        "note",
    ]
    print(table(headers, rows))
    print()
    if latency:
        print(f"Enqueue-to-start latency (ms), one idle running worker, jobs {args.interval_ms:g} ms apart")
        rows = [
            [
                r.system,
                r.store,
                r.sync,
                r.waker,
                f"{len(r.samples)}/{r.expected}",
                fmt(r.pct(50), 1),
                fmt(r.pct(95), 1),
                fmt(max(r.samples) if r.samples else None, 1),
                r.note,
            ]
            for r in latency
        ]
        print(table(["system", "store", "sync", "waker", "n", "p50", "p95", "max", "note"], rows))
        print()
    print(
        "Ratios, shopops / peer on the peer's own store, both sides at the same sync level "
        "(throughput: span jobs/s; >1 means shopops is faster)"
    )
    sqlite_pairs = [
        ("1 worker", "1 proc x 1 thr", "1 proc x 1 thr"),
        ("4 workers (processes)", "4 proc x 1 thr", "1 proc x 4 thr"),
        ("4 threads", "1 proc x 4 thr", "1 proc x 4 thr"),
    ]
    pg_pairs = [
        ("1 worker", "1 proc x 1 thr", "1 proc, concurrency 1"),
        ("4 workers (processes)", "4 proc x 1 thr", "1 proc, concurrency 4"),
        ("4 threads", "1 proc x 4 thr", "1 proc, concurrency 4"),
    ]
    pairs = [
        (f"SQLite {sync}, {label}", "SQLite", sync, workers, "huey", peer_workers)
        for sync in (sync_label(level) for level in args.synchronous)
        for label, workers, peer_workers in sqlite_pairs
    ]
    pairs += [
        (f"PostgreSQL, {label}", "PostgreSQL", NO_SYNC, workers, "procrastinate", peer_workers)
        for label, workers, peer_workers in pg_pairs
    ]
    rows = []
    for label, store, sync, workers, peer, peer_workers in pairs:
        ours, theirs = (
            find(throughput, "shopops", store, workers, sync),
            find(throughput, peer, store, peer_workers, sync),
        )
        if ours and theirs:
            rows.append(
                [
                    label,
                    f"{peer} {peer_workers}",
                    fmt(ours.span_rate),
                    fmt(theirs.span_rate),
                    ratio(ours.span_rate, theirs.span_rate),
                ]
            )
    latency_pairs = [(f"SQLite {sync} latency", "SQLite", sync, "huey") for sync in map(sync_label, args.synchronous)]
    latency_pairs.append(("PostgreSQL latency", "PostgreSQL", NO_SYNC, "procrastinate"))
    for label, store, sync, peer in latency_pairs:
        ours_l = find_latency(latency, "shopops", store, "worker process", sync)
        theirs_l = next((r for r in latency if r.system == peer and r.sync == sync), None)
        if ours_l and theirs_l:
            for q in (50, 95):
                rows.append(
                    [
                        f"{label} p{q} (ms; <1 means shopops is quicker)",
                        peer,
                        fmt(ours_l.pct(q), 1),
                        fmt(theirs_l.pct(q), 1),
                        ratio(ours_l.pct(q), theirs_l.pct(q)),
                    ]
                )
    if rows:
        print(table(["case", "peer", "shopops", "peer", "ratio"], rows))
    else:
        print("(no pairs in this run)")
    print()
    print("Orientation figures given by the project for this machine kind (not measured in this run)")
    print(table(["what", "figure"], [[a, b] for a, b in ORIENTATION]))


# --- main -------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=None, help=f"jobs per throughput case (default {DEFAULT_JOBS:,})")
    parser.add_argument(
        "--latency-jobs",
        type=int,
        default=None,
        help=f"jobs per latency case, 0 to skip (default {DEFAULT_LATENCY_JOBS})",
    )
    parser.add_argument("--interval-ms", type=float, default=DEFAULT_INTERVAL_MS, help="gap between latency jobs")
    parser.add_argument(
        "--only", action="append", choices=["shopops", "huey", "procrastinate"], help="run only these (repeatable)"
    )
    parser.add_argument("--backend", action="append", choices=["sqlite", "pg"], help="only these stores (repeatable)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="PostgreSQL to create scratch databases in",
    )
    parser.add_argument(
        "--synchronous",
        default=",".join(SYNCHRONOUS_LEVELS),
        help="SQLite durability levels to compare at, comma-separated; both sides run at each (default full,normal)",
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_JOBS} jobs, {QUICK_LATENCY_JOBS} latency jobs")
    args = parser.parse_args(argv)
    if args.jobs is None:
        args.jobs = QUICK_JOBS if args.quick else DEFAULT_JOBS
    if args.latency_jobs is None:
        args.latency_jobs = QUICK_LATENCY_JOBS if args.quick else DEFAULT_LATENCY_JOBS
    args.only = args.only or ["shopops", "huey", "procrastinate"]
    args.backend = args.backend or ["sqlite", "pg"]
    args.synchronous = [level.strip().lower() for level in args.synchronous.split(",") if level.strip()]
    unknown = sorted(set(args.synchronous) - set(SYNCHRONOUS_LEVELS))
    if unknown or not args.synchronous:
        parser.error(
            f"--synchronous takes {', '.join(SYNCHRONOUS_LEVELS)} (comma-separated), not {unknown or 'nothing'}"
        )
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    interval_s = args.interval_ms / 1000
    backends = list(args.backend)
    if "pg" in backends:
        why = pg_available(args.pg_url)
        if why:
            log(f"PostgreSQL skipped: {why}")
            backends.remove("pg")
    throughput: list[Throughput] = []
    latency: list[Latency] = []
    started = time.perf_counter()
    args.load_at_start = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    def run_case(what: str, case: Callable[[], Any], failed: Throughput | Latency) -> None:
        """Run one case; a failure becomes a row with the error in its note, and the run goes on."""
        log(what)
        try:
            result = case()
        except Exception as exc:  # a benchmark reports what broke and carries on with the other cases
            failed.note = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
            result = failed
        for row in result if isinstance(result, list) else [result]:
            (latency if isinstance(row, Latency) else throughput).append(row)

    for backend in backends:
        store = backend_name(backend)
        # SQLite: each level in turn, shopops and then huey at it, so that the two sides of a ratio run close
        # together in time; PostgreSQL runs at the server's settings
        for level in args.synchronous if backend == "sqlite" else [None]:
            sync = sync_label(level)
            for procs, threads in ((1, 1), (4, 1), (1, 4)) if "shopops" in args.only else ():
                run_case(
                    f"shopops {store} {sync}: {args.jobs} jobs, {procs} process(es) x {threads} thread(s)",
                    functools.partial(shopops_throughput, backend, args.pg_url, args.jobs, procs, threads, level),
                    Throughput("shopops", store, f"{procs} proc x {threads} thr", args.jobs, sync=sync),
                )
            for in_process in (False, True) if args.latency_jobs and "shopops" in args.only else ():
                run_case(
                    f"shopops {store} {sync}: latency, {args.latency_jobs} jobs, worker in this process: {in_process}",
                    functools.partial(
                        shopops_latency,
                        backend,
                        args.pg_url,
                        args.latency_jobs,
                        interval_s,
                        level,
                        in_process=in_process,
                    ),
                    Latency("shopops", store, "in-process worker" if in_process else "worker process", sync=sync),
                )
            if level is None or "huey" not in args.only:
                continue
            for workers in (1, 4):
                run_case(
                    f"huey {sync}: {args.jobs} jobs, {workers} thread(s)",
                    functools.partial(huey_throughput, args.jobs, workers, level),
                    Throughput("huey", "SQLite", f"1 proc x {workers} thr", args.jobs, sync=sync),
                )
            if args.latency_jobs:
                run_case(
                    f"huey {sync}: latency, {args.latency_jobs} jobs",
                    functools.partial(huey_latency, args.latency_jobs, interval_s, level),
                    Latency("huey", "SQLite", "consumer thread", sync=sync),
                )
    if "procrastinate" in args.only and "pg" in backends:
        procrastinate_cases(args.pg_url, args.jobs, args.latency_jobs, interval_s, run_case)
    log(f"done in {time.perf_counter() - started:.0f} s")
    report(throughput, latency, args)


if __name__ == "__main__":
    main()
