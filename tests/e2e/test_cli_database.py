"""A database that is not there or cannot be used: one line naming the URL (without password) and the fix,
a non-zero exit, no traceback, and never a new database made by mistake."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import shopops
from tests.conftest import PG_SERVER, postgres_available, skip_or_fail


def sh(db: str | Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shopops", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["shop", "list"],
        ["queue", "list"],
        ["queue", "log"],
        ["queue", "hold", "1"],
        ["run", "noop"],
        ["worker", "--until-idle"],
        ["scheduler", "--duration", "1"],
    ],
)
def test_a_mistyped_database_is_refused_not_created(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "opps.db"
    line = one_line_error(sh(missing, *args))
    assert f"no database at sqlite:///{missing}" in line
    assert f"`shopops --db {missing} db upgrade`" in line and "--create" in line
    assert list(tmp_path.iterdir()) == []


def test_only_shop_add_db_upgrade_and_create_make_a_database(tmp_path: Path) -> None:
    added = sh(tmp_path / "a.db", "shop", "add", "DEMO", "--url", "https://demo.myshopify.com", "--token-env", "T")
    assert added.returncode == 0, added.stderr
    assert sh(tmp_path / "b.db", "db", "upgrade").returncode == 0
    created = sh(tmp_path / "c.db", "--create", "queue", "list")
    assert created.returncode == 0 and created.stdout.strip() == "(none)", created.stderr
    assert {p.name for p in tmp_path.glob("*.db")} == {"a.db", "b.db", "c.db"}


@pytest.mark.parametrize(
    "args",
    [
        ["shop", "list"],
        ["queue", "list"],
        ["shop", "add", "DEMO", "--url", "https://demo.myshopify.com", "--token-env", "T"],
        ["db", "upgrade"],
    ],
)
def test_a_file_that_is_not_a_database(tmp_path: Path, args: list[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# shopops\n\nKeep an ERP and Shopify shops in sync.\n" * 50)
    before = readme.read_bytes()
    line = one_line_error(sh(readme, *args))
    assert f"sqlite:///{readme} is not a SQLite database: check --db (or SHOPOPS_DB)" in line
    assert readme.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    line = one_line_error(sh(tmp_path / "no" / "such" / "x.db", "--create", "queue", "list"))
    assert "cannot be opened: check that its folder exists" in line


def test_a_read_only_database(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    shopops.open(str(db)).close()
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    listed = sh(read_only, "queue", "list")
    assert listed.returncode == 0 and "(none)" in listed.stdout, listed.stderr  # reading is fine
    line = one_line_error(sh(read_only, "run", "noop", "--background"))
    assert f"{read_only} is read-only: let this user write the file and its folder" in line


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_postgres_that_does_not_answer() -> None:
    url = f"postgresql://shopops:s3cret-pw@127.0.0.1:{_closed_port()}/shopops"
    for args in (["queue", "list"], ["scheduler", "--duration", "1"], ["db", "upgrade"]):
        proc = sh(url, *args)
        line = one_line_error(proc)
        assert "PostgreSQL does not answer (connection refused): start the server" in line
        assert "shopops:***@127.0.0.1" in line
        assert "s3cret" not in proc.stderr + proc.stdout


def test_postgres_without_such_a_database() -> None:
    if not postgres_available():
        skip_or_fail("pg", f"PostgreSQL is not reachable at {PG_SERVER}")
    url = PG_SERVER.rsplit("/", 1)[0] + "/shopops_no_such_db"
    line = one_line_error(sh(url, "queue", "list"))
    assert "the PostgreSQL server has no database 'shopops_no_such_db'" in line
    assert "`createdb shopops_no_such_db`" in line


@pytest.mark.pg
def test_postgres_database_without_shopops(pg_url: str) -> None:
    line = one_line_error(sh(pg_url, "scheduler", "--duration", "1"))
    assert "holds no shopops database" in line
    created = sh(pg_url, "--create", "queue", "list")
    assert created.returncode == 0 and created.stdout.strip() == "(none)", created.stderr
