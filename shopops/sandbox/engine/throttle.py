"""Shopify's cost-based leaky bucket, one per shop and token.

A request needs its *requested* cost in the bucket before it runs; afterwards the difference between
requested and actual cost is refunded. The bucket refills at ``restore_rate`` points per second up to
``maximum``. Plans follow the observed Shopify figures (bucket = 20 x restore rate).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Plan:
    """Restore rate (points/s) and bucket size of a plan."""

    name: str
    restore_rate: float
    maximum: float


PLANS: dict[str, Plan] = {
    "standard": Plan("standard", 100.0, 2000.0),
    "advanced": Plan("advanced", 200.0, 4000.0),
    "plus": Plan("plus", 1000.0, 20000.0),
    "enterprise": Plan("enterprise", 2000.0, 40000.0),
}


def resolve_plan(plan: str | Plan | tuple[float, float]) -> Plan:
    """A Plan from a name, a Plan, or ``(restore_rate, maximum)`` for a custom (e.g. tiny) bucket."""
    if isinstance(plan, Plan):
        return plan
    if isinstance(plan, tuple):
        return Plan("custom", float(plan[0]), float(plan[1]))
    try:
        return PLANS[plan.lower()]
    except KeyError:
        raise ValueError(f"unknown plan {plan!r}; choose one of {', '.join(PLANS)}") from None


@dataclass
class LeakyBucket:
    """The points available to one token on one shop."""

    plan: Plan
    available: float = -1.0
    stamp: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.available < 0:
            self.available = self.plan.maximum

    def _refill(self) -> None:
        now = time.monotonic()
        self.available = min(self.plan.maximum, self.available + (now - self.stamp) * self.plan.restore_rate)
        self.stamp = now

    def take(self, requested: int) -> bool:
        """Take ``requested`` points if they are there; False means THROTTLED."""
        with self.lock:
            self._refill()
            if requested > self.available:
                return False
            self.available -= requested
            return True

    def refund(self, points: float) -> None:
        """Give back points not spent (requested - actual)."""
        with self.lock:
            self._refill()
            self.available = min(self.plan.maximum, self.available + max(points, 0))

    def status(self) -> dict[str, float | int]:
        """``throttleStatus`` as Shopify reports it."""
        with self.lock:
            self._refill()
            return {
                "maximumAvailable": self.plan.maximum,
                "currentlyAvailable": int(self.available),
                "restoreRate": self.plan.restore_rate,
            }
