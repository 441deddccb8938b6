"""The token never leaks: after the demo and the notebooks it is in no table, log line, executed notebook,
job log or DataFrame. Shopify Admin tokens start with ``shpat_``; the sandbox's do too, so any string of
that form anywhere counts as a leak, besides the demo's own token."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

import shopops
from shopops.demo import TOKEN_ENV, run_demo
from shopops.runbook import run_runbook

pytestmark = pytest.mark.slow
SHAPE = re.compile(r"shpat_[0-9a-zA-Z]{6,}")
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _dump_database(url: str) -> str:
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    parts = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            parts.extend(repr(tuple(row)) for row in conn.execute(sa.select(table)))
    engine.dispose()
    return "\n".join(parts)


def _frames(ws: Any) -> list[pd.DataFrame]:
    from shopops.sync.state import skipped_records

    return [
        ws.queue.entries(),
        ws.queue.log(),
        ws.shops.list(),
        ws.reports,
        ws.erp.sales.documents(),
        skipped_records(ws.engine),
    ]


def _assert_clean(text: str, token: str, where: str) -> None:
    assert token not in text, f"the token leaked into {where}"
    found = SHAPE.findall(text)
    assert not found, f"a token-shaped string leaked into {where}: {found[:1]}"


def test_no_token_after_demo_and_notebooks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "demo.db"
    run_demo(str(db), seed="tiny", threads=2, echo=print)
    token = os.environ[TOKEN_ENV]
    assert token.startswith("shpat_")

    url = f"sqlite:///{db}"
    _assert_clean(_dump_database(url), token, "the demo database")
    ws = shopops.open(url)
    try:
        for frame in _frames(ws):
            _assert_clean(frame.to_string() + repr(frame.to_dict()), token, "a DataFrame")
        for log_id in ws.queue.log().id:
            _assert_clean(ws.queue.traceback(int(log_id)) or "", token, "a traceback")

        runs = tmp_path / "runs"
        for notebook in ("01-getting-started.ipynb", "03-run-syncs.ipynb"):
            result = run_runbook(
                NOTEBOOKS / notebook, {"db": str(tmp_path / "nb.db"), "use_sandbox": True}, runs, ws, cwd=tmp_path
            )
            assert result.ok, result.error
        for executed in runs.glob("*.ipynb"):
            _assert_clean(executed.read_text(), token, executed.name)
        _assert_clean(_dump_database(f"sqlite:///{tmp_path / 'nb.db'}"), token, "the notebooks' database")
        _assert_clean(_dump_database(url), token, "the job log of the runbooks")
    finally:
        ws.close()

    out = capsys.readouterr()
    _assert_clean(out.out + out.err, token, "the demo's output")
    _assert_clean("\n".join(r.getMessage() for r in caplog.records), token, "a log line")
