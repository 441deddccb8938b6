"""Opening a database: refuse one that does not exist, and say in one line what is wrong with one that
cannot be used (not a database, read-only, a server that does not answer, no such database).

A mistyped ``--db`` must not quietly become a new, empty database, and a database problem must not reach
a person as a hundred-line traceback: every message names the URL (never its password) and the fix.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from shopops.errors import DatabaseUnavailable
from shopops.store.engine import create_engine_for
from shopops.store.schema import check_schema
from shopops.store.urls import display_url, sqlite_path

CREATE_HINT = "`shopops --db {db} db upgrade` (or `shopops shop add`, or `--create`) creates one there"


def open_engine(url: str, *, create: bool) -> Engine:
    """An engine on ``url`` whose schema is this shopops's; the database is created only when ``create``."""
    if not create:
        refuse_missing(url)
    engine = create_engine_for(url)
    try:
        check_schema(engine, create=create)
    except DBAPIError as exc:
        engine.dispose()
        raise explain(exc, url) from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def refuse_missing(url: str) -> None:
    """Raise DatabaseUnavailable when ``url`` names a SQLite file that is not there."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseUnavailable(
            f"no database at {display_url(url)}: check --db (or SHOPOPS_DB); " + CREATE_HINT.format(db=path)
        )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


# (pattern in the driver's message, what it means and the fix); {url} is the URL without password
_SQLITE = [
    (r"file is not a database", "{url} is not a SQLite database: check --db (or SHOPOPS_DB)"),
    (
        r"readonly|read-only",
        "{url} is read-only: let this user write the file and its folder (SQLite keeps -wal and -shm files "
        "beside it), or use another --db",
    ),
    (
        r"unable to open database file",
        "{url} cannot be opened: check that its folder exists and that this user may write there",
    ),
    (r"database is locked", "{url} stayed locked by another process: let it finish, then try again"),
    (r"disk i/o error|disk is full|database or disk is full", "{url}: {said}; check the disk"),
]
_POSTGRES = [
    (
        r'database "(?P<name>[^"]+)" does not exist',
        "{url}: the PostgreSQL server has no database {name!r}: create it (`createdb {name}`) or fix the "
        "database name in the URL",
    ),
    (
        r"connection refused|is the server running|no such file or directory",
        "{url}: PostgreSQL does not answer (connection refused): start the server, or fix the host and port in the URL",
    ),
    (
        r"timeout expired|timed out",
        "{url}: PostgreSQL did not answer in time: check that the server runs and the network lets you reach it",
    ),
    (
        r"failed to resolve host|could not translate host name",
        "{url}: the PostgreSQL host name does not resolve: fix the host in the URL",
    ),
    (
        r"password authentication failed|role \"[^\"]+\" does not exist|no password supplied|"
        r"no pg_hba.conf entry",
        "{url}: PostgreSQL refused the login ({said}): fix the user and password in the URL (or ~/.pgpass)",
    ),
    (
        r"permission denied",
        "{url}: PostgreSQL refused ({said}): grant this user the rights on the database and its schema",
    ),
    (
        r"read-only transaction|hot standby|recovery is in progress",
        "{url} is read-only (a standby?): point --db at the primary server",
    ),
]


def explain(exc: BaseException, url: str) -> DatabaseUnavailable:
    """A one-line DatabaseUnavailable for a driver error met on ``url``."""
    said = _first_line(exc)
    shown = display_url(url)
    if "connection failed: " in said:  # psycopg's prefix; the reason follows the last "failed: "
        said = said.rsplit("failed: ", 1)[-1].strip()
    rules = _SQLITE if sqlite_path(url) is not None or url.startswith("sqlite") else _POSTGRES
    for pattern, message in rules:
        found = re.search(pattern, said, re.IGNORECASE)
        if found:
            return DatabaseUnavailable(message.format(url=shown, said=said, **found.groupdict()))
    return DatabaseUnavailable(f"{shown}: {said}")


def database_problem(exc: BaseException, url: str | None) -> DatabaseUnavailable | None:
    """The one-line explanation of ``exc`` when it is a database driver's error, else None."""
    if isinstance(exc, DBAPIError) and url:
        return explain(exc, url)
    return None
