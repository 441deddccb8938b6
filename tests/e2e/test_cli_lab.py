"""`shopops lab`: JupyterLab on the notebooks, also as root, at the one address it prints; stopped, it
takes JupyterLab with it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_lab_serves_the_notebooks_and_prints_the_address(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "shopops", "lab", "--no-browser", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline and "open http" not in line:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        found = re.search(r"JupyterLab on notebooks/: open (http://127\.0\.0\.1:(\d+)/lab\?token=(\w+))", line)
        assert found, line
        assert int(found.group(2)) == port  # the port asked for, and the one printed, is the one served
        token = found.group(3)
        page = requests.get(found.group(1), timeout=30)
        assert page.status_code == 200 and "JupyterLab" in page.text
        contents = requests.get(f"http://127.0.0.1:{port}/api/contents", params={"token": token}, timeout=30)
        names = {item["name"] for item in contents.json()["content"]}
        assert "01-getting-started.ipynb" in names  # served from notebooks/
        refused = requests.get(f"http://127.0.0.1:{port}/api/contents", params={"token": "wrong"}, timeout=30)
        assert refused.status_code == 403
        assert token not in " ".join(proc.args)  # the token went through the environment, not the command line
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    with pytest.raises(requests.ConnectionError):  # JupyterLab stopped with it
        requests.get(f"http://127.0.0.1:{port}/api/status", timeout=5)


def test_lab_without_the_notebooks_folder_says_how(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "shopops", "lab", "--no-browser"], cwd=tmp_path, capture_output=True, text=True
    )
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "'notebooks' is not a folder; run this in the shopops checkout, or name the notebooks folder" in lines[0]


@pytest.mark.slow
def test_the_demo_ends_saying_how_to_open_the_notebooks(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    proc = subprocess.run(
        [sys.executable, "-m", "shopops", "demo", "--seed", "tiny", "--db-file", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.rstrip().splitlines()[-2:]
    assert re.fullmatch(r"  shopops lab +the notebooks in JupyterLab: prints the address to open", last[0])
    assert "`jupyter lab notebooks/` refuses to start without --allow-root; `shopops lab` adds it" in last[1]
    assert "shopops.runs" not in proc.stderr  # the demo's own table says what ran
