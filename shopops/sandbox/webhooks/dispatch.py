"""The delivery queue of one shop: signed POSTs from background senders, retries, faults, a record.

Mutations only *enqueue* (under the shop's lock, cheaply); sender threads (one per shop by default,
``senders`` of them after :meth:`WebhookHub.set_timing`) take due deliveries from one shared heap and
POST them, each with its own ``requests.Session``. So a mutation answers at once whatever the receiver
does and, with several senders, one slow answer does not hold up the rest (Shopify too delivers in
parallel). A failed delivery (connection error, timeout, non-2xx) is retried on Shopify's schedule of
8 tries over about 4 hours, compressed by ``scale`` for tests; every try keeps the body, the webhook id
and the event id of the first one. After the 8th failed try the subscription is removed (Shopify does
so with API-created subscriptions). The record keeps how long each try took and when a delivery was
queued and delivered, so a benchmark can read how fast a receiver acknowledges.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

#: Seconds to wait before try 2..8 (8 tries, about 4 hours in all, as Shopify retries).
RETRY_DELAYS_S = (10.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7740.0)
#: Shopify gives a receiver 1 second to accept the connection and 5 seconds in all to answer.
DEFAULT_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 1.0
#: An idle sender thread ends after this long with nothing queued; the next delivery starts it again.
IDLE_EXIT_S = 30.0


def sign(body: bytes, secret: str) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value: base64 of HMAC-SHA256 over the raw body with the app secret."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


@dataclass
class Delivery:
    """One delivery to one address, with every try made so far (what tests read)."""

    topic: str
    address: str
    body: bytes
    webhook_id: str
    event_id: str
    triggered_at: str
    subscription_id: str
    duplicate: bool = False
    attempts: int = 0
    statuses: list[str] = field(default_factory=list)
    status: str = "pending"  # pending, delivered, failed, dropped, abandoned (the sandbox closed)
    #: how long each try took, in milliseconds, from just before the POST to its answer or error
    durations_ms: list[float] = field(default_factory=list)
    #: wall time (``time.time()``) the change queued it (a dropped one: when it was dropped)
    queued_at: float = field(default_factory=time.time)
    #: wall time the 2xx answer arrived; None until delivered
    delivered_at: float | None = None

    def summary(self) -> dict[str, Any]:
        """A plain dict of the delivery's facts for assertions and printing."""
        return {
            "topic": self.topic,
            "address": self.address,
            "webhook_id": self.webhook_id,
            "event_id": self.event_id,
            "subscription_id": self.subscription_id,
            "duplicate": self.duplicate,
            "attempts": self.attempts,
            "statuses": list(self.statuses),
            "status": self.status,
            "durations_ms": list(self.durations_ms),
            "queued_at": self.queued_at,
            "delivered_at": self.delivered_at,
        }


