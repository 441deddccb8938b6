"""SQLite durability: FULL unless the workspace says NORMAL (URL or environment), on every connection.

Each check reads ``PRAGMA synchronous`` back from a real connection (2 is FULL, 1 is NORMAL): through a
bare engine, from several threads at once, inside queue runs on the worker threads, under the scheduler,
in a fresh ``shopops.open`` as a notebook makes, and inside ``shopops worker`` / ``shopops scheduler``
processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import shopops
from shopops.queue.scheduler import Scheduler
from shopops.store import create_engine_for
from shopops.store.engine import SYNCHRONOUS_ENV, SYNCHRONOUS_PARAM
from shopops.sync.registry import REGISTRY

FULL, NORMAL = 2, 1  # what PRAGMA synchronous answers
THREADS = 6
PROBE_MODULE = "synchronous_probe"
PROBE_REPORT = "synchronous-probe"
# a report that reads the setting through the workspace's engine, from whichever thread runs it; entries
# with meet=true wait for each other, so that two runner threads hold two connections at the same time
PROBE_SOURCE = textwrap.dedent(
    f"""
    import threading

    import shopops

    MEET = threading.Barrier(2, timeout=20)


    @shopops.report({PROBE_REPORT!r}, params={{"meet": shopops.Param(bool, default=False)}}, needs_shop=False)
    def synchronous_probe(ctx, params):
        conn = ctx.engine.raw_connection()  # a pooled connection, no transaction (which would lock the file)
        try:
            ctx.stats["synchronous"] = conn.execute("PRAGMA synchronous").fetchone()[0]
            if params["meet"]:
                MEET.wait()
        finally:
            conn.close()
        ctx.stats["thread"] = threading.current_thread().name
    """
)


@pytest.fixture(autouse=True)
def no_setting_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own environment must not decide what these tests see."""
    monkeypatch.delenv(SYNCHRONOUS_ENV, raising=False)


@pytest.fixture
def probe_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The probe report as a plugin module, loaded here the way ``shopops worker`` loads it."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / f"{PROBE_MODULE}.py").write_text(PROBE_SOURCE)
    monkeypatch.syspath_prepend(str(folder))
    REGISTRY.load_plugins(PROBE_MODULE)
    return folder


def asked(conn: Any) -> int:
    """PRAGMA synchronous on a pooled driver connection. Not through ``Connection.execute``: that would
    begin a transaction, IMMEDIATE on shopops's SQLite, and connections held side by side would queue."""
    return int(conn.execute("PRAGMA synchronous").fetchone()[0])


def level(engine: sa.Engine) -> int:
    conn = engine.raw_connection()
    try:
        return asked(conn)
    finally:
        conn.close()


def pooled_levels(engine: sa.Engine) -> list[int]:
    """The setting on every connection the pool holds, and on one it opens now: all are taken at once,
    so that each pooled connection is asked exactly once."""
    held = [engine.raw_connection() for _ in range(engine.pool.checkedin() + 1)]  # type: ignore[attr-defined]
    try:
        assert len({id(conn.dbapi_connection) for conn in held}) == len(held)
        return [asked(conn) for conn in held]
    finally:
        for conn in held:
            conn.close()


def probe_runs(ws: shopops.Workspace) -> list[dict[str, object]]:
    log = ws.queue.log(report=PROBE_REPORT)
    assert (log.status == "success").all(), log.error.tolist()
    return list(log.stats)


# --- the setting itself ------------------------------------------------------------------------------


