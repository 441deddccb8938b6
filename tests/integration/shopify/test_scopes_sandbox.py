"""A token with exactly ``scopes.required_scopes()`` runs every sync; one scope less and its sync is refused.

The sandbox checks scopes on every guarded field and mutation with its own map, so this is the list a
shop owner would grant, tried end to end over HTTP.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import shopops
from shopops.demo import PIPELINE
from shopops.demo_shop import prepare_shop
from shopops.sandbox import Sandbox
from shopops.shopify import scopes

TOKEN_ENV = "SHOPOPS_SCOPES_TEST_TOKEN"


def test_the_listed_scopes_run_every_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    granted = [need.scope for need in scopes.required_scopes()]
    with Sandbox(seed="small", plan="plus", scopes=granted) as box:
        lacking = box.shop.add_token([s for s in granted if s != "write_inventory"])
        monkeypatch.setenv(TOKEN_ENV, box.token)
        ws = shopops.open(f"sqlite:///{tmp_path}/scopes.db")
        try:
            prepare_shop(ws, "DEMO", url=box.url, token_env=TOKEN_ENV)
            monkeypatch.setenv(TOKEN_ENV, lacking)
            refused = ws.run("sync-inventory", shop="DEMO", background=False)
            assert not refused.ok and "write_inventory" in (refused.error or "")
            monkeypatch.setenv(TOKEN_ENV, box.token)
            for report in PIPELINE:  # the demo's day: catalog, orders to cash, stock, images, payouts
                result = ws.run(report, shop="DEMO", background=False)
                assert result.ok, f"{report}: {result.error}"
        finally:
            ws.close()
