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
from collections.abc import Callable

from shopops.queue.model import Executor, JobEntry, Outcome
from shopops.queue.store import QueueStore
from shopops.queue.wakeup import Wakeup, listener_for, poll_interval, subscribe, unsubscribe

log = logging.getLogger("shopops.queue")

HEARTBEAT_S = 5.0
LOST_AFTER_S = 30.0
GRACE_S = 30.0
PROGRESS_EVERY_S = 1.0
IDLE_RETRY_HORIZON_S = 60.0


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
        self._listener = None
        self._heart: threading.Thread | None = None
        self.runs = 0

    # --- life cycle ------------------------------------------------------------------------------------

    def start(self) -> Worker:
        """Register, start heartbeating and the runner threads."""
        self.store.register_worker(self.id, socket.gethostname(), os.getpid(), self.threads)
        subscribe(self.store.engine, self.wakeup)
        self._listener = listener_for(self.store.engine, self.wakeup)
        self._heart = threading.Thread(target=self._heartbeat_loop, name="shopops-heartbeat", daemon=True)
        self._heart.start()
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
        with self._lock:
            left = list(self._running.values())
        for entry in left:
            self.store.hand_back(entry, self.id, f"handed back: worker {self.id} stopped after a {grace_s:g}s grace")
            log.warning("entry %s handed back on shutdown", entry.id)
        if self._listener is not None:
            self._listener.stop()
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
        entry: JobEntry | None = None
        while not self._stopping.is_set():
            seen = self.wakeup.generation
            if entry is None:
                try:
                    entry = self.store.claim(self.id)
                except Exception:
                    log.exception("claim failed; retrying")
                    self._stopping.wait(1.0)
                    continue
            if entry is None:
                if self.until_idle and self._idle():
                    self._stopping.set()
                    self.wakeup.notify()
                    return
                self.wakeup.wait(seen, self._idle_wait())
                continue
            entry = self._execute(entry)
        if entry is not None:  # claimed together with the last finish, but the worker is stopping
            self.store.hand_back(entry, self.id, f"handed back: worker {self.id} stopped before starting it")

    def _idle_wait(self) -> float:
        """The poll interval, or less when an entry falls due sooner (a retry after its delay)."""
        try:
            due = self.store.seconds_to_next_due()
        except Exception:
            return self.poll_s
        return self.poll_s if due is None else min(self.poll_s, max(due, 0.005))

    def _idle(self) -> bool:
        return self.busy == 0 and not self.store.has_pending_work(IDLE_RETRY_HORIZON_S)

    def _execute(self, entry: JobEntry) -> JobEntry | None:
        """Run one entry, finish it, and (unless stopping) claim the next one in the same transaction."""
        with self._lock:
            self._running[entry.id] = entry
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
        following: JobEntry | None = None
        try:
            if self._stopping.is_set():
                self.store.finish(entry, self.id, outcome=outcome, error=error, traceback=tb)
            else:
                following = self.store.finish_and_claim(entry, self.id, outcome=outcome, error=error, traceback=tb)
        except Exception:
            log.exception("could not finish entry %s; the janitor will recover it", entry.id)
        finally:
            with self._lock:
                self._running.pop(entry.id, None)
                if following is not None:
                    self._running[following.id] = following
                self.runs += 1
        self.wakeup.notify()  # a sibling thread may be waiting for this entry's category
        if self.on_finish is not None:
            self.on_finish(entry, error)
        return following

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
                recovered = self.store.recover_lost(self.lost_after_s)
                if recovered:
                    log.warning("janitor recovered entries %s of lost workers", recovered)
            except Exception:
                log.exception("heartbeat failed")
