"""Fixtures for the widget tests: a workspace on a temporary SQLite file with one shop, and a sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import shopops
from shopops.sandbox import Sandbox

TOKEN_ENV = "SHOPOPS_UI_TEST_TOKEN"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A local shop (loopback HTTP), shared by the tests of a module."""
    with Sandbox(seed="tiny") as box:
        yield box


@pytest.fixture
def ws(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[shopops.Workspace]:
    """A workspace with shop DEMO on the sandbox; background syncs off (each test says what it wants)."""
    monkeypatch.setenv(TOKEN_ENV, sandbox.token)
    workspace = shopops.open(f"sqlite:///{tmp_path}/ui.db")
    workspace.shops.add("DEMO", url=sandbox.url, token_env=TOKEN_ENV, allow_background_sync=False)
    try:
        yield workspace
    finally:
        workspace.close()
