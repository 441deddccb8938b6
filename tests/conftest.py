"""Shared fixtures: a workspace on each backend, and the rule that CI may not skip what it requires.

``SHOPOPS_REQUIRE=pg,browser`` (set by .ci/run) turns the skip of a test whose component is missing
into a failure, so that CI can never pass by silently not running the PostgreSQL or browser tests.
``SHOPOPS_TEST_PG`` overrides the PostgreSQL server URL (default: the local server, database test).
Sandbox shops made by tests finish bulk queries at once (``SHOPOPS_SANDBOX_BULK_TIMING=instant``, also
inherited by the processes tests start) unless a test sets a pace; the sandbox's own default is Shopify's.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

# a test's sandbox must not wait Shopify's seconds per bulk query; the timing tests choose their own pace
os.environ.setdefault("SHOPOPS_SANDBOX_BULK_TIMING", "instant")

PG_SERVER = os.environ.get("SHOPOPS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def required(component: str) -> bool:
    """True when CI demands ``component`` (pg, browser)."""
    return component in {c.strip() for c in os.environ.get("SHOPOPS_REQUIRE", "").split(",") if c.strip()}


def skip_or_fail(component: str, reason: str) -> None:
    """Skip for a missing component, or fail when SHOPOPS_REQUIRE names it."""
    if required(component):
        pytest.fail(f"{component} is required here (SHOPOPS_REQUIRE) but {reason}")
    pytest.skip(reason)


_pg_ok: bool | None = None


def postgres_available() -> bool:
    """Whether the test PostgreSQL server answers (asked once)."""
    global _pg_ok
    if _pg_ok is None:
        try:
            engine = sa.create_engine(PG_SERVER)
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
            engine.dispose()
            _pg_ok = True
        except Exception:
            _pg_ok = False
    return _pg_ok


def pg_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema of their own; dropped afterwards."""
    if not postgres_available():
        skip_or_fail("pg", f"PostgreSQL is not reachable at {PG_SERVER}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_SERVER else "?"
    try:
        yield f"{PG_SERVER}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/shopops.db"
    else:
        yield from pg_schema_url()


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    """A new SQLite database file."""
    return f"sqlite:///{tmp_path}/shopops.db"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL schema."""
    yield from pg_schema_url()


@pytest.fixture
def ws(db_url: str) -> Iterator[object]:
    """A workspace on each backend."""
    import shopops

    workspace = shopops.open(db_url)
    try:
        yield workspace
    finally:
        workspace.close()
