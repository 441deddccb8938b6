"""Fixtures every sync test shares: a shop card for a sandbox shop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

TOKEN_ENV = "SANDBOX_TOKEN"


@pytest.fixture
def add_sandbox_shop(ws: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """``add_sandbox_shop(sandbox, code, token=None, **card)``: a shop card on ``ws`` for a sandbox shop.

    The token goes into ``$SANDBOX_TOKEN`` (the card names the variable, never the token); pass ``token``
    for a token of its own (and so a cost bucket of its own). Background syncs are off unless the card
    says otherwise, so that ``ws.run`` runs the report here and returns its RunResult.
    """

    def add(sandbox: Any, code: str = "SBX", *, token: str | None = None, **card: Any) -> str:
        monkeypatch.setenv(TOKEN_ENV, token or sandbox.token)
        card.setdefault("allow_background_sync", False)
        ws.shops.add(code, url=sandbox.url, token_env=TOKEN_ENV, **card)
        return code

    return add
