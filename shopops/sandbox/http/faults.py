"""Seeded fault injection: HTTP 5xx, INTERNAL_SERVER_ERROR at 200, slow responses, connection resets.

``FaultPlan(rate=0.1, seed=7)`` draws one fault for about one GraphQL request in ten, always the same
sequence for the same seed, so a flaky-network test is reproducible.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

KINDS = ("http_500", "http_503", "internal_error", "slow", "reset")


@dataclass
class FaultPlan:
    """Which faults to inject and how often."""

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = KINDS
    slow_seconds: float = 1.5
    injected: int = field(default=0, init=False)
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        self._rng = random.Random(self.seed)

    def reseed(self, seed: int) -> None:
        """Start the fault sequence of ``seed`` again, so a test sees the same faults whatever ran before it."""
        with self._lock:
            self.seed = seed
            self._rng = random.Random(seed)
            self.injected = 0

    def draw(self) -> str | None:
        """The fault for the next request, or None."""
        if self.rate <= 0 or not self.kinds:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            self.injected += 1
            return self._rng.choice(self.kinds)
