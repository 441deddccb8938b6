"""Backoff computation: exponential, jittered, capped, honouring server hints."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from shopops.shopify import RetryPolicy
from shopops.shopify import errors as e


def test_backoff_doubles_then_caps_without_jitter() -> None:
    p = RetryPolicy(base_delay=1, multiplier=2, max_delay=10, jitter=False)
    assert [p.backoff(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=10_000))
def test_jittered_backoff_stays_in_band(n: int, seed: int) -> None:
    p = RetryPolicy(base_delay=0.5, max_delay=30, rng=random.Random(seed))
    ceiling = min(30, 0.5 * 2 ** (n - 1))
    d = p.backoff(n)
    assert ceiling / 2 <= d <= ceiling


def test_retry_after_is_honoured_but_capped() -> None:
    p = RetryPolicy(base_delay=0.01, jitter=False, max_hint=60)
    assert p.delay(1, e.RateLimitedError("x", retry_after=5)) == 5
    assert p.delay(1, e.RateLimitedError("x", retry_after=500)) == 60


def test_throttled_waits_for_refill_not_backoff() -> None:
    p = RetryPolicy(base_delay=10, jitter=False)
    assert p.delay(3, e.ThrottledError("t", retry_after=0.4)) == 0.4


def test_allows_counts_and_kinds() -> None:
    p = RetryPolicy(max_retries=2, max_throttled_retries=5)
    server = e.ServerError("x", status=502)
    assert p.allows(2, server) and not p.allows(3, server)
    assert p.allows(5, e.ThrottledError("t")) and not p.allows(6, e.ThrottledError("t"))
    assert not p.allows(1, e.AuthenticationError("x", status=401))


def test_fast_policy_is_fast() -> None:
    p = RetryPolicy.fast()
    assert max(p.backoff(n) for n in range(1, 20)) <= 0.05
