"""The shopops command: the queue from the shell, schedule files, plugins, and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def sh(db: Path, *args: str, env: dict[str, str] | None = None, ok: bool = True) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "shopops", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A new, empty shopops database (commands other than `shop add` and `db upgrade` refuse a missing one)."""
    import shopops

    path = tmp_path / "cli.db"
    shopops.open(str(path)).close()
    return path


def test_queue_commands(db: Path) -> None:
    sh(db, "shop", "add", "DEMO", "--url", "https://demo.myshopify.com", "--token-env", "DEMO_TOKEN")
    queued = sh(db, "run", "pause", "-p", "seconds", "0.05", "--background").stdout
    assert "#1 pause" in queued and "ready" in queued
    sh(db, "queue", "hold", "1")
    assert "on_hold" in sh(db, "queue", "list").stdout
    sh(db, "queue", "ready", "1")
    sh(db, "worker", "--until-idle", "--threads", "2")
    assert "finished" in sh(db, "queue", "list").stdout
    assert "success" in sh(db, "queue", "log").stdout
    assert "foreground" not in sh(db, "run", "noop").stderr
    sh(db, "queue", "delete", "1")
    assert "(none)" in sh(db, "queue", "list").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "no-such-report"], "unknown report 'no-such-report'"),
        (["run", "pause", "-p", "seconds", "soon"], "pause.seconds: expected float"),
        (["queue", "ready", "42"], "no job queue entry 42"),
        (["queue", "ready", "x"], "'x' is not a valid integer"),
        (["shop", "add", "bad code", "--url", "https://x.myshopify.com", "--token-env", "T"], "code:"),
        (["shop", "set", "NOPE", "enabled=false"], "no shop 'NOPE'"),
        (["nonsense"], "No such command"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(db: Path, args: list[str], message: str) -> None:
    proc = sh(db, *args, ok=False)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert message in lines[0]


def test_schedule_apply_is_idempotent(db: Path, tmp_path: Path) -> None:
    sh(db, "shop", "add", "DEMO", "--url", "https://demo.myshopify.com", "--token-env", "DEMO_TOKEN")
    plan = tmp_path / "schedule.toml"
    plan.write_text(
        textwrap.dedent(
            """
            [[entry]]
            key = "pause-15"
            report = "pause"
            category = "SHOPIFY"
            every_minutes = 15
            weekdays = "Mon-Fri"
            between = ["06:00", "22:00"]
            tz = "Europe/Copenhagen"
            params = { seconds = 0.01 }

            [[entry]]
            key = "monthly"
            report = "noop"
            date_formula = "<CM+1D>"
            at = "02:00"
            tz = "America/New_York"
            """
        )
    )
    assert "2 created, 0 updated, 0 unchanged" in sh(db, "schedule", "apply", str(plan)).stdout
    assert "0 created, 0 updated, 2 unchanged" in sh(db, "schedule", "apply", str(plan)).stdout
    plan.write_text(plan.read_text().replace("every_minutes = 15", "every_minutes = 30"))
    assert "0 created, 1 updated, 1 unchanged" in sh(db, "schedule", "apply", str(plan)).stdout
    listing = sh(db, "queue", "list").stdout
    assert "every 30 min Mon-Fri 06:00-22:00 Europe/Copenhagen" in listing
    assert "on <CM+1D> at 02:00 America/New_York" in listing
    bad = tmp_path / "bad.toml"
    bad.write_text('[[entry]]\nkey = "x"\nreport = "noop"\nevery_minute = 5\n')
    proc = sh(db, "schedule", "apply", str(bad), ok=False)
    assert proc.returncode == 1 and "every_minute" in proc.stderr


def test_worker_loads_team_reports_from_plugins(db: Path, tmp_path: Path) -> None:
    (tmp_path / "team_reports.py").write_text(
        textwrap.dedent(
            """
            import shopops

            @shopops.report("team-export", params={"days": int}, needs_shop=False)
            def team_export(ctx, params):
                ctx.stats["days"] = params["days"]
            """
        )
    )
    env = {"SHOPOPS_PLUGINS": "team_reports", "PYTHONPATH": str(tmp_path)}
    # enqueue through Python with the plugin imported, then run it in a worker that loads it
    code = (
        f"import shopops, team_reports; ws = shopops.open({str(db)!r}); "
        "ws.queue.enqueue('team-export', params={'days': 3})"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, **env})
    sh(db, "worker", "--until-idle", env=env)
    assert "success" in sh(db, "queue", "log").stdout
    # a worker without the plugin fails the entry clearly instead of losing it
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, **env})
    sh(db, "worker", "--until-idle")
    failed = sh(db, "queue", "list", "--status", "error").stdout
    assert "team-export" in failed and "unknown report" in failed


def test_scheduler_runs_due_entries_and_stops(db: Path) -> None:
    sh(db, "run", "pause", "-p", "seconds", "0.01", "--background")
    sh(db, "scheduler", "--tick", "0.2", "--duration", "2")
    assert "finished" in sh(db, "queue", "list").stdout


def test_db_upgrade(tmp_path: Path) -> None:
    from shopops.store.schema import head_revision

    assert f"none -> {head_revision()}" in sh(tmp_path / "new.db", "db", "upgrade").stdout
