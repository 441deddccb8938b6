"""A shop's webhook subscriptions from the shell: register the order topics at the receiver's address, list
them, delete them (``shopops.webhooks.subscriptions`` does the work; this module only prints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from shopops.cli.base import cli, show_frame, workspace

LIST_COLUMNS = ["topic", "address", "format", "ours", "created_at", "updated_at", "id"]

T = TypeVar("T")


@cli.group()
def webhooks() -> None:
    """Webhook subscriptions of a shop: the six order topics at the receiver's address."""


def _talking(shop_code: str, call: Callable[[], T]) -> T:
    """Run ``call``; a Shopify error (a wrong token, the shop unreachable) becomes one line naming the shop.
    Our own errors (a bad address, a missing scope) pass through as they are: they name the fix already."""
    from shopops.shopify.errors import ShopifyError

    try:
        return call()
    except ShopifyError as exc:
        raise click.ClickException(f"shop {shop_code}: {exc}") from exc


@webhooks.command("register")
@click.option("--shop", "shop_code", required=True, help="The shop's code.")
@click.option("--address", required=True, help="The receiver's URL: https, or http to a loopback host.")
@click.pass_context
def webhooks_register(ctx: click.Context, shop_code: str, address: str) -> None:
    """Subscribe orders/create, orders/updated, orders/edited, orders/cancelled, refunds/create and
    app/uninstalled at ADDRESS. Running it again changes nothing; another address moves them there."""
    from shopops.webhooks import subscriptions

    subscriptions.check_address(address)  # before the workspace is opened: a typo costs nothing
    ws = workspace(ctx)
    result: Any = _talking(shop_code, lambda: subscriptions.register(ws, shop_code, address))
    click.echo(f"{shop_code} at {result.address}: {result.summary()}")
    for other in result.others:
        click.echo(f"  also subscribed: {other.topic} at {other.address} (left as it is; remove it with --address)")


@webhooks.command("list")
@click.option("--shop", "shop_code", required=True, help="The shop's code.")
@click.pass_context
def webhooks_list(ctx: click.Context, shop_code: str) -> None:
    """List the shop's webhook subscriptions (``ours``: one of the six topics shopops registers)."""
    from shopops.webhooks import subscriptions

    ws = workspace(ctx)
    frame = _talking(shop_code, lambda: subscriptions.subscriptions(ws, shop_code))
    show_frame(frame, LIST_COLUMNS)


@webhooks.command("delete")
@click.option("--shop", "shop_code", required=True, help="The shop's code.")
@click.option("--address", default=None, help="Only the subscriptions at this address (default: at any).")
@click.pass_context
def webhooks_delete(ctx: click.Context, shop_code: str, address: str | None) -> None:
    """Delete the shop's subscriptions of the six topics (at ADDRESS, or all of them); the card forgets them."""
    from shopops.webhooks import subscriptions

    if address is not None:
        subscriptions.check_address(address)
    ws = workspace(ctx)
    result: Any = _talking(shop_code, lambda: subscriptions.delete(ws, shop_code, address))
    where = f" at {address}" if address else ""
    click.echo(f"{shop_code}{where}: {result.summary()}")


@webhooks.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0: all).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Receiver processes on the one socket (more than one needs PostgreSQL).",
)
@click.option("--path", default="/webhooks", show_default=True, help="The path Shopify posts to.")
@click.option("--access-log", is_flag=True, help="Log one line per request.")
@click.pass_context
def webhooks_serve(ctx: click.Context, host: str, port: int, workers: int, path: str, access_log: bool) -> None:
    """Receive Shopify's webhooks: check each signature, record each event once, queue one sync-orders per
    shop that reads just the named orders (a worker runs it). GET /health answers for a load balancer.
    The app's client secret comes from the environment or the shop's 0600 secrets file, never the database."""
    from shopops.webhooks.app import serve

    if not path.startswith("/") or path == "/health":
        raise click.BadParameter("a path such as /webhooks (not /health)", param_hint="--path")
    workspace(ctx)  # a missing or old database is one clear line here, before the server starts
    serve(ctx.obj["db"], host=host, port=port, workers=workers, path=path, access_log=access_log)