def test_full_by_default(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    assert level(engine) == FULL
    engine.dispose()


@pytest.mark.parametrize("value", ["normal", "NORMAL", " Normal "])
def test_normal_from_the_url(sqlite_url: str, value: str) -> None:
    engine = create_engine_for(f"{sqlite_url}?{SYNCHRONOUS_PARAM}={value}")
    assert level(engine) == NORMAL
    assert SYNCHRONOUS_PARAM not in engine.url.query  # the driver never sees it
    engine.dispose()


def test_normal_from_the_environment_and_the_url_wins(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SYNCHRONOUS_ENV, "normal")
    engine = create_engine_for(sqlite_url)
    assert level(engine) == NORMAL
    engine.dispose()
    engine = create_engine_for(f"{sqlite_url}?{SYNCHRONOUS_PARAM}=full")
    assert level(engine) == FULL
    engine.dispose()


@pytest.mark.parametrize(
    ("query", "env", "field"),
    [
        ("?synchronous=off", None, SYNCHRONOUS_PARAM),
        ("?synchronous=full&synchronous=normal", None, SYNCHRONOUS_PARAM),
        ("", "extra", SYNCHRONOUS_ENV),
    ],
)
def test_a_bad_value_is_one_clear_error(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, query: str, env: str | None, field: str
) -> None:
    if env is not None:
        monkeypatch.setenv(SYNCHRONOUS_ENV, env)
    with pytest.raises(shopops.ConfigError) as raised:
        shopops.open(sqlite_url + query)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")
    assert "full" in str(raised.value) and "normal" in str(raised.value)


def test_a_bad_value_in_the_environment_does_not_matter_when_the_url_says(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SYNCHRONOUS_ENV, "extra")
    engine = create_engine_for(f"{sqlite_url}?{SYNCHRONOUS_PARAM}=normal")
    assert level(engine) == NORMAL
    engine.dispose()


def test_postgresql_refuses_the_sqlite_setting() -> None:
    with pytest.raises(shopops.ConfigError, match="only SQLite"):
        create_engine_for("postgresql://postgres@127.0.0.1:5432/test?synchronous=normal")


# --- every connection --------------------------------------------------------------------------------


def test_every_connection_opened_from_threads_at_once(sqlite_url: str) -> None:
    engine = create_engine_for(f"{sqlite_url}?{SYNCHRONOUS_PARAM}=normal")
    together = threading.Barrier(THREADS, timeout=20)
    seen: dict[int, int] = {}
    failures: list[BaseException] = []

    def open_one() -> None:
        try:
            conn = engine.raw_connection()
            try:
                together.wait()  # every thread holds its own connection now
                seen[id(conn.dbapi_connection)] = asked(conn)
                together.wait()
            finally:
                conn.close()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert len(seen) == THREADS and set(seen.values()) == {NORMAL}
    assert set(pooled_levels(engine)) == {NORMAL}
    engine.dispose()


def test_queue_worker_threads_scheduler_and_a_notebook(sqlite_url: str, probe_path: Path) -> None:
    url = f"{sqlite_url}?{SYNCHRONOUS_PARAM}=normal"
    ws = shopops.open(url)
    try:
        for _ in range(2):
            ws.queue.enqueue(PROBE_REPORT, params={"meet": True})
        assert ws.queue.work(concurrency=2) == 2
        runs = probe_runs(ws)
        assert {run["synchronous"] for run in runs} == {NORMAL}
        assert len({run["thread"] for run in runs}) == 2  # both runner threads, each on its own connection
        # the scheduler ticks (promote, janitor) and feeds its own worker on the workspace's engine
        ws.queue.enqueue(PROBE_REPORT)
        loop = Scheduler(ws.queue.store, ws.queue.worker(concurrency=2, until_idle=True), tick_s=0.05)
        loop.run(duration_s=1.0)
        assert loop.ticks >= 2
        assert [run["synchronous"] for run in probe_runs(ws)] == [NORMAL] * 3
        levels = pooled_levels(ws.engine)
        assert len(levels) >= 3 and set(levels) == {NORMAL}
        # a notebook opens the same workspace afresh
        with shopops.open(url) as notebook:
            assert level(notebook.engine) == NORMAL
            assert notebook.run(PROBE_REPORT).stats["synchronous"] == NORMAL  # a foreground run
    finally:
        ws.close()


def test_a_notebook_on_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPOPS_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv(SYNCHRONOUS_ENV, "normal")
    with shopops.open() as ws:
        assert level(ws.engine) == NORMAL
    monkeypatch.delenv(SYNCHRONOUS_ENV)
    with shopops.open() as ws:
        assert level(ws.engine) == FULL


@pytest.mark.parametrize(
    ("command", "query", "env", "expected"),
    [
        (["worker", "--until-idle", "--poll", "0.02"], "?synchronous=normal", None, NORMAL),
        (["worker", "--until-idle", "--poll", "0.02"], "", "normal", NORMAL),
        (["scheduler", "--tick", "0.2", "--duration", "1.5"], "", None, FULL),
    ],
    ids=["worker-url-normal", "worker-env-normal", "scheduler-default-full"],
)
def test_worker_and_scheduler_processes(
    sqlite_url: str, probe_path: Path, command: list[str], query: str, env: str | None, expected: int
) -> None:
    with shopops.open(sqlite_url) as ws:
        for _ in range(2):
            ws.queue.enqueue(PROBE_REPORT, params={"meet": True})
        python_path = os.pathsep.join(p for p in (str(probe_path), os.environ.get("PYTHONPATH")) if p)
        child_env = {**os.environ, "SHOPOPS_PLUGINS": PROBE_MODULE, "PYTHONPATH": python_path}
        if env is not None:
            child_env[SYNCHRONOUS_ENV] = env
        proc = subprocess.run(
            [sys.executable, "-m", "shopops", "--db", sqlite_url + query, *command, "--threads", "2"],
            capture_output=True,
            text=True,
            env=child_env,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        runs = probe_runs(ws)
    assert len(runs) == 2 and {run["synchronous"] for run in runs} == {expected}
    assert len({run["thread"] for run in runs}) == 2
