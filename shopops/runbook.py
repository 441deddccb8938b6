"""Runbooks: notebooks run headless with papermill; the executed copy is kept and the run is logged.

    from shopops.runbook import run_runbook
    result = run_runbook("notebooks/04-job-queue.ipynb", {"shop": "DEMO"}, ws=ws)
    result.ok, result.output, result.error, result.log_id

From the shell: ``shopops runbook run notebooks/04-job-queue.ipynb -p shop DEMO``. As a job queue entry,
recurring like any other report::

    ws.queue.enqueue("runbook", params={"notebook": "notebooks/04-job-queue.ipynb",
                                        "parameters": {"shop": "DEMO"}},
                     recurrence=shopops.Recurrence(date_formula="<1D>", at="06:00", tz="Europe/Copenhagen"))

Each run writes ``<notebook>-<UTC time>.ipynb`` into the output directory (``./runbook-runs/`` by
default): the notebook as executed, outputs and the failing cell included, so a failed run can be read
the next morning. Parameters land in that copy and in the job log, so a token is never a parameter:
pass the name of the environment variable that holds it (parameters named like a secret are refused).
papermill is imported only when a runbook runs (it comes with the ``notebooks`` extra).
"""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shopops.errors import ConfigError
from shopops.queue import Outcome
from shopops.sync.runbooks.execution import (
    DEFAULT_OUTPUT_DIR,
    REPORT,
    RunbookResult,
    check_parameters,
    execute_notebook,
)

if TYPE_CHECKING:
    from shopops.workspace import Workspace


def _outcome(result: RunbookResult) -> Outcome:
    """The figures the job log keeps for a runbook run."""
    return Outcome(stats={"cells": result.cells, "output": str(result.output)}, api_cost=0.0)


def run_runbook(
    notebook: str | os.PathLike[str],
    params: Mapping[str, Any] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    ws: Workspace | None = None,
    *,
    shop: str | None = None,
    kernel_name: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout_s: float | None = None,
) -> RunbookResult:
    """Run a notebook headless, keep the executed copy in ``output_dir`` and leave a job log entry.

    The log entry (report ``runbook``, foreground) goes into ``ws``, or into the default workspace
    (``shopops.open()``: $SHOPOPS_DB or ./shopops.db) when none is given. ``shop`` only labels the log
    entry; pass it in ``params`` too if the notebook needs it. Returns the RunbookResult; a failing
    cell is a result with status ``error``, not an exception.
    """
    source = Path(notebook)
    if not source.is_file():
        raise ConfigError("notebook", f"{source} does not exist")
    checked = check_parameters(params)
    own = ws is None
    if ws is None:
        import shopops

        ws = shopops.open()
    try:
        if shop is not None:
            ws.shops[shop]  # NotFound, with the shops there are
        worker = f"runbook:{socket.gethostname()}:{os.getpid()}"
        logged = {"notebook": str(source), "parameters": checked}
        log_id = ws.queue.store.open_foreground_log(None, REPORT, shop, logged, worker)
        try:
            result = execute_notebook(
                source, checked, output_dir, kernel_name=kernel_name, cwd=cwd, timeout_s=timeout_s
            )
        except BaseException as exc:
            ws.queue.store.close_log(log_id, outcome=None, error=f"{type(exc).__name__}: {exc}", traceback=None)
            raise
        ws.queue.store.close_log(log_id, outcome=_outcome(result), error=result.error, traceback=result.traceback)
        return dataclasses.replace(result, log_id=log_id)
    finally:
        if own:
            ws.close()


__all__ = ["DEFAULT_OUTPUT_DIR", "RunbookResult", "check_parameters", "execute_notebook", "run_runbook"]
