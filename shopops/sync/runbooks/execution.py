"""Notebooks run headless with papermill: parameters checked, the executed copy kept, a failing cell read.

The ``runbook`` report runs a notebook through this module in a worker; ``shopops.runbook.run_runbook``
runs one in the foreground and logs it. papermill is imported only when a notebook runs (it comes with
the ``notebooks`` extra).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopops.errors import ConfigError
from shopops.store.types import utcnow

DEFAULT_CELL_TIMEOUT_S = 1800  # seconds one cell may run when the caller sets no timeout
DEFAULT_OUTPUT_DIR = "runbook-runs"
"""Where executed copies go unless told otherwise (relative to the current directory)."""

REPORT = "runbook"
"""The report name runbook runs are logged under."""

DEFAULT_KERNEL = "python3"
"""The kernel used when the notebook names none."""

SECRET_NAMES = re.compile(r"token|secret|password|passwd|api_?key", re.IGNORECASE)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class RunbookResult:
    """One runbook run: the notebook, where its executed copy is, how it went; prints as a sentence."""

    notebook: Path
    output: Path
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime
    cells: int = 0
    error: str | None = None
    traceback: str | None = None
    log_id: int | None = None

    @property
    def ok(self) -> bool:
        """True when every cell ran."""
        return self.status == "success"

    @property
    def duration_s(self) -> float:
        """Seconds the run took."""
        return (self.ended_at - self.started_at).total_seconds()

    def __repr__(self) -> str:
        tail = f": {self.error}" if self.error else ""
        took = f"{self.status} in {self.duration_s:.1f}s"
        return f"runbook {self.notebook.name}: {took}, executed copy {self.output}{tail}"


def check_parameters(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters as a JSON-safe dict; ConfigError for a value JSON cannot hold or a secret-like name."""
    checked = dict(params or {})
    for name in checked:
        if not isinstance(name, str) or not name.isidentifier():
            raise ConfigError(f"parameters.{name}", "a parameter name must be a Python identifier")
        if SECRET_NAMES.search(name):
            raise ConfigError(
                f"parameters.{name}",
                "looks like a secret; runbook parameters are kept in the executed copy and the job log, "
                "so pass the name of the environment variable that holds it instead (e.g. token_env)",
            )
    try:
        json.dumps(checked)
    except (TypeError, ValueError) as exc:
        raise ConfigError("parameters", f"must be JSON values (text, numbers, true/false, lists): {exc}") from None
    return checked


def output_path(
    notebook: Path, output_dir: str | os.PathLike[str] | None = None, now: dt.datetime | None = None
) -> Path:
    """A new, timestamped path for the executed copy of ``notebook`` (UTC; never an existing file)."""
    folder = Path(output_dir if output_dir is not None else DEFAULT_OUTPUT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    now = now or utcnow()
    stem = f"{notebook.stem}-{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}Z"
    path = folder / f"{stem}.ipynb"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.ipynb"
    return path


def _kernel_and_language(notebook: Path, kernel_name: str | None) -> tuple[str, str]:
    import nbformat

    meta = nbformat.read(str(notebook), as_version=4).get("metadata", {})
    kernel = kernel_name or meta.get("kernelspec", {}).get("name") or DEFAULT_KERNEL
    language = meta.get("kernelspec", {}).get("language") or meta.get("language_info", {}).get("name") or "python"
    return kernel, language


def _quiet_kernel_arguments(kernel: str) -> list[str]:
    """Arguments that keep an IPython kernel's start-up warnings off our stderr (errors still show)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(kernel).argv
    except NoSuchKernel:
        return []
    return ["--Application.log_level=ERROR"] if any("ipykernel" in part for part in argv) else []


def _executed_cells(path: Path) -> int:
    import nbformat

    if not path.exists():
        return 0
    nb = nbformat.read(str(path), as_version=4)
    return sum(1 for cell in nb.cells if cell.cell_type == "code" and cell.get("execution_count"))


def execute_notebook(
    notebook: str | os.PathLike[str],
    params: Mapping[str, Any] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    kernel_name: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout_s: float | None = None,
) -> RunbookResult:
    """Run ``notebook`` headless with ``params`` injected after its ``parameters`` cell; log nothing.

    A failing cell does not raise: the result says ``error`` and the executed copy shows where. Bad
    input (a missing notebook, secret-like or non-JSON parameters) raises ConfigError before anything runs.
    """
    source = Path(notebook)
    if not source.is_file():
        raise ConfigError("notebook", f"{source} does not exist")
    checked = check_parameters(params)
    kernel, language = _kernel_and_language(source, kernel_name)
    target = output_path(source, output_dir)
    started = utcnow()
    error: str | None = None
    trace: str | None = None
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=checked,
            kernel_name=kernel,
            language=language,
            cwd=str(cwd) if cwd is not None else None,
            # a cell that never answers must fail the run rather than hold its worker thread forever
            execution_timeout=int(timeout_s) if timeout_s is not None else DEFAULT_CELL_TIMEOUT_S,
            progress_bar=False,
            log_output=False,
            extra_arguments=_quiet_kernel_arguments(kernel),
        )
    except PapermillExecutionError as exc:
        error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        trace = _ANSI.sub("", "\n".join(exc.traceback))
    except Exception as exc:  # the kernel died, timed out or could not start: still a failed run, logged
        error = f"{type(exc).__name__}: {exc}"
        trace = None
    return RunbookResult(
        notebook=source,
        output=target,
        status="error" if error else "success",
        started_at=started,
        ended_at=utcnow(),
        cells=_executed_cells(target),
        error=error,
        traceback=trace,
    )


__all__ = ["DEFAULT_OUTPUT_DIR", "REPORT", "RunbookResult", "check_parameters", "execute_notebook", "output_path"]
