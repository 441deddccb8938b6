"""API cost accounting: what a client (or one report run) spent.

``ClientStats`` sums every call: HTTP requests sent, requested and actual query cost, throttle waits
(count and seconds, both the pacer's own waits and waits after a THROTTLED answer), THROTTLED answers,
retries and failed calls. A report records its own share with a snapshot and a diff::

    before = client.stats.snapshot()
    ...                                   # the report's API calls
    spent = client.stats.since(before)    # a ClientStats holding only the difference
    log_entry.api_cost = spent.as_dict()
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class ClientStats:
    """Running totals of a client's API usage. Read them any time; use ``snapshot``/``since`` per run."""

    calls: int = 0
    requested_cost: float = 0.0
    actual_cost: float = 0.0
    throttle_waits: int = 0
    throttle_wait_seconds: float = 0.0
    throttled: int = 0
    retries: int = 0
    errors: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record_call(self, requested: float | None, actual: float | None) -> None:
        """Count one HTTP request and the cost it reported."""
        with self._lock:
            self.calls += 1
            self.requested_cost += requested or 0.0
            self.actual_cost += actual or 0.0

    def record_wait(self, seconds: float) -> None:
        """Count one wait for the cost bucket."""
        with self._lock:
            self.throttle_waits += 1
            self.throttle_wait_seconds += seconds

    def record_throttled(self) -> None:
        """Count one THROTTLED answer."""
        with self._lock:
            self.throttled += 1

    def record_retry(self) -> None:
        """Count one retry (a second or later attempt of the same call)."""
        with self._lock:
            self.retries += 1

    def record_error(self) -> None:
        """Count one call that ended in an error raised to the caller."""
        with self._lock:
            self.errors += 1

    def snapshot(self) -> ClientStats:
        """A frozen copy of the current totals."""
        with self._lock:
            return ClientStats(**self._values())

    def since(self, earlier: ClientStats) -> ClientStats:
        """What was spent since ``earlier`` (a snapshot of the same stats)."""
        return self.snapshot() - earlier

    def __sub__(self, other: ClientStats) -> ClientStats:
        mine, theirs = self._values(), other._values()
        return ClientStats(**{k: mine[k] - theirs[k] for k in mine})

    def __add__(self, other: ClientStats) -> ClientStats:
        mine, theirs = self._values(), other._values()
        return ClientStats(**{k: mine[k] + theirs[k] for k in mine})

    def _values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers, JSON-ready (costs rounded to 3 decimals)."""
        d = self.snapshot()._values()
        for k in ("requested_cost", "actual_cost", "throttle_wait_seconds"):
            d[k] = round(float(d[k]), 3)
        return d

    def __str__(self) -> str:
        return (
            f"{self.calls} calls, cost {self.actual_cost:g} actual / {self.requested_cost:g} requested, "
            f"{self.throttle_waits} throttle waits ({self.throttle_wait_seconds:.1f}s), "
            f"{self.throttled} throttled, {self.retries} retries, {self.errors} errors"
        )
