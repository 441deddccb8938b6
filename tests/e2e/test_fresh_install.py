"""A new user's first hour, as README tells it: a fresh clone, README's first command (install and the
demo), then the notebook instructions the demo prints (``shopops lab``), and the first notebook run in
JupyterLab in a real browser, every cell without an error.

It installs into a new virtual environment from the package registry, so it takes a few minutes; it
is marked ``browser`` and ``slow`` like the other JupyterLab test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _free_port

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "01-getting-started.ipynb"
INSTALL_TIMEOUT_S = 1200
LAB_ADDRESS = re.compile(r"open (http://\S+/lab\?token=\w+)")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def readme_first_command() -> str:
    """The first shell block under README's "The two commands": install and run the demo."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The two commands", 1)[1]
    return section.split("```bash", 1)[1].split("```", 1)[0].strip()


def test_readme_install_then_shopops_lab_runs_the_first_notebook(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        skip_or_fail("browser", f"no Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError as exc:
        skip_or_fail("browser", f"playwright is not installed ({exc})")
    clone = tmp_path / "shopops"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    command = readme_first_command()
    assert command.startswith("python3 -m venv .venv") and "shopops demo" in command, command
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "SHOPOPS_DB")}
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / ".jupyter")
    demo = subprocess.run(
        command, shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
    )
    assert demo.returncode == 0, (demo.stdout + demo.stderr)[-3000:]
    assert "shopops lab" in demo.stdout, demo.stdout[-2000:]  # the demo says how to open the notebooks

    port = _free_port()
    lab_log = tmp_path / "lab.log"
    with lab_log.open("w") as log:
        lab = subprocess.Popen(
            [str(clone / ".venv" / "bin" / "shopops"), "lab", "--no-browser", "--port", str(port)],
            cwd=clone,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        address = ""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not address:
            found = LAB_ADDRESS.search(lab_log.read_text())
            address = found.group(1) if found else ""
            assert lab.poll() is None, lab_log.read_text()[-2000:]
            time.sleep(0.5)
        assert address, "shopops lab printed no address: " + lab_log.read_text()[-2000:]
        _run_every_cell(address, NOTEBOOK, tmp_path)
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()


def _run_every_cell(address: str, notebook: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(address, wait_until="domcontentloaded")  # the token logs the browser in
            base = address.split("/lab?", 1)[0]
            page.goto(f"{base}/lab/tree/{notebook}", wait_until="domcontentloaded")
            page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
            page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for(timeout=120_000)
            news = page.get_by_role("button", name="No", exact=True)
            if news.count():
                news.first.click()
            page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            cells = page.locator(".jp-Notebook .jp-CodeCell")
            count = cells.count()
            assert count > 0

            def finished() -> bool:
                # every code cell has run (an execution count, no "*") and the kernel is idle again
                prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
                done = all(re.search(r"\[\d+\]", p) for p in prompts) and len(prompts) == count
                return done and page.locator(".jp-StatusBar-TextItem", has_text="Idle").count() > 0

            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not finished():
                time.sleep(1)
            assert finished(), "the notebook did not finish: " + str(
                page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
            )
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
            assert not tracebacks, tracebacks[:2]
            page.screenshot(path=str(ARTIFACTS / "browser-fresh-install-01.png"), full_page=False)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "browser-fresh-install-failure.png"), full_page=True)
            shutil.copy(tmp_path / "lab.log", ARTIFACTS / "browser-fresh-install-lab.log")
            raise
        finally:
            browser.close()