class WebhookHub:
    """Queue, sender threads, timing, faults and record of one shop's webhook deliveries."""

    def __init__(self) -> None:
        self.client_secret = "shpss_" + secrets.token_hex(16)
        self.domain = "sandbox.myshopify.com"
        self.api_version = "2026-07"
        self.scale = 1.0
        self.timeout_s = DEFAULT_TIMEOUT_S
        self.drop = 0.0
        self.duplicate = 0.0
        self.senders = 1
        self._rng = random.Random(0)
        self._heap: list[tuple[float, int, Delivery]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._busy = 0
        self._records: list[Delivery] = []
        self._threads: list[threading.Thread] = []
        self._closed = False
        #: called (outside the queue's lock) with the subscription id when a delivery failed 8 times;
        #: the shop removes the subscription then, as Shopify does with API-created ones
        self.on_exhausted: Callable[[str], None] | None = None

    def set_timing(self, scale: float = 1.0, timeout_s: float | None = None, senders: int | None = None) -> None:
        """Compress (``scale`` < 1) or stretch the retry schedule; optionally change the receiver timeout
        and how many deliveries are sent at once (``senders`` threads; None keeps the current number)."""
        if senders is not None and senders < 1:
            raise ValueError(f"senders must be at least 1, not {senders}")
        with self._cond:
            self.scale = scale
            if timeout_s is not None:
                self.timeout_s = timeout_s
            if senders is not None:
                self.senders = senders
                if self._heap and not self._closed:
                    self._start()
            self._cond.notify_all()  # surplus senders notice and end

    def set_faults(self, drop: float = 0.0, duplicate: float = 0.0, seed: int = 0) -> None:
        """Lose a share of deliveries (never sent) or send a share twice (same body and event id)."""
        with self._cond:
            self.drop, self.duplicate, self._rng = drop, duplicate, random.Random(seed)

    def enqueue(self, topic: str, address: str, subscription_id: str, body: bytes, event_id: str) -> None:
        """Queue one delivery (and, by the fault switch, drop it or add its duplicate); returns at once."""
        triggered_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self._cond:
            draws = (self._rng.random(), self._rng.random())
            if self._closed:
                return
            first = Delivery(topic, address, body, str(uuid.uuid4()), event_id, triggered_at, subscription_id)
            self._records.append(first)
            if draws[0] < self.drop:
                first.status = "dropped"
                return
            copies = [first]
            if draws[1] < self.duplicate:
                twin = Delivery(topic, address, body, str(uuid.uuid4()), event_id, triggered_at, subscription_id, True)
                self._records.append(twin)
                copies.append(twin)
            now = time.monotonic()
            for delivery in copies:
                self._busy += 1
                heapq.heappush(self._heap, (now, next(self._seq), delivery))
            self._start()
            self._cond.notify_all()

    def deliveries(self) -> list[dict[str, Any]]:
        """Every delivery so far, in the order queued."""
        with self._cond:
            return [d.summary() for d in self._records]

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or being sent (retries included); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def close(self) -> None:
        """Stop the worker and forget what is still queued (the sandbox is shutting down)."""
        with self._cond:
            self._closed = True
            for _due, _n, delivery in self._heap:
                delivery.status = "abandoned"
            self._heap.clear()
            self._busy = 0
            self._cond.notify_all()

    def _start(self) -> None:
        """Bring the live senders up to ``senders`` (call under the lock)."""
        self._threads = [t for t in self._threads if t.is_alive()]
        while len(self._threads) < self.senders:
            thread = threading.Thread(target=self._run, name=f"sandbox-webhooks-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _take(self, me: threading.Thread) -> tuple[Delivery, float] | None:
        """Wait for a due delivery and pop it, with the timeout to send it under; None when this sender
        should end (closed, idle too long, or more senders than wanted), having left ``_threads`` in the
        same critical section, so that surplus senders never all end at once. Call under the lock."""
        while not self._closed and len(self._threads) <= self.senders:
            now = time.monotonic()
            if self._heap and self._heap[0][0] <= now:
                _due, _n, delivery = heapq.heappop(self._heap)
                return delivery, self.timeout_s
            wait = self._heap[0][0] - now if self._heap else IDLE_EXIT_S
            if not self._cond.wait(max(wait, 0.0)) and not self._heap:
                break
        if me in self._threads:
            self._threads.remove(me)
        return None

    def _run(self) -> None:
        me = threading.current_thread()
        session = requests.Session()  # one per thread: a Session is not safe to share between threads
        try:
            while True:
                with self._cond:
                    taken = self._take(me)
                    if taken is None:
                        return
                delivery, timeout = taken
                status, duration_ms = self._send(session, delivery, timeout)
                if not self._record(delivery, status, duration_ms):
                    return
        finally:
            session.close()
            with self._cond:
                if me in self._threads:
                    self._threads.remove(me)

    def _record(self, delivery: Delivery, status: str, duration_ms: float) -> bool:
        """Record one try: delivered, failed for good (then ``on_exhausted``), or queued for a retry.
        False when the hub closed meanwhile (the sender ends)."""
        exhausted: str | None = None
        with self._cond:
            if self._closed:
                return False
            delivery.attempts += 1
            delivery.statuses.append(status)
            delivery.durations_ms.append(duration_ms)
            if status.startswith("2"):
                delivery.status = "delivered"
                delivery.delivered_at = time.time()
            elif delivery.attempts > len(RETRY_DELAYS_S):
                delivery.status = "failed"
                exhausted = delivery.subscription_id
            else:
                due = time.monotonic() + RETRY_DELAYS_S[delivery.attempts - 1] * self.scale
                heapq.heappush(self._heap, (due, next(self._seq), delivery))
                self._cond.notify_all()
                return True
            callback = self.on_exhausted if exhausted else None
        if callback is not None and exhausted is not None:
            callback(exhausted)
        with self._cond:
            self._busy -= 1
            self._cond.notify_all()
        return True

    def _send(self, session: requests.Session, delivery: Delivery, timeout: float) -> tuple[str, float]:
        """POST one try; returns its outcome (status code, ``timeout`` or ``connection_error``) and how
        many milliseconds it took."""
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": delivery.topic,
            "X-Shopify-Hmac-Sha256": sign(delivery.body, self.client_secret),
            "X-Shopify-Shop-Domain": self.domain,
            "X-Shopify-API-Version": self.api_version,
            "X-Shopify-Webhook-Id": delivery.webhook_id,
            "X-Shopify-Event-Id": delivery.event_id,
            "X-Shopify-Triggered-At": delivery.triggered_at,
            "User-Agent": "Shopify-Captain-Hook",
        }
        started = time.perf_counter()
        try:
            answer = session.post(
                delivery.address,
                data=delivery.body,
                headers=headers,
                timeout=(min(CONNECT_TIMEOUT_S, timeout), timeout),
            )
            outcome = str(answer.status_code)
        except requests.Timeout:
            outcome = "timeout"
        except requests.RequestException:
            outcome = "connection_error"
        return outcome, (time.perf_counter() - started) * 1000.0
