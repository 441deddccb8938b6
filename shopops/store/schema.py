"""The schema version: create a new database, refuse an old one with the way out, upgrade on request."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from shopops.store.engine import safe_url

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaOutdated(RuntimeError):
    """The database was made by an older shopops; ``shopops db upgrade`` brings it up to date."""


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration this version of shopops knows."""
    head = ScriptDirectory.from_config(_config_without_engine()).get_current_head()
    assert head is not None
    return head


def _config_without_engine() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for a database shopops never touched."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default)."""
    config = _config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def check_schema(engine: Engine, *, create: bool = True) -> None:
    """Make sure the database has this shopops's schema.

    An empty database is created (when ``create``); one made by an older shopops raises SchemaOutdated
    with the command that upgrades it, instead of failing later on a missing column.
    """
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        names = set(inspect(engine).get_table_names())
        if names and "job_queue_entry" in names:
            raise SchemaOutdated(
                f"{safe_url(engine)} has shopops tables but no schema version; "
                "run `shopops db upgrade` or point SHOPOPS_DB at a new database"
            )
        if create:
            upgrade(engine)
            return
    raise SchemaOutdated(
        f"{safe_url(engine)} has schema {current or 'none'}, this shopops needs {head}: "
        f"run `shopops db upgrade` (with SHOPOPS_DB={safe_url(engine)})"
    )
