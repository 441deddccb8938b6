"""Retry policy: which failures are retried, how often, and how long to wait between attempts.

Exponential backoff with "full jitter" (a random delay between ``base * multiplier**n / 2`` and
``base * multiplier**n``), capped at ``cap`` seconds. A server hint (``Retry-After`` on 429, or the
bucket refill time on THROTTLED) is honoured: the delay is at least the hint (also capped by ``max_hint``).

Tests use ``RetryPolicy.fast()`` so a fault-injected run finishes in seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from shopops.shopify.errors import ShopifyError, ThrottledError

#: Default number of retries after the first attempt.
DEFAULT_MAX_RETRIES = 6
#: First backoff delay, in seconds.
DEFAULT_BASE_DELAY = 0.5
#: Longest backoff delay, in seconds.
DEFAULT_MAX_DELAY = 30.0


@dataclass
class RetryPolicy:
    """How the client retries retryable failures.

    ``max_retries`` counts retries after the first attempt; THROTTLED answers have their own, larger
    allowance (``max_throttled_retries``) because they are expected and self-limiting on a busy shop.
    ``rng`` is injectable for deterministic tests.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    max_throttled_retries: int = 30
    base_delay: float = DEFAULT_BASE_DELAY
    multiplier: float = 2.0
    max_delay: float = DEFAULT_MAX_DELAY
    max_hint: float = 120.0
    jitter: bool = True
    rng: random.Random = field(default_factory=random.Random, repr=False)

    @classmethod
    def fast(cls, *, max_retries: int = 8, seed: int | None = 0) -> RetryPolicy:
        """A policy for tests and sandboxes: millisecond delays, many attempts."""
        return cls(
            max_retries=max_retries,
            base_delay=0.005,
            max_delay=0.05,
            max_hint=2.0,
            rng=random.Random(seed),
        )

    def backoff(self, retry_number: int) -> float:
        """Delay before retry ``retry_number`` (1-based), without any server hint."""
        n = max(0, retry_number - 1)
        ceiling = min(self.max_delay, self.base_delay * (self.multiplier**n))
        if not self.jitter:
            return ceiling
        return self.rng.uniform(ceiling / 2, ceiling)

    def delay(self, retry_number: int, error: ShopifyError) -> float:
        """Delay before retry ``retry_number`` after ``error``, honouring Retry-After / refill hints."""
        hint = getattr(error, "retry_after", None)
        if isinstance(error, ThrottledError):
            # The bucket refills at a known rate: wait exactly for it (plus a little jitter), no doubling.
            wait = hint if hint is not None else self.backoff(retry_number)
            return min(self.max_hint, wait) + (self.rng.uniform(0, 0.05) if self.jitter else 0.0)
        base = self.backoff(retry_number)
        if hint is not None:
            return max(base, min(self.max_hint, float(hint)))
        return base

    def allows(self, retry_number: int, error: ShopifyError) -> bool:
        """True when retry ``retry_number`` (1-based) is allowed for ``error``."""
        if not error.retryable:
            return False
        limit = self.max_throttled_retries if isinstance(error, ThrottledError) else self.max_retries
        return retry_number <= limit
