"""The sandbox's fault plan: reproducible sequences and a count of what it injected."""

from __future__ import annotations

import pytest

from shopops.sandbox.http.faults import FaultPlan


def test_reseed_replays_the_same_faults_and_counts_them() -> None:
    plan = FaultPlan(rate=0.3, seed=11)
    first = [plan.draw() for _ in range(200)]
    assert plan.injected == sum(1 for f in first if f) > 30
    plan.reseed(11)
    assert plan.injected == 0
    assert [plan.draw() for _ in range(200)] == first
    plan.reseed(12)
    assert [plan.draw() for _ in range(200)] != first


def test_no_rate_no_faults_and_bad_settings_are_named() -> None:
    plan = FaultPlan()
    assert {plan.draw() for _ in range(100)} == {None} and plan.injected == 0
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(kinds=("http_418",))
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultPlan(rate=2.0)
