"""Running: a report now or in the queue, a notebook as a runbook, workers and the scheduler."""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path
from typing import Any

import click

from shopops.cli.base import cli, params_of, workspace


@cli.command("run")
@click.argument("report")
@click.option("--shop", "shop_code", help="Shop code.")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE", help="A report parameter.")
@click.option("--background/--foreground", default=None, help="Override the shop card's background setting.")
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 10),
    default=None,
    help="Queued runs: how many failed runs before the entry goes to error (default 1; a run lost with its "
    "worker is tried once more).",
)
@click.pass_context
def run(
    ctx: click.Context,
    report: str,
    shop_code: str | None,
    params: tuple[tuple[str, str], ...],
    background: bool | None,
    max_attempts: int | None,
) -> None:
    """Run REPORT (name or BC id) now, or queue it, as the shop card says (`shopops reports` lists them)."""
    ws = workspace(ctx)
    result = ws.run(report, shop_code, background=background, max_attempts=max_attempts, **params_of(params))
    click.echo(repr(result))
    if getattr(result, "status", "") == "error":
        sys.exit(1)


# --- runbooks ----------------------------------------------------------------------------------------


@cli.group("runbook")
def runbook_group() -> None:
    """Notebooks run headless as runbooks (papermill); each run is kept and logged."""


@runbook_group.command("run")
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE", help="A notebook parameter.")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="runbook-runs",
    show_default=True,
    help="Where the executed copy goes.",
)
@click.option("--shop", "shop_code", help="Shop the run is logged under (pass -p shop CODE for the notebook).")
@click.option("--kernel", "kernel_name", help="Jupyter kernel (default: the notebook's, else python3).")
@click.option("--timeout", "timeout_s", type=float, help="Seconds a cell may run.")
@click.pass_context
def runbook_run(
    ctx: click.Context,
    notebook: Path,
    params: tuple[tuple[str, str], ...],
    output_dir: Path,
    shop_code: str | None,
    kernel_name: str | None,
    timeout_s: float | None,
) -> None:
    """Run NOTEBOOK top to bottom headless; print where the executed copy is; exit 1 when a cell failed."""
    from shopops.runbook import run_runbook

    result = run_runbook(
        notebook,
        params_of(params),
        output_dir,
        workspace(ctx),
        shop=shop_code,
        kernel_name=kernel_name,
        timeout_s=timeout_s,
    )
    click.echo(f"executed copy: {result.output}")
    click.echo(f"log entry {result.log_id}: {result.status} in {result.duration_s:.1f}s, {result.cells} cells")
    if not result.ok:
        first_line = (result.error or "").strip().splitlines()[0] if result.error else "unknown error"
        click.echo(f"error: runbook failed at {first_line}", err=True)
        sys.exit(1)


# --- workers and the scheduler -----------------------------------------------------------------------


def _on_signals(stop: Any) -> None:
    def handler(signum: int, _frame: Any) -> None:
        click.echo(f"{signal.Signals(signum).name}: stopping (finishing running entries)", err=True)
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _load_plugins(ws: Any) -> None:
    loaded = ws.registry.load_plugins()
    if loaded:
        click.echo(f"reports loaded from: {', '.join(loaded)}", err=True)


def _settle_heap() -> None:
    """Move everything loaded so far (pandas, SQLAlchemy, the reports) out of the garbage collector's
    sight: a long-running process otherwise stalls ~0.1 s on every full collection of those objects,
    and that pause lands on whichever entry was about to start."""
    gc.collect()
    gc.freeze()


@cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Runner threads.")
@click.option("--until-idle", is_flag=True, help="Exit when nothing is left to do.")
@click.option("--heartbeat", "heartbeat_s", default=5.0, show_default=True, help="Seconds between heartbeats.")
@click.option(
    "--lost-after",
    "lost_after_s",
    default=30.0,
    show_default=True,
    help="Seconds without heartbeat after which a worker counts as lost.",
)
@click.option("--grace", "grace_s", default=30.0, show_default=True, help="Seconds to finish running entries on stop.")
@click.option("--poll", "poll_s", type=float, default=None, help="Seconds between looks when idle.")
@click.pass_context
def worker(
    ctx: click.Context,
    threads: int,
    until_idle: bool,
    heartbeat_s: float,
    lost_after_s: float,
    grace_s: float,
    poll_s: float | None,
) -> None:
    """Run job queue entries (more processes, or other hosts on PostgreSQL); one line per run."""
    ws = workspace(ctx)
    _load_plugins(ws)
    _settle_heap()
    w = ws.queue.worker(
        concurrency=threads, until_idle=until_idle, heartbeat_s=heartbeat_s, lost_after_s=lost_after_s, poll_s=poll_s
    )
    _on_signals(w.request_stop)
    w.start()
    click.echo(f"worker {w.id}: {threads} threads on {ws}", err=True)
    while not w.wait(0.5):
        pass
    w.stop(grace_s=grace_s)
    click.echo(f"worker {w.id}: {w.runs} runs", err=True)


@cli.command("scheduler")
@click.option("--threads", default=2, show_default=True, help="Runner threads of the loop's own worker.")
@click.option("--tick", "tick_s", default=5.0, show_default=True, help="Seconds between ticks.")
@click.option("--keep-log-days", default=30, show_default=True, help="Log retention.")
@click.option("--duration", "duration_s", type=float, default=None, help="Stop after this many seconds.")
@click.pass_context
def scheduler(ctx: click.Context, threads: int, tick_s: float, keep_log_days: int, duration_s: float | None) -> None:
    """Tick the queue (promote, janitor, prune) and run what is due; one line per run."""
    from shopops.queue.scheduler import Scheduler

    ws = workspace(ctx)
    _load_plugins(ws)
    _settle_heap()
    loop = Scheduler(
        ws.queue.store,
        ws.queue.worker(concurrency=threads) if threads else None,
        tick_s=tick_s,
        keep_log_days=keep_log_days,
    )
    _on_signals(loop.stop)
    click.echo(f"scheduler on {ws}: tick every {tick_s:g}s, {threads} threads", err=True)
    loop.run(duration_s=duration_s)
