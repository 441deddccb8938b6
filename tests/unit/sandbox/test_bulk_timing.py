"""Bulk timing specs and the paced progress of a running bulk query (no server)."""

from __future__ import annotations

import math

import pytest

from shopops.sandbox.bulk.progress import Progress
from shopops.sandbox.state.bulk_timing import BulkTiming, resolve_bulk_timing


def test_specs_name_a_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPOPS_SANDBOX_BULK_TIMING", raising=False)
    assert resolve_bulk_timing(None) == BulkTiming(1.0, 1000.0, "shopify")
    assert resolve_bulk_timing("instant").objects_per_second == math.inf
    assert resolve_bulk_timing("2,500") == BulkTiming(2.0, 500.0)
    assert resolve_bulk_timing((0.5, 50)) == BulkTiming(0.5, 50.0)
    monkeypatch.setenv("SHOPOPS_SANDBOX_BULK_TIMING", "Instant")
    assert resolve_bulk_timing(None).name == "instant"
    for bad in ("fast", "1", "-1,100", "1,0"):
        with pytest.raises(ValueError, match="bulk timing"):
            resolve_bulk_timing(bad)


def test_seconds_for_a_number_of_objects() -> None:
    assert BulkTiming(1.0, 1000.0).seconds_for(50_000) == 50.0
    assert resolve_bulk_timing("instant").seconds_for(50_000) == 0.0


def test_progress_shows_no_more_than_the_rate_allows() -> None:
    progress = Progress(100.0)
    assert progress.shown(5.0) == (0, 0)  # not RUNNING yet
    progress.started = 10.0
    progress.produced, progress.produced_roots = 1000, 250
    assert progress.shown(10.0) == (0, 0)
    assert progress.shown(12.5) == (250, 62)
    assert progress.shown(30.0) == (1000, 250)  # never past what was produced
    assert progress.paced_end() == 20.0
    instant = Progress(math.inf, started=3.0, produced=7, produced_roots=2)
    assert instant.shown(3.0) == (7, 2) and instant.paced_end() == 3.0
