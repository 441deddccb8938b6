"""JupyterLab in a real Chromium, driven by Playwright: the analyst's loop in 03-run-syncs.

It opens the notebook, runs it, turns background syncs off and on in the shop card, clicks run-now for
sync-orders, and waits until the job view shows the entry finished. A screenshot is kept in
tests/artifacts/. Needs Chromium at /usr/bin/chromium (or $SHOPOPS_CHROMIUM), the playwright package
and JupyterLab; skips without them, except under SHOPOPS_REQUIRE=browser.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "03-run-syncs.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("SHOPOPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CLOSING_CELLS = ("worker.stop(", "ws.close()", "view.styled_log()")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server on loopback serving a copy of 03-run-syncs without its closing cells."""
    if not Path(CHROMIUM).exists():
        skip_or_fail("browser", f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import jupyterlab  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        skip_or_fail("browser", f"{exc.name} is not installed (pip install -e '.[browser]')")
    nb = json.loads(NOTEBOOK.read_text())
    nb["cells"] = [c for c in nb["cells"] if not any(m in "".join(c["source"]) for m in CLOSING_CELLS)]
    (tmp_path / NOTEBOOK.name).write_text(json.dumps(nb))
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter"), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={tmp_path}",
            "--LabApp.news_url=",
            "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "lab.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    import requests

    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/api/status", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start: " + (tmp_path / "lab.log").read_text()[-2000:])
    try:
        yield url, tmp_path
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()


def _shop_allows_background(db: Path) -> bool:
    import shopops

    ws = shopops.open(str(db))
    try:
        return bool(ws.shops["DEMO"].settings.allow_background_sync)
    finally:
        ws.close()


def _sync_orders_entries(db: Path) -> list[int]:
    import shopops

    ws = shopops.open(str(db))
    try:
        entries = ws.queue.entries(report="sync-orders")
        return sorted(int(i) for i in entries["id"])
    finally:
        ws.close()


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_run_syncs_notebook_in_jupyterlab(lab: tuple[str, Path]) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    url, folder = lab
    db = folder / "shopops-notebooks.db"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{url}/lab/tree/{NOTEBOOK.name}", wait_until="domcontentloaded")
            page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
            page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for(timeout=60_000)
            news = page.get_by_role("button", name="No", exact=True)
            if news.count():
                news.first.click()  # the "official Jupyter news?" toast
            page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

            # the shop card: background syncs off, then on again, saved each time
            checkbox = page.locator(".widget-checkbox", has_text="Allow background syncs").locator("input")
            checkbox.wait_for(timeout=120_000)
            assert checkbox.is_checked()
            checkbox.click()
            _wait(lambda: not _shop_allows_background(db), 60, "the card to save background syncs off")
            checkbox.click()
            _wait(lambda: _shop_allows_background(db), 60, "the card to save background syncs on")

            # run now, as the shop card says (the notebook left the panel in foreground mode): sync-orders
            # goes into the queue and the kernel's worker runs it; the notebook ran one sync-orders already,
            # so the view must show this new entry finished
            view = page.locator(".jp-OutputArea-output", has_text="auto refresh")
            view.first.wait_for(timeout=60_000)
            _wait(lambda: len(_sync_orders_entries(db)) == 1, 60, "the notebook's own sync-orders entry")
            page.locator("button", has_text="as the shop card says").first.click()
            page.locator("button.jupyter-button", has_text="sync-orders").first.click()
            _wait(lambda: len(_sync_orders_entries(db)) == 2, 60, "the click to queue a second sync-orders")
            clicked = str(_sync_orders_entries(db)[-1])

            def finished_in_view() -> bool:
                # Refresh redraws the tables, so read the view's text in one go rather than row handles
                # that may go stale between two calls
                try:
                    view.locator("button.jupyter-button", has_text="Refresh").first.click()
                    text = view.first.inner_text(timeout=5_000)
                except PlaywrightError:
                    return False
                return any(
                    line.split("\t", 1)[0].strip() == clicked and "sync-orders" in line and "finished" in line
                    for line in text.splitlines()
                )

            _wait(finished_in_view, 180, "sync-orders to show finished in the job view")
            # the view may redraw under the cursor; the screenshot is for people, not the verdict
            with contextlib.suppress(PlaywrightError):
                view.first.scroll_into_view_if_needed(timeout=5_000)
            page.screenshot(path=str(ARTIFACTS / "browser-03-run-syncs.png"), full_page=False)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "browser-03-run-syncs-failure.png"), full_page=True)
            shutil.copy(folder / "lab.log", ARTIFACTS / "browser-lab.log")
            raise
        finally:
            browser.close()
