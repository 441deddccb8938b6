"""The schema version: create a new database, refuse an old one with the way out, upgrade on request.

Opening a database at the current revision reads one row of ``alembic_version`` and nothing more:
Alembic itself is imported only to create or upgrade a schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from shopops.errors import DatabaseUnavailable
from shopops.store.engine import safe_url
from shopops.store.urls import SCHEMA_HEAD

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


class SchemaOutdated(DatabaseUnavailable, RuntimeError):
    """The database was made by an older shopops; ``shopops db upgrade`` brings it up to date."""


def _config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration this version of shopops knows, as Alembic finds it in the migrations folder."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for a database shopops never touched."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def has_shopops_tables(engine: Engine) -> bool:
    """True when the database holds shopops's tables (with or without a schema version)."""
    return "job_queue_entry" in set(inspect(engine).get_table_names())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default)."""
    from alembic import command

    config = _config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def check_schema(engine: Engine, *, create: bool = True) -> None:
    """Make sure the database has this shopops's schema.

    An empty database is created (when ``create``); one made by an older shopops raises SchemaOutdated
    with the command that upgrades it, instead of failing later on a missing column. Without ``create``
    an empty database raises DatabaseUnavailable, naming the commands that create one: a mistyped
    database URL must not quietly become a new, empty database.
    """
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return
    if current is None:
        if has_shopops_tables(engine):
            raise SchemaOutdated(
                f"{safe_url(engine)} has shopops tables but no schema version; "
                "run `shopops db upgrade` or point SHOPOPS_DB at a new database"
            )
        if create:
            upgrade(engine)
            return
        raise DatabaseUnavailable(
            f"{safe_url(engine)} holds no shopops database: check --db (or SHOPOPS_DB), or create one there "
            "with `shopops db upgrade` (or `shopops shop add`, or `--create`)"
        )
    raise SchemaOutdated(
        f"{safe_url(engine)} has schema {current}, this shopops needs {SCHEMA_HEAD}: "
        f"run `shopops db upgrade` (with SHOPOPS_DB={safe_url(engine)})"
    )
