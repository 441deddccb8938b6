"""The migrations and tables.py agree; an old schema is refused with the way out; SQLite is set up right."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import shopops
from shopops.store import create_engine_for, upgrade
from shopops.store.schema import SchemaOutdated, check_schema, head_revision
from shopops.store.tables import metadata
from shopops.store.urls import SCHEMA_HEAD


def test_migrations_match_tables_py(db_url: str) -> None:
    engine = create_engine_for(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    engine.dispose()


def test_older_schema_is_refused_with_the_upgrade_command(db_url: str) -> None:
    engine = create_engine_for(db_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0000_old'"))
    with pytest.raises(SchemaOutdated, match="shopops db upgrade"):
        check_schema(engine)
    with pytest.raises(SchemaOutdated, match="0000_old"):
        shopops.open(db_url)
    engine.dispose()


def test_the_head_shopops_opens_without_alembic_is_alembics_head() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_new_database_is_created_at_head(db_url: str) -> None:
    ws = shopops.open(db_url)
    with ws.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    ws.close()


def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_default_database_from_environment(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPOPS_DB", f"{tmp_path}/env.db")
    ws = shopops.open()
    assert str(ws.engine.url).endswith("env.db")
    ws.close()
