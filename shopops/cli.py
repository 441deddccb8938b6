"""The ``shopops`` command. Every command has --help; bad input exits non-zero with one clear line."""

from __future__ import annotations

import gc
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click

from shopops.errors import ShopopsError
from shopops.store.engine import default_url


def _ws(ctx: click.Context) -> Any:
    import shopops

    if "ws" not in ctx.obj:
        ctx.obj["ws"] = shopops.open(ctx.obj["db"])
    return ctx.obj["ws"]


def _parse_value(raw: str) -> Any:
    """A -p value: JSON when it reads as JSON (numbers, true/false, lists), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _params(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {name: _parse_value(value) for name, value in pairs}


def _show(frame: Any) -> None:
    import pandas as pd

    if len(frame) == 0:
        click.echo("(none)")
        return
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 60):
        click.echo(frame.to_string(index=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="SHOPOPS_DB", default=None, help="Database URL or SQLite file (default ./shopops.db).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, db: str | None, verbose: int) -> None:
    """shopops: keep an ERP and Shopify shops in sync."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["db"] = db or default_url()


# --- db ----------------------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the database to this shopops's schema."""
    from shopops.store import create_engine_for, upgrade
    from shopops.store.engine import safe_url
    from shopops.store.schema import current_revision, head_revision

    engine = create_engine_for(ctx.obj["db"])
    before = current_revision(engine)
    upgrade(engine)
    click.echo(f"{safe_url(engine)}: schema {before or 'none'} -> {head_revision()}")


# --- shops -------------------------------------------------------------------------------------------


@cli.group()
def shop() -> None:
    """Shops and their shop cards."""


def _settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r}: write NAME=VALUE", param_hint="SETTING")
        name, raw = pair.split("=", 1)
        out[name.strip()] = _parse_value(raw)
    return out


@shop.command("add")
@click.argument("code")
@click.option("--url", required=True, help="https://<shop>.myshopify.com")
@click.option("--token-env", help="Environment variable that holds the access token.")
@click.option("--secrets-file", type=click.Path(dir_okay=False), help="A 0600 file that holds the token.")
@click.argument("settings", nargs=-1)
@click.pass_context
def shop_add(
    ctx: click.Context, code: str, url: str, token_env: str | None, secrets_file: str | None, settings: tuple[str, ...]
) -> None:
    """Add shop CODE; optional shop-card SETTINGS as NAME=VALUE."""
    shop_obj = _ws(ctx).shops.add(code, url=url, token_env=token_env, secrets_file=secrets_file, **_settings(settings))
    click.echo(repr(shop_obj))


@shop.command("list")
@click.pass_context
def shop_list(ctx: click.Context) -> None:
    """List the shops."""
    _show(_ws(ctx).shops.list())


@shop.command("show")
@click.argument("code")
@click.pass_context
def shop_show(ctx: click.Context, code: str) -> None:
    """Show a shop and its card."""
    shop_obj = _ws(ctx).shops[code]
    click.echo(repr(shop_obj))
    for name, value in shop_obj.settings.as_dict().items():
        click.echo(f"  {name} = {value!r}")


@shop.command("set")
@click.argument("code")
@click.argument("settings", nargs=-1, required=True)
@click.pass_context
def shop_set(ctx: click.Context, code: str, settings: tuple[str, ...]) -> None:
    """Change shop-card SETTINGS (NAME=VALUE ...)."""
    click.echo(repr(_ws(ctx).shops.set(code, **_settings(settings))))


# --- running -----------------------------------------------------------------------------------------


@cli.command("run")
@click.argument("report")
@click.option("--shop", "shop_code", help="Shop code.")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE", help="A report parameter.")
@click.option("--background/--foreground", default=None, help="Override the shop card's background setting.")
@click.pass_context
def run(
    ctx: click.Context, report: str, shop_code: str | None, params: tuple[tuple[str, str], ...], background: bool | None
) -> None:
    """Run REPORT (name or BC id) now, or queue it, as the shop card says."""
    result = _ws(ctx).run(report, shop_code, background=background, **_params(params))
    click.echo(repr(result))
    if getattr(result, "status", "") == "error":
        sys.exit(1)


# --- the queue ---------------------------------------------------------------------------------------


@cli.group()
def queue() -> None:
    """Job queue entries and their log."""


@queue.command("list")
@click.option("--status", help="Only this status.")
@click.option("--shop", "shop_code", help="Only this shop.")
@click.pass_context
def queue_list(ctx: click.Context, status: str | None, shop_code: str | None) -> None:
    """List entries."""
    frame = _ws(ctx).queue.entries(status=status, shop=shop_code)
    _show(frame[["id", "report", "shop", "category", "status", "next_run", "recurrence", "attempts", "error"]])


