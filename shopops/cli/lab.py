"""``shopops lab``: JupyterLab on the notebooks, started the way that works here.

JupyterLab refuses to start as root without ``--allow-root`` and may move to another port when its own is
taken, so a plain ``jupyter lab notebooks/`` fails in a container and its address has to be fished out
of its log. This starts it on a free port with a token it chooses itself, waits until it answers, and
prints the one address to open.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

PORTS_TRIED = 20
START_TIMEOUT_S = 120.0


def is_root() -> bool:
    """True when running as root (JupyterLab then needs --allow-root)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def free_port(ip: str, first: int) -> int:
    """``first``, or the next port after it that nothing listens on."""
    for port in range(first, first + PORTS_TRIED) if first else [0]:
        with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as probe:
            try:
                probe.bind((ip, port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise click.ClickException(f"ports {first}-{first + PORTS_TRIED - 1} on {ip} are all taken; pass --port")


def lab_command(folder: Path, port: int, ip: str, open_browser: bool) -> list[str]:
    """The JupyterLab command line."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={folder.resolve()}",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",  # the port printed is the port served, or it fails
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.log_level=WARN",
        "--LabApp.log_level=WARN",  # JupyterLab's own start-up notes
    ]
    if is_root():
        command.append("--allow-root")
    return command


def _answers(ip: str, port: int) -> bool:
    try:
        with socket.create_connection((ip if ip not in ("0.0.0.0", "::", "") else "127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run_lab(folder: Path, *, port: int, ip: str, open_browser: bool, echo: Callable[[str], None]) -> int:
    """Serve ``folder`` in JupyterLab until Ctrl-C; the exit code."""
    if not folder.is_dir():
        raise click.BadParameter(
            f"{str(folder)!r} is not a folder; run this in the shopops checkout, or name the notebooks folder",
            param_hint="FOLDER",
        )
    if importlib.util.find_spec("jupyterlab") is None:
        raise click.ClickException("JupyterLab is not installed here: `pip install -e .` installs it with shopops")
    port = free_port(ip, port)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped from outside: stop JupyterLab too, never orphan it
    token = secrets.token_hex(24)
    # the token goes through the environment, not the command line that `ps` shows to every user
    proc = subprocess.Popen(lab_command(folder, port, ip, open_browser), env={**os.environ, "JUPYTER_TOKEN": token})
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(ip, port):
            if proc.poll() is not None:
                echo(f"JupyterLab stopped before it served (exit {proc.returncode}); its messages are above")
                return proc.returncode or 1
            if time.monotonic() > deadline:
                proc.terminate()
                echo(f"JupyterLab did not answer on port {port} within {START_TIMEOUT_S:g}s")
                return 1
            time.sleep(0.2)
        host = socket.gethostname() if ip in ("0.0.0.0", "::", "") else ip
        echo(f"JupyterLab on {folder}/: open http://{host}:{port}/lab?token={token}")
        echo("Ctrl-C stops it.")
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
