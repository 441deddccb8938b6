"""The root of the ``shopops`` command: its options, the workspace a command opens, tables, one-line errors.

Nothing here imports more than click at start: ``shopops --help`` must answer at once, and each command
imports what it needs (SQLAlchemy, pandas, the reports, the sandbox) when it runs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Sequence
from typing import Any

import click

from shopops.cli import tables
from shopops.errors import ShopNotFound, ShopopsError
from shopops.store.urls import default_url, normalise_url

#: The logger of the one line per run that workers and the scheduler print at the default level.
RUNS_LOGGER = "shopops.runs"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LineFormatter(logging.Formatter):
    """A ``logging.Formatter`` whose ``%(asctime)s`` is formatted once per second, not once per record (the
    same text as the standard one: local time and milliseconds)."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt)
        self._stamp: tuple[int, str] = (-1, "")  # (second, its text), swapped whole: threads share it

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None or not self.default_msec_format:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        stamp = self._stamp
        if stamp[0] != second:
            stamp = (second, time.strftime(self.default_time_format, self.converter(record.created)))
            self._stamp = stamp
        return self.default_msec_format % (stamp[1], record.msecs)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="SHOPOPS_DB", default=None, help="Database URL or SQLite file (default ./shopops.db).")
@click.option(
    "--create",
    is_flag=True,
    help="Create the database when it is not there. Without it only `shop add`, `db upgrade` and `demo` make "
    "one; every other command refuses a database that does not exist.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, db: str | None, create: bool, verbose: int) -> None:
    """shopops: keep an ERP and Shopify shops in sync."""
    level = logging.WARNING - 10 * min(verbose, 2)
    stderr = logging.StreamHandler()
    stderr.setFormatter(LineFormatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[stderr])
    logging.getLogger(RUNS_LOGGER).setLevel(min(level, logging.INFO))
    ctx.ensure_object(dict)
    ctx.obj["db"] = normalise_url(db) if db else default_url()
    ctx.obj["create"] = create


def workspace(ctx: click.Context, *, create: bool = False) -> Any:
    """The workspace on ``--db``, opened once per command. A database that is not there is refused unless
    the command makes one (``create``) or ``--create`` was given."""
    if "ws" not in ctx.obj:
        from shopops.workspace import open_workspace

        ctx.obj["ws"] = open_workspace(ctx.obj["db"], create=create or ctx.obj["create"])
    return ctx.obj["ws"]


def parse_value(raw: str) -> Any:
    """A -p value: JSON when it reads as JSON (numbers, true/false, lists), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def params_of(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """-p NAME VALUE pairs as a dict."""
    return {name: parse_value(value) for name, value in pairs}


def show(rows: Sequence[dict[str, Any]], columns: Sequence[str], widths: dict[str, int] | None = None) -> None:
    """Print records as a table of ``columns`` (``widths``: how much of a column's text to show)."""
    click.echo(tables.render(rows, columns, widths))


def show_frame(frame: Any, columns: Sequence[str] | None = None) -> None:
    """Print a DataFrame (all or some of its columns) as a table."""
    cols = list(columns) if columns is not None else list(frame.columns)
    show(tables.records_of(frame[cols]), cols)


def fail(message: str, code: int = 1) -> None:
    """One line on stderr, and the exit code."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _database_problem(exc: BaseException, url: str | None) -> ShopopsError | None:
    if "sqlalchemy" not in sys.modules:  # only SQLAlchemy's errors are explained here
        return None
    from shopops.store.opening import database_problem

    return database_problem(exc, url)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: one clear line and a non-zero exit for every error a user can cause."""
    state: dict[str, Any] = {}
    try:
        cli.main(args=argv, standalone_mode=False, obj=state)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        fail(exc.format_message(), exc.exit_code)
    except ShopNotFound as exc:
        fail(exc.cli_message())
    except ShopopsError as exc:
        fail(str(exc))
    except KeyError as exc:
        fail(str(exc.args[0]) if exc.args else str(exc))
    except Exception as exc:
        problem = _database_problem(exc, state.get("db"))
        if problem is None:
            raise
        fail(str(problem))
