"""Setting up: the database schema, shops and their cards, the reports there are, the demo, the sandbox,
and JupyterLab on the notebooks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from shopops.cli.base import RUNS_LOGGER, cli, parse_value, show, show_frame, workspace

# --- db ----------------------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the database to this shopops's schema (creates it when it is not there)."""
    from shopops.store.engine import create_engine_for, safe_url
    from shopops.store.schema import current_revision, head_revision, upgrade

    engine = create_engine_for(ctx.obj["db"])
    try:
        before = current_revision(engine)
        upgrade(engine)
    finally:
        engine.dispose()
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
        out[name.strip()] = parse_value(raw)
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
    """Add shop CODE; optional shop-card SETTINGS as NAME=VALUE (creates the database when it is not there)."""
    ws = workspace(ctx, create=True)
    shop_obj = ws.shops.add(code, url=url, token_env=token_env, secrets_file=secrets_file, **_settings(settings))
    click.echo(repr(shop_obj))


@shop.command("list")
@click.pass_context
def shop_list(ctx: click.Context) -> None:
    """List the shops."""
    show_frame(workspace(ctx).shops.list())


@shop.command("show")
@click.argument("code")
@click.pass_context
def shop_show(ctx: click.Context, code: str) -> None:
    """Show a shop and its card."""
    shop_obj = workspace(ctx).shops[code]
    click.echo(repr(shop_obj))
    for name, value in shop_obj.settings.as_dict().items():
        click.echo(f"  {name} = {value!r}")


@shop.command("scopes")
def shop_scopes() -> None:
    """The access scopes a custom app needs for shopops: what each is for, then the list to paste."""
    from shopops.shopify.scopes import required_scopes, scope_list

    for need in required_scopes():
        click.echo(f"{need.scope:<34} {', '.join(need.operations)}")
    click.echo("")
    click.echo(scope_list())


@shop.command("set")
@click.argument("code")
@click.argument("settings", nargs=-1, required=True)
@click.pass_context
def shop_set(ctx: click.Context, code: str, settings: tuple[str, ...]) -> None:
    """Change shop-card SETTINGS (NAME=VALUE ...)."""
    click.echo(repr(workspace(ctx).shops.set(code, **_settings(settings))))


# --- reports -----------------------------------------------------------------------------------------


def _default(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, str) else str(value)


@cli.command("reports")
def reports() -> None:
    """Every report there is: its BC number, whether it needs --shop, and its parameters (-p NAME VALUE)."""
    from shopops.sync.registry import COMMON_PARAMS, REGISTRY
    from shopops.sync.reports import BUILTIN_REPORTS

    REGISTRY.register_builtins(BUILTIN_REPORTS)
    loaded = REGISTRY.load_plugins()
    if loaded:
        click.echo(f"reports loaded from: {', '.join(loaded)}", err=True)
    rows = [
        {
            "report": spec.name,
            "bc": spec.bc_id,
            "shop": "needs --shop" if spec.needs_shop else "",
            "description": spec.description,
        }
        for spec in REGISTRY
    ]
    show(rows, ["report", "bc", "shop", "description"], widths={"description": 90})
    click.echo("")
    click.echo(f"Parameters (every report also takes {', '.join(COMMON_PARAMS)}):")
    for spec in REGISTRY:
        if not spec.params:
            continue
        click.echo(f"  {spec.name}")
        for name, param in spec.params.items():
            if param.required:
                required = "required"
            else:
                required = "optional" if param.default is None else f"default {_default(param.default)}"
            choices = f", one of {', '.join(map(str, param.choices))}" if param.choices else ""
            doc = f": {param.doc}" if param.doc else ""
            click.echo(f"    -p {name} {param.type.__name__.upper()}  ({required}{choices}){doc}")


# --- the demo, the sandbox, the notebooks -------------------------------------------------------------


@cli.command("demo")
@click.option("--db-file", default="shopops-demo.db", show_default=True, help="SQLite file to (re)create.")
@click.option("--seed", default="small", show_default=True, help="Sandbox seed size.")
@click.option("--threads", default=2, show_default=True, help="Runner threads.")
def demo(db_file: str, seed: str, threads: int) -> None:
    """Run every report through the queue against a local sandbox shop, then print a summary."""
    from shopops.demo import run_demo

    # the demo shows a bar and a summary table; of the one-line-per-run log only failures add to it (-v: all)
    if logging.getLogger().level >= logging.WARNING:
        logging.getLogger(RUNS_LOGGER).setLevel(logging.WARNING)
    run_demo(db_file, seed=seed, threads=threads, echo=click.echo)


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


@cli.command("lab")
@click.argument("folder", default="notebooks", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", default=8888, show_default=True, help="Port; the next free one when it is taken.")
@click.option("--ip", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; just print the address.")
def lab(folder: Path, port: int, ip: str, no_browser: bool) -> None:
    """Open FOLDER (the notebooks) in JupyterLab and print the address to open, as root too."""
    from shopops.cli.lab import run_lab

    raise SystemExit(run_lab(folder, port=port, ip=ip, open_browser=not no_browser, echo=click.echo))
