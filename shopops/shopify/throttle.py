"""Cost-bucket pacing: wait *before* sending so the shop's leaky bucket never runs dry.

Shopify reports ``extensions.cost.throttleStatus`` ({maximumAvailable, currentlyAvailable, restoreRate})
on every answer. The pacer keeps an estimate of the bucket: the last reported level, refilled at the
restore rate since then, minus the requested cost of calls sent since. Before a call whose expected cost
(the last requested cost of the same document) exceeds the estimate, it sleeps for the difference divided
by the restore rate. A long sync thus runs at the restore rate and is seldom THROTTLED.

The clock and the sleep function are injectable so the arithmetic can be tested without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: Extra points kept in the bucket beyond the expected cost, to absorb rounding and clock error.
DEFAULT_MARGIN = 1.0


@dataclass(frozen=True)
class ThrottleStatus:
    """The bucket as Shopify reported it."""

    maximum: float
    available: float
    restore_rate: float


@dataclass(frozen=True)
class CostInfo:
    """The ``extensions.cost`` block of one answer."""

    requested: float | None
    actual: float | None
    status: ThrottleStatus | None


def _num(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def parse_cost(body: Mapping[str, Any]) -> CostInfo:
    """Read ``extensions.cost`` from a response body (ints or floats; missing parts are None)."""
    ext = body.get("extensions")
    cost = ext.get("cost") if isinstance(ext, Mapping) else None
    if not isinstance(cost, Mapping):
        return CostInfo(None, None, None)
    ts = cost.get("throttleStatus")
    status = None
    if isinstance(ts, Mapping):
        mx, av, rr = (
            _num(ts.get("maximumAvailable")),
            _num(ts.get("currentlyAvailable")),
            _num(ts.get("restoreRate")),
        )
        if mx is not None and av is not None and rr is not None:
            status = ThrottleStatus(mx, av, rr)
    return CostInfo(_num(cost.get("requestedQueryCost")), _num(cost.get("actualQueryCost")), status)


class ThrottlePacer:
    """Tracks one shop's cost bucket and tells the client how long to wait before the next call.

    Thread-safe: concurrent callers each reserve their expected cost from the estimate.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = DEFAULT_MARGIN,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self.margin = margin
        self._lock = threading.Lock()
        self._status: ThrottleStatus | None = None
        self._level = 0.0  # estimated points available at time _at
        self._at = 0.0
        self._expected: dict[str, float] = {}

    @property
    def status(self) -> ThrottleStatus | None:
        """The last bucket status Shopify reported (None before the first answer)."""
        return self._status

    def expected_cost(self, key: str) -> float | None:
        """The last requested cost seen for the document ``key`` (None if never sent)."""
        return self._expected.get(key)

    def estimate(self) -> float | None:
        """Points estimated to be available now (None before the first answer)."""
        with self._lock:
            return self._estimate_locked(self._clock())

    def _estimate_locked(self, now: float) -> float | None:
        if self._status is None:
            return None
        refill = (now - self._at) * self._status.restore_rate
        return min(self._status.maximum, self._level + max(0.0, refill))

    def wait_needed(self, cost: float | None) -> float:
        """Seconds to wait before a call of ``cost`` points (0 when unknown or affordable)."""
        with self._lock:
            return self._wait_locked(cost, self._clock())

    def _wait_locked(self, cost: float | None, now: float) -> float:
        est = self._estimate_locked(now)
        if cost is None or est is None or self._status is None or self._status.restore_rate <= 0:
            return 0.0
        need = min(cost + self.margin, self._status.maximum)
        if est >= need:
            return 0.0
        return (need - est) / self._status.restore_rate

    def acquire(self, key: str) -> float:
        """Block until the bucket should hold the expected cost of ``key``; reserve it. Returns seconds slept."""
        cost = self._expected.get(key)
        with self._lock:
            now = self._clock()
            wait = self._wait_locked(cost, now)
            est = self._estimate_locked(now)
            if est is not None and cost is not None:
                # reserve the points now, at the time the call will go out
                self._level = est + wait * (self._status.restore_rate if self._status else 0.0) - cost
                self._at = now + wait
        if wait > 0:
            self._sleep(wait)
        return wait

    def update(self, key: str, info: CostInfo) -> None:
        """Learn from an answer: the bucket level and the document's requested cost."""
        with self._lock:
            if info.requested is not None:
                self._expected[key] = info.requested
            if info.status is not None:
                self._status = info.status
                self._level = info.status.available
                self._at = self._clock()
