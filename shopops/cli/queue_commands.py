"""The job queue from the shell: list, show, log, the actions of BC's Job Queue Entries page, and schedule
files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from shopops.cli import tables
from shopops.cli.base import cli, show, show_frame, workspace

LIST_COLUMNS = ["id", "report", "shop", "category", "status", "next_run", "recurrence", "attempts", "worker", "error"]
LOG_COLUMNS = ["id", "entry_id", "report", "shop", "status", "start", "duration_s", "api_cost", "worker", "error"]


@cli.group()
def queue() -> None:
    """Job queue entries and their log."""


def _listed(url: str, filters: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The entries read through the bare driver (no SQLAlchemy, no pandas); None when that cannot be done."""
    from shopops.queue import listing
    from shopops.store import direct

    with direct.connect(url) as found:
        if found is None:
            return None
        conn, postgres = found
        sql, params = listing.query(postgres, **filters)
        return listing.records(direct.fetch_all(conn, sql, params))


@queue.command("list")
@click.option("--status", help="Only this status.")
@click.option("--shop", "shop_code", help="Only this shop.")
@click.option("--report", help="Only this report.")
@click.pass_context
def queue_list(ctx: click.Context, status: str | None, shop_code: str | None, report: str | None) -> None:
    """List entries: status, next run (UTC), recurrence, attempts, the worker that holds it, the last error."""
    filters = {"status": status, "shop": shop_code, "report": report}
    rows = _listed(ctx.obj["db"], filters)
    if rows is None:  # the ordinary way: it explains a database that is missing, old or unreachable
        frame = workspace(ctx).queue.entries(**filters)
        show_frame(frame, LIST_COLUMNS)
        return
    show(rows, LIST_COLUMNS)


def _field(name: str, value: Any) -> None:
    text = tables.cell(value, 10_000) if not isinstance(value, str) else value
    if text:
        click.echo(f"  {name:<14}{text}")


@queue.command("show")
@click.argument("entry_id", type=int)
@click.pass_context
def queue_show(ctx: click.Context, entry_id: int) -> None:
    """Show entry ENTRY_ID: its settings, state and schedule, and its last run with error and traceback."""
    q = workspace(ctx).queue
    entry = q.get(entry_id)
    where = f" for {entry.shop}" if entry.shop else ""
    category = f" [{entry.category}]" if entry.category else ""
    click.echo(f"entry #{entry.id} {entry.report}{where}{category}: {entry.status.value}")
    _field("description", entry.description)
    _field("next run", entry.earliest_start_at)
    _field("recurrence", str(entry.recurrence) if entry.recurrence else "none (runs once)")
    if entry.recurrence is not None:
        _field("on failure", "stops (status error)" if entry.stop_on_error else "keeps its schedule")
    _field("attempts", f"{entry.attempts} of {entry.max_attempts}, rerun delay {entry.rerun_delay_s}s")
    _field("parameters", json.dumps(dict(entry.parameters), sort_keys=True) if entry.parameters else "")
    _field("expires", entry.expiration_at)
    _field("worker", entry.worker_id)
    _field("error", entry.last_error)
    runs = q.log(entry_id=entry_id, limit=1)
    if runs.empty:
        click.echo("last run: none yet")
        return
    last = tables.records_of(runs)[0]
    click.echo(
        f"last run: log #{last['id']} {last['status']}, started {tables.cell(last['start'])}, "
        f"{tables.cell(last['duration_s']) or '?'}s, attempt {last['attempt']}, worker {tables.cell(last['worker'])}"
    )
    _field("API cost", last["api_cost"])
    _field("stats", last["stats"])
    _field("error", last["error"])
    trace = q.traceback(int(last["id"]))
    if trace:
        click.echo("  traceback:")
        for line in trace.rstrip().splitlines():
            click.echo(f"    {line}")


@queue.command("log")
@click.option("--limit", default=20, show_default=True)
@click.option("--entry", "entry_id", type=int, help="Only this entry's runs.")
@click.option("--status", help="success, error or in_process.")
@click.pass_context
def queue_log(ctx: click.Context, limit: int, entry_id: int | None, status: str | None) -> None:
    """Show the newest runs."""
    frame = workspace(ctx).queue.log(limit=limit, entry_id=entry_id, status=status)
    show_frame(frame, LOG_COLUMNS)


def _action(name: str, doc: str) -> None:
    @queue.command(name, help=doc)
    @click.argument("entry_id", type=int)
    @click.pass_context
    def command(ctx: click.Context, entry_id: int) -> None:
        q = workspace(ctx).queue
        method = {
            "ready": q.set_ready,
            "hold": q.set_on_hold,
            "restart": q.restart,
            "delete": q.delete,
            "run-once": q.run_once,
        }[name]
        result = method(entry_id)
        click.echo(repr(result) if result is not None else f"entry {entry_id} deleted")


for _name, _doc in (
    ("ready", "Set entry ENTRY_ID ready (clears errors and attempts)."),
    ("hold", "Put entry ENTRY_ID on hold."),
    ("restart", "Restart entry ENTRY_ID now."),
    ("delete", "Delete entry ENTRY_ID (refused while in process)."),
    ("run-once", "Run a copy of entry ENTRY_ID in the foreground."),
):
    _action(_name, _doc)


# --- schedule files ----------------------------------------------------------------------------------


@cli.group("schedule")
def schedule_group() -> None:
    """Recurring entries declared in a TOML file (the format: docs/schedule.md, schedule.example.toml)."""


@schedule_group.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--prune",
    is_flag=True,
    help="Also delete the entries an earlier apply made that FILE no longer declares (keep one schedule "
    "file per database).",
)
@click.pass_context
def schedule_apply(ctx: click.Context, file: Path, prune: bool) -> None:
    """Create or update the entries FILE.toml declares (applying it twice changes nothing); an entry with a
    shop and no category gets the shop card's."""
    click.echo(str(workspace(ctx).apply_schedule(file, prune=prune)))
