"""`shopops webhooks register|list|delete` as a user runs them, against the sandbox: what changed in one
line, idempotent, and every bad argument one line on stderr with a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import shopops
from shopops.sandbox import Sandbox

TOKEN_ENV = "SHOPOPS_CLI_WEBHOOK_TOKEN"
HOOKS = "http://127.0.0.1:8765/hooks"


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(seed="tiny") as sandbox:
        yield sandbox


@pytest.fixture
def db(tmp_path: Path, box: Sandbox) -> Path:
    """A database with shop SBX on the sandbox; the sandbox starts with no subscriptions."""
    box.state.table("WebhookSubscription").clear()
    path = tmp_path / "hooks.db"
    with shopops.open(str(path)) as ws:
        ws.shops.add("SBX", url=box.url, token_env=TOKEN_ENV)
    return path


def sh(
    db: Path, box: Sandbox, *args: str, token: str | None = None, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, TOKEN_ENV: token or box.token}
    proc = subprocess.run(
        [sys.executable, "-m", "shopops", "--db", str(db), "webhooks", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_register_list_delete(db: Path, box: Sandbox) -> None:
    first = sh(db, box, "register", "--shop", "SBX", "--address", HOOKS).stdout
    assert f"SBX at {HOOKS}: created 6, updated 0, unchanged 0" in first
    assert "created 0, updated 0, unchanged 6" in sh(db, box, "register", "--shop", "SBX", "--address", HOOKS).stdout
    listed = sh(db, box, "list", "--shop", "SBX").stdout
    assert "orders/create" in listed and "app/uninstalled" in listed and HOOKS in listed
    assert len(listed.strip().splitlines()) == 1 + 6  # the header, six subscriptions
    moved = sh(db, box, "register", "--shop", "SBX", "--address", "https://erp.example.com/hooks").stdout
    assert "created 0, updated 6, unchanged 0" in moved
    with shopops.open(str(db)) as ws:
        assert ws.shops["SBX"].settings.webhook_address == "https://erp.example.com/hooks"
    assert "SBX: deleted 6" in sh(db, box, "delete", "--shop", "SBX").stdout
    assert "(none)" in sh(db, box, "list", "--shop", "SBX").stdout
    assert box.token not in first + listed + moved


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["register", "--shop", "SBX", "--address", "ftp://erp.example.com/hooks"], "address:"),
        (["register", "--shop", "SBX", "--address", "http://erp.example.com/hooks"], "only to https"),
        (["delete", "--shop", "SBX", "--address", "nope"], "is not a webhook address"),
        (["register", "--shop", "SBX"], "--address"),
        (["register", "--shop", "NOPE", "--address", HOOKS], "no shop 'NOPE'"),
        (["list", "--shop", "SBX", "--token", "x"], "No such option"),
    ],
)
def test_bad_arguments_exit_nonzero_with_one_line(db: Path, box: Sandbox, args: list[str], message: str) -> None:
    proc = sh(db, box, *args, ok=False)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert message in lines[0]


def test_shopify_refusals_are_one_line_without_the_token(db: Path, box: Sandbox) -> None:
    wrong = "shpat_not_a_token_of_this_shop_000000"
    proc = sh(db, box, "list", "--shop", "SBX", token=wrong, ok=False)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: shop SBX:") and wrong not in proc.stderr
    limited = box.shop.add_token(scopes=["read_products"])
    proc = sh(db, box, "register", "--shop", "SBX", "--address", HOOKS, token=limited, ok=False)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert "read_orders" in lines[0] and limited not in proc.stderr
    assert box.state.table("WebhookSubscription") == {}
