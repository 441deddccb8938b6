"""Fixtures for the client's integration tests: a real sandbox over real HTTP (nothing mocks requests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shopops.sandbox import Sandbox


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., Any]]:
    """Start sandboxes with the given options; all are closed after the test."""
    started: list[Any] = []

    def start(**options: Any) -> Any:
        sb = Sandbox(**options)
        sb.start()
        started.append(sb)
        return sb

    yield start
    for sb in started:
        sb.close()


@pytest.fixture(scope="module")
def big_sandbox() -> Iterator[Any]:
    """One shop with 10,000 orders and a roomy custom plan, shared by a module's tests (seeding takes ~7 s).

    Tests that change its fault plan must reset it (``faults.rate = 0``) before they end.
    """
    sb = Sandbox(seed={"orders": 10_000}, plan=(50_000.0, 100_000.0))
    sb.start()
    yield sb
    sb.close()
