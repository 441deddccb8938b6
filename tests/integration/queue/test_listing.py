"""The entry list read through the bare driver (``shopops queue list``) is the DataFrame's, on both backends."""

from __future__ import annotations

import datetime as dt

import shopops
from shopops.cli.queue_commands import _listed
from shopops.cli.tables import records_of, render
from shopops.queue.listing import COLUMNS


def test_the_quick_list_is_the_dataframe(ws: shopops.Workspace, db_url: str) -> None:
    ws.queue.enqueue("noop", description="one-off", category="SHOPIFY")
    ws.queue.enqueue(
        "noop", recurrence=shopops.Recurrence(every_minutes=15, between=("06:00", "22:00"), tz="Europe/Copenhagen")
    )
    ws.queue.enqueue("pause", params={"seconds": 0.0, "fail": True})
    ws.queue.work()
    ws.queue.enqueue("noop", on_hold=True)

    quick = _listed(db_url, {"status": None, "shop": None, "report": None})
    assert quick is not None, "the bare driver should read a database at the current schema"
    frame = ws.queue.entries()
    assert [r["id"] for r in quick] == frame["id"].tolist()
    assert render(quick, COLUMNS) == render(records_of(frame), COLUMNS)
    statuses = {r["id"]: r["status"] for r in quick}
    assert sorted(statuses.values()) == ["error", "finished", "on_hold", "ready"]
    assert all(isinstance(r["next_run"], dt.datetime) and r["next_run"].tzinfo is not None for r in quick)

    errors = _listed(db_url, {"status": "error", "shop": None, "report": "pause"})
    assert errors is not None and [r["report"] for r in errors] == ["pause"]
    assert "pause was asked to fail" in (errors[0]["error"] or "")
    assert errors[0]["last_status"] == "error" and errors[0]["last_duration_s"] >= 0


def test_the_quick_list_gives_way_when_the_schema_is_not_current(ws: shopops.Workspace, db_url: str) -> None:
    with ws.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000_old'")
    assert _listed(db_url, {"status": None, "shop": None, "report": None}) is None
