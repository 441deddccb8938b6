"""Workers: threads that claim entries, run them outside any transaction, and finish them.

A worker heartbeats while it lives and runs the janitor on the side, so the entries of a worker that
died (``kill -9``, a lost host) come back as a retry or an error. On SIGTERM or SIGINT it stops
claiming, lets running entries finish within a grace period, and hands back the ones that did not.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable

from shopops.queue.log_lines import RunLines, log_failure, runs_log
from shopops.queue.model import Executor, JobEntry, Outcome
from shopops.queue.store import Finished, QueueStore
from shopops.queue.wakeup import PostgresChannel, Wakeup, channel_for, poll_interval, subscribe, unsubscribe
from shopops.store.types import utcnow

log = logging.getLogger("shopops.queue")

HEARTBEAT_S = 5.0
LOST_AFTER_S = 30.0
GRACE_S = 30.0
PROGRESS_EVERY_S = 1.0
FAST_RUN_S = 0.005  # runs quicker than this are claimed and written in batches
MAX_BATCH = 256
QUICKEST_RUN_S = 0.000_01  # a run counts as taking at least this long when sizing a batch
FLUSH_AFTER_S = 0.05  # a finished run waits at most this long to be written, a claimed one to start
IDLE_RETRY_HORIZON_S = 60.0
LISTEN_SLICE_S = 1.0  # a wake from inside the process interrupts the listening thread; this is a backstop


def next_batch_size(size: int, slowest: float) -> int:
    """How many entries to claim next, after a batch of ``size`` whose slowest run took ``slowest`` seconds.

    Quick runs are claimed and written in batches, so that a worker pays one commit for many of them: the
    size doubles while every run is quicker than FAST_RUN_S, up to MAX_BATCH, but only as far as runs that
    quick finish within FLUSH_AFTER_S, so that a claimed entry still starts within that long of its claim
    (and other workers get their share of a short queue). One slow run drops back to one entry at a time.
    ``size`` 0 means the worker was idle: the next claim takes one entry.
    """
    if size < 1 or slowest >= FAST_RUN_S:
        return 1
    return max(1, min(size * 2, MAX_BATCH, int(FLUSH_AFTER_S / max(slowest, QUICKEST_RUN_S))))


def new_worker_id() -> str:
    """host:pid:random, unique even when a pid is reused."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """``threads`` runner threads on one database; ``start()``, then ``stop()`` or ``wait_idle()``."""

    def __init__(
        self,
        store: QueueStore,
        executor: Executor,
        *,
        threads: int = 2,
        heartbeat_s: float = HEARTBEAT_S,
        lost_after_s: float = LOST_AFTER_S,
        poll_s: float | None = None,
        until_idle: bool = False,
        on_finish: Callable[[JobEntry, str | None], None] | None = None,
    ) -> None:
        if threads < 1:
            raise ValueError("threads must be 1 or more")
        self.store = store
        self.executor = executor
        self.threads = threads
        self.id = new_worker_id()
        self.heartbeat_s = heartbeat_s
        self.lost_after_s = lost_after_s
        self.poll_s = poll_s if poll_s is not None else poll_interval(store.engine)
        self.until_idle = until_idle
        self.on_finish = on_finish
        self.wakeup = Wakeup()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[int, JobEntry] = {}
        self._lock = threading.Lock()
        self._pending: list[Finished] = []
        self._batches: dict[int, deque[JobEntry]] = {}
        self._run_started: dict[int, float] = {}
        self._clock_offset = store.clock_offset()
        self._channel: PostgresChannel | None = None
        self._heart: threading.Thread | None = None
        self._lines = RunLines()
        self.runs = 0

    # --- life cycle ------------------------------------------------------------------------------------

    def start(self) -> Worker:
        """Register, start heartbeating and the runner threads."""
        self.store.register_worker(self.id, socket.gethostname(), os.getpid(), self.threads)
        subscribe(self.store.engine, self.wakeup)
        self._channel = channel_for(self.store.engine)
        if self._channel is not None:
            self.wakeup.also_interrupt(self._channel.interrupt)
        self._heart = threading.Thread(target=self._heartbeat_loop, name="shopops-heartbeat", daemon=True)
        self._heart.start()
        threading.Thread(target=self._flush_loop, name="shopops-flush", daemon=True).start()
        for i in range(self.threads):
            thread = threading.Thread(target=self._run_loop, name=f"shopops-worker-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("worker %s started with %d threads", self.id, self.threads)
        return self

    def request_stop(self) -> None:
        """Stop claiming (signal handlers call this); running entries go on."""
        self._stopping.set()
        self.wakeup.notify()

    def stop(self, grace_s: float = GRACE_S) -> None:
        """Stop claiming, wait up to ``grace_s`` for running entries, hand back the rest, unregister."""
        self.request_stop()
        deadline = time.monotonic() + grace_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        done = self._take_pending(0.0)
        self.store.settle(self.id, done, 0)
        self._lines.stored(done)
        with self._lock:
            left = list(self._running.values())
        for entry in left:
            self.store.hand_back(entry, self.id, f"handed back: worker {self.id} stopped after a {grace_s:g}s grace")
            log.warning("entry %s handed back on shutdown", entry.id)
        self._lines.write(every=True)
        if self._channel is not None:
            self._channel.close()
        unsubscribe(self.store.engine, self.wakeup)
        if not left:
            self.store.unregister_worker(self.id)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the runner threads to end (``until_idle`` mode, or after request_stop); True if they did."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)

    @property
    def busy(self) -> int:
        """How many entries are running now."""
        with self._lock:
            return len(self._running)

    # --- loops -----------------------------------------------------------------------------------------

    def _run_loop(self) -> None:
        slot = threading.get_ident()
        batch: deque[JobEntry] = deque()
        with self._lock:
            self._batches[slot] = batch
        size = 0  # the last claim's size; 0: idle, the next claim takes one entry
        slowest = 0.0  # the slowest run since the last claim
        seen = 0  # the wake-up generation before the last look for work
        while not self._stopping.is_set():
            if not batch:
                seen = self.wakeup.generation
                done = self._take_pending(0.0)
                size, slowest = next_batch_size(size, slowest), 0.0
                try:
                    claimed = self.store.settle(self.id, done, size)
                except Exception as exc:
                    self._put_back(done)
                    log_failure(log, "finishing or claiming failed", exc)
                    self._stopping.wait(1.0)
                    continue
                with self._lock:
                    batch.extend(claimed)
                self._lines.stored(done)
                self._lines.write()
                if any(f.entry.category for f in done):
                    self.wakeup.notify()  # a sibling thread may wait for one of these categories
            with self._lock:
                entry = batch.popleft() if batch else None
                if entry is not None:
                    clock = self._run_started[slot] = time.monotonic()
                    self._running[entry.id] = entry
            if entry is None:
                size, slowest = 0, 0.0
                if self.until_idle and self._idle():
                    self._stopping.set()
                    self.wakeup.notify()
                    break
                heard = self._wait_idle(seen)
                if heard is not None:
                    with self._lock:
                        batch.append(heard)
                continue
            slowest = max(slowest, self._execute(entry, slot, clock))
        try:
            with self._lock:
                left = list(batch)
                batch.clear()
            self.store.release(left, self.id)  # claimed with the last batch, never started
        except Exception:  # the janitor recovers whatever could not be written
            log.exception("worker %s could not give back its last batch on the way out", self.id)
        self._settle_quietly(self._take_pending(0.0))
        self._lines.write()

    def _settle_quietly(self, done: list[Finished]) -> None:
        """Write these runs' finishes on the way out; a failure is logged (the janitor recovers them)."""
        try:
            self.store.settle(self.id, done, 0)
        except Exception:
            log.exception("worker %s could not write its last runs on the way out", self.id)
        else:
            self._lines.stored(done)

    def _take_pending(self, older_than_s: float) -> list[Finished]:
        cutoff = time.monotonic() - older_than_s
        with self._lock:
            taken = [f for f in self._pending if f.ended <= cutoff]
            if taken:
                self._pending = [f for f in self._pending if f.ended > cutoff]
        return taken

    def _put_back(self, items: list[Finished]) -> None:
        with self._lock:
            self._pending[:0] = items

    def _flush_loop(self) -> None:
        """Keep batches honest while a slow run holds its thread: write the runs that finished before it,
        and give back the entries claimed after it, so that other threads and workers can start them."""
        while not self._stopping.wait(FLUSH_AFTER_S):
            released: list[JobEntry] = []
            stuck_since = time.monotonic() - FLUSH_AFTER_S
            with self._lock:
                for slot, started in self._run_started.items():
                    batch = self._batches.get(slot)
                    if started <= stuck_since and batch:
                        released.extend(batch)
                        batch.clear()
            done = self._take_pending(FLUSH_AFTER_S)
            try:
                if released:
                    self.store.release(released, self.id)
                if done:
                    self.store.settle(self.id, done, 0)
                    self._lines.stored(done)
            except Exception as exc:
                self._put_back(done)
                log_failure(log, "flushing finished runs failed", exc)
            self._lines.write()
            if released or done:
                self.wakeup.notify()

    def _wait_idle(self, seen: int) -> JobEntry | None:
        """Wait for work: on PostgreSQL one idle thread listens for NOTIFY itself and claims on the same
        connection what it hears (no hand-off between threads, no pool on the way from an enqueue to its
        start); the others wait to be woken. Returns the entry the listener claimed, if any."""
        timeout = self._idle_wait()
        channel = self._channel
        if channel is None or not channel.try_hold():
            self.wakeup.wait(seen, timeout)
            return None
        heard = False
        claimed = None
        deadline = time.monotonic() + timeout
        try:
            while not heard and not self._stopping.is_set() and self.wakeup.generation == seen:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                heard = channel.wait(min(remaining, LISTEN_SLICE_S))
            if heard and not self._stopping.is_set():
                try:
                    claimed = self.store.claim_on(channel.connection, self.id)
                except Exception as exc:  # the connection broke: the next look goes through the pool
                    log.warning("claim on the listening connection failed (%s); claiming through the pool", exc)
        finally:
            channel.release()
        if heard:
            self.wakeup.notify_one()  # another idle thread takes over listening while this one runs
        return claimed

    def _idle_wait(self) -> float:
        """The poll interval, or less when an entry falls due sooner (a retry after its delay)."""
        try:
            due = self.store.seconds_to_next_due()
        except Exception:
            return self.poll_s
        return self.poll_s if due is None else min(self.poll_s, max(due, 0.005))

    def _idle(self) -> bool:
        return self.busy == 0 and not self.store.has_pending_work(IDLE_RETRY_HORIZON_S)

    def _execute(self, entry: JobEntry, slot: int, clock: float) -> float:
        """Run one entry that thread ``slot`` took off its batch (into ``_running``) at monotonic ``clock``,
        and queue its finish; the seconds it took."""
        offset = self._clock_offset
        started = utcnow() + offset if offset else utcnow()
        error: str | None = None
        tb: str | None = None
        outcome: Outcome | None = None
        try:
            outcome = self.executor(entry, self._progress_for(entry))
        except BaseException as exc:  # a report's failure must never take the worker down
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            tb = traceback.format_exc()
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                self._stopping.set()
        with self._lock:
            self._running.pop(entry.id, None)
            self._run_started.pop(slot, None)
            ended = utcnow()
            if entry.category:
                # a categorised run is written at once, and its log keeps the database's own claim and finish
                # times: those are what proves that no two runs of a category overlapped
                self._pending.append(Finished(entry, outcome, error, tb, None, None))
            else:
                self._pending.append(Finished(entry, outcome, error, tb, started, ended + offset if offset else ended))
            self.runs += 1
        if self.threads > 1:
            # an idle sibling writes this run at once (and frees its category) while this thread goes on
            self.wakeup.notify()
        took = time.monotonic() - clock
        level = logging.WARNING if error else logging.INFO
        if runs_log.isEnabledFor(level):  # the line costs more than a quick run: built only when shown
            self._lines.add(level, entry, outcome, error, took, ended)
        if self.on_finish is not None:
            self.on_finish(entry, error)
        return took

    def _progress_for(self, entry: JobEntry) -> Callable[[int, int | None, str], None]:
        last = [0.0]

        def progress(done: int, total: int | None, message: str) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_S and (total is None or done < total):
                return
            last[0] = now
            text = f"{done}/{total} {message}" if total else f"{done} {message}"
            try:
                self.store.set_progress(entry.id, text.strip()[:250])
            except Exception:
                log.debug("progress update of entry %s failed", entry.id, exc_info=True)

        return progress

    def _heartbeat_loop(self) -> None:
        host, pid = socket.gethostname(), os.getpid()
        while not self._stopping.wait(self.heartbeat_s):
            try:
                self.store.heartbeat(self.id, host, pid, self.threads)
                self._clock_offset = self.store.clock_offset()
                recovered = self.store.recover_lost(self.lost_after_s)
                if recovered:
                    log.warning("janitor recovered entries %s of lost workers", recovered)
            except Exception as exc:
                log_failure(log, "heartbeat failed", exc)
