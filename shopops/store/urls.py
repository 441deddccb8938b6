"""Database URLs as text, without SQLAlchemy: the default, a file path made a URL, the URL to show.

The command line reads these before it knows whether it needs SQLAlchemy at all (``shopops --help``,
``shopops queue list``), so nothing here imports more than the standard library.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DB_FILE = "shopops.db"
DB_ENV = "SHOPOPS_DB"
#: The newest migration (``shopops/store/migrations/versions``): a database at this revision needs no
#: Alembic at all to be opened. tests/integration/store/test_schema.py checks it against Alembic's head.
SCHEMA_HEAD = "0010"


def default_url() -> str:
    """The database URL when none is given: ``$SHOPOPS_DB`` (a URL or a file path) or ``./shopops.db``."""
    return normalise_url(os.environ.get(DB_ENV) or DEFAULT_DB_FILE)


def normalise_url(url_or_path: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path; PostgreSQL URLs use psycopg 3."""
    if "://" not in url_or_path:
        return f"sqlite:///{Path(url_or_path).expanduser()}"
    if url_or_path.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url_or_path.split("://", 1)[1]
    return url_or_path


def backend(url: str) -> str:
    """``sqlite`` or ``postgresql`` (or whatever else the URL names), without the driver."""
    return normalise_url(url).split("://", 1)[0].split("+", 1)[0]


def display_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs (as SQLAlchemy shows it: ``***``)."""
    full = normalise_url(url)
    parts = urlsplit(full)
    if parts.password is None:
        return full
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}{port}", parts.path, parts.query, parts.fragment))


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names; None for an in-memory database, a ``file:`` URI or another backend."""
    full = normalise_url(url)
    if backend(full) != "sqlite":
        return None
    rest = full.split("://", 1)[1]
    if not rest.startswith("/"):
        return None  # sqlite:// (memory) or a host part SQLite does not have
    name = rest[1:].split("?", 1)[0]
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)