@queue.command("log")
@click.option("--limit", default=20, show_default=True)
@click.option("--entry", "entry_id", type=int, help="Only this entry's runs.")
@click.option("--status", help="success, error or in_process.")
@click.pass_context
def queue_log(ctx: click.Context, limit: int, entry_id: int | None, status: str | None) -> None:
    """Show the newest runs."""
    frame = _ws(ctx).queue.log(limit=limit, entry_id=entry_id, status=status)
    _show(frame[["id", "entry_id", "report", "shop", "status", "start", "duration_s", "api_cost", "error"]])


def _action(name: str, doc: str) -> None:
    @queue.command(name, help=doc)
    @click.argument("entry_id", type=int)
    @click.pass_context
    def command(ctx: click.Context, entry_id: int) -> None:
        q = _ws(ctx).queue
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


@cli.group("schedule")
def schedule_group() -> None:
    """Recurring entries declared in files."""


@schedule_group.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def schedule_apply(ctx: click.Context, file: Path) -> None:
    """Create or update the entries FILE.toml declares (applying it twice changes nothing)."""
    from shopops.queue.schedule_file import apply

    click.echo(str(apply(_ws(ctx).queue, file)))


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
        _params(params),
        output_dir,
        _ws(ctx),
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
    """Run job queue entries (more processes, or other hosts on PostgreSQL)."""
    ws = _ws(ctx)
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


def _settle_heap() -> None:
    """Move everything loaded so far (pandas, SQLAlchemy, the reports) out of the garbage collector's
    sight: a long-running process otherwise stalls ~0.1 s on every full collection of those objects,
    and that pause lands on whichever entry was about to start."""
    gc.collect()
    gc.freeze()


@cli.command("scheduler")
@click.option("--threads", default=2, show_default=True, help="Runner threads of the loop's own worker.")
@click.option("--tick", "tick_s", default=5.0, show_default=True, help="Seconds between ticks.")
@click.option("--keep-log-days", default=30, show_default=True, help="Log retention.")
@click.option("--duration", "duration_s", type=float, default=None, help="Stop after this many seconds.")
@click.pass_context
def scheduler(ctx: click.Context, threads: int, tick_s: float, keep_log_days: int, duration_s: float | None) -> None:
    """Tick the queue (promote, janitor, prune) and run what is due."""
    from shopops.queue.scheduler import Scheduler

    ws = _ws(ctx)
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


@cli.command("sandbox")
@click.option("--port", default=8080, show_default=True, help="Loopback port (0 picks a free one).")
@click.option(
    "--plan",
    default="standard",
    show_default=True,
    type=click.Choice(["standard", "advanced", "plus"]),
    help="Rate-limit plan.",
)
@click.option("--seed", default="small", show_default=True, help="empty, tiny, small, medium or large.")
@click.option("--snapshot", type=click.Path(dir_okay=False), help="JSON file kept across restarts.")
@click.option("--fault-rate", default=0.0, show_default=True, help="Share of requests that fail (0-1).")
@click.option("--handle", default="demo", show_default=True, help="The shop's handle in its URL path.")
def sandbox(port: int, plan: str, seed: str, snapshot: str | None, fault_rate: float, handle: str) -> None:
    """Serve a local Shopify-compatible Admin API until Ctrl-C."""
    from shopops.sandbox import serve

    if not 0.0 <= fault_rate <= 1.0:
        raise click.BadParameter("a share from 0 to 1", param_hint="--fault-rate")
    serve(port=port, plan=plan, seed=seed, snapshot=snapshot, fault_rate=fault_rate, handle=handle)


@cli.command("demo")
@click.option("--db-file", default="shopops-demo.db", show_default=True, help="SQLite file to (re)create.")
@click.option("--seed", default="small", show_default=True, help="Sandbox seed size.")
@click.option("--threads", default=2, show_default=True, help="Runner threads.")
def demo(db_file: str, seed: str, threads: int) -> None:
    """Run every report through the queue against a local sandbox shop, then print a summary."""
    from shopops.demo import run_demo

    run_demo(db_file, seed=seed, threads=threads, echo=click.echo)


def main() -> None:
    """Entry point: one clear line and a non-zero exit for every error a user can cause."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except ShopopsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyError as exc:  # NotFound and friends
        click.echo(f"error: {exc.args[0] if exc.args else exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
