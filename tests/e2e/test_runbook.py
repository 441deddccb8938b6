"""Runbooks: ``shopops runbook run`` keeps the executed copy and logs the run; the ``runbook`` report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import shopops
from shopops.runbook import run_runbook


def write_notebook(path: Path) -> Path:
    """A two-cell runbook: parameters ``expected`` and ``given``; fails when they differ."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('expected = "a"\ngiven = "a"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell('print("given", given)\nassert given == expected, "not as expected"')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def sh(db: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shopops", "--db", str(db), "--create", *args],  # the database is new
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ},
        timeout=180,
    )


def executed_outputs(path: Path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    return json.dumps([cell.get("outputs", []) for cell in nb.cells])


def test_cli_runbook_run_keeps_the_copy_and_logs_the_run(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "check.ipynb")
    db = tmp_path / "runbook.db"
    out = tmp_path / "runs"
    ok = sh(db, tmp_path, "runbook", "run", str(notebook), "-p", "given", "a", "--output-dir", str(out))
    assert ok.returncode == 0, ok.stderr
    copy = Path(ok.stdout.split("executed copy: ")[1].splitlines()[0])
    assert copy.parent == out and copy.exists() and copy.name.startswith("check-")
    assert "given a" in executed_outputs(copy)

    bad = sh(db, tmp_path, "runbook", "run", str(notebook), "-p", "given", "b", "--output-dir", str(out))
    assert bad.returncode == 1
    assert [line for line in bad.stderr.splitlines() if line.strip()] == [
        "error: runbook failed at cell 3: AssertionError: not as expected"
    ]
    failed_copy = Path(bad.stdout.split("executed copy: ")[1].splitlines()[0])
    assert failed_copy.exists() and failed_copy != copy
    assert "not as expected" in executed_outputs(failed_copy)

    with shopops.open(str(db)) as ws:
        log = ws.queue.log()
        assert log["report"].tolist() == ["runbook", "runbook"]
        assert log["status"].tolist() == ["error", "success"]
        assert log["foreground"].all()
        assert log.iloc[1]["stats"] == {"cells": 3, "output": str(copy)}  # with the injected parameters
        assert "AssertionError" in (ws.queue.traceback(int(log.iloc[0]["id"])) or "")


def test_cli_runbook_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "check.ipynb")
    db = tmp_path / "runbook.db"
    missing = sh(db, tmp_path, "runbook", "run", str(tmp_path / "nope.ipynb"))
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    secret = sh(db, tmp_path, "runbook", "run", str(notebook), "-p", "shop_token", "x")
    assert secret.returncode == 1
    assert [line for line in secret.stderr.splitlines() if line.strip()] == [
        "error: parameters.shop_token: looks like a secret; runbook parameters are kept in the executed copy and "
        "the job log, so pass the name of the environment variable that holds it instead (e.g. token_env)"
    ]


def test_run_runbook_in_python(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "check.ipynb")
    with shopops.open(f"sqlite:///{tmp_path}/api.db") as ws:
        result = run_runbook(notebook, {"given": "a"}, tmp_path / "runs", ws)
        assert result.ok and result.cells == 3 and result.log_id is not None
        assert "runbook check.ipynb: success" in repr(result)
        assert ws.queue.log()["status"].tolist() == ["success"]


def test_runbook_report_runs_from_the_queue(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "check.ipynb")
    out = tmp_path / "queued"
    with shopops.open(f"sqlite:///{tmp_path}/queue.db") as ws:
        assert "runbook" in set(ws.reports["name"])
        ws.queue.enqueue(
            "runbook", params={"notebook": str(notebook), "parameters": {"given": "a"}, "output_dir": str(out)}
        )
        ws.queue.enqueue(
            "runbook", params={"notebook": str(notebook), "parameters": '{"given": "b"}', "output_dir": str(out)}
        )
        with pytest.raises(shopops.ConfigError, match=r"runbook\.parameters: expected JsonObject"):
            ws.queue.enqueue("runbook", params={"notebook": str(notebook), "parameters": "not json"})
        ws.queue.work(concurrency=1, until_idle=True, timeout=120)
        log = ws.queue.log().sort_values("id")
        assert log["status"].tolist() == ["success", "error"]
        assert log.iloc[0]["stats"]["cells"] == 3
        assert "AssertionError: not as expected" in log.iloc[1]["error"]
        assert "executed copy" in log.iloc[1]["error"]
        assert len(list(out.glob("check-*.ipynb"))) == 2
