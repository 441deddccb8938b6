"""The job log and entries as people read them: "0.04 s", "2", one-line dates, a column per stat."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import shopops
from shopops.ui import JobQueueView
from shopops.ui.tables import (
    NO_WRAP,
    entries_table,
    log_table,
    number_text,
    seconds_text,
    short_text,
    stat_columns,
    when_text,
)

START = dt.datetime(2026, 5, 1, 14, 3, 7, tzinfo=dt.UTC)


def _log() -> pd.DataFrame:
    """Three runs as ``ws.queue.log()`` gives them: a sync, a failure without stats, one still running."""
    frame = pd.DataFrame(
        {
            "id": [3, 2, 1],
            "entry_id": pd.array([7, None, 5], dtype="Int64"),
            "report": ["sync-orders", "pause", "noop"],
            "shop": ["DEMO", None, None],
            "status": ["success", "error", "in_process"],
            "start": pd.to_datetime([START, START, START], utc=True),
            "duration_s": [0.0417, 75.4, float("nan")],
            "api_cost": [2.0, float("nan"), 14276.0],
            "error": [None, "RuntimeError: pause was asked to fail\n" + "x" * 300, None],
            "stats": [
                {"read": 3, "created": 2, "held": 1, "api": {"calls": 4, "throttle_waits": 0}},
                None,
                {"runs": 1},
            ],
        }
    )
    return frame


def test_numbers_durations_and_dates_read_as_text() -> None:
    assert seconds_text(0.0417) == "0.04 s"
    assert seconds_text(12.34) == "12.3 s"
    assert seconds_text(125.2) == "2 min 5 s"
    assert seconds_text(None) == seconds_text(float("nan")) == ""
    assert number_text(2.0) == "2" and number_text(0.5) == "0.5" and number_text(14276.0) == "14276"
    assert number_text(pd.NA) == number_text(None) == ""
    assert when_text(START) == f"2026-05-01{NO_WRAP}14:03:07"
    assert when_text(pd.NaT) == ""
    assert short_text("a\nb") == "a b"
    cut = short_text("y" * 500)
    assert len(cut) == 120 and cut.endswith("…")


def test_stats_become_columns_in_a_fixed_order() -> None:
    columns = stat_columns(_log()["stats"])
    assert list(columns.columns) == ["read", "created", "held", "runs", "API calls"]
    assert columns.iloc[0].tolist() == ["3", "2", "1", "", "4"]
    assert columns.iloc[1].tolist() == ["", "", "", "", ""]  # a run without stats: blanks, not NaN


def test_log_table_has_no_nan_none_or_json() -> None:
    table = log_table(_log())
    assert list(table.columns) == [
        "id",
        "entry",
        "report",
        "shop",
        "status",
        "start",
        "duration",
        "API cost",
        "read",
        "created",
        "held",
        "runs",
        "API calls",
        "error",
    ]
    first, failed, running = (table.iloc[i] for i in range(3))
    assert (first["duration"], first["API cost"], first["start"]) == ("0.04 s", "2", f"2026-05-01{NO_WRAP}14:03:07")
    assert failed["entry"] == "" and failed["shop"] == "" and failed["duration"] == "1 min 15 s"
    assert failed["error"].startswith("RuntimeError: pause was asked to fail x") and failed["error"].endswith("…")
    assert running["duration"] == "" and running["API cost"] == "14276"
    text = table.to_string()
    assert "nan" not in text.lower() and "None" not in text and "{" not in text


def test_entries_table_keeps_dates_on_one_line() -> None:
    entries = pd.DataFrame(
        {
            "id": [1],
            "report": ["noop"],
            "shop": [None],
            "category": [None],
            "status": ["ready"],
            "next_run": pd.to_datetime([START], utc=True),
            "recurrence": [None],
            "attempts": [0],
            "error": [None],
        }
    )
    row = entries_table(entries).iloc[0]
    assert row["next run"] == f"2026-05-01{NO_WRAP}14:03:07"
    assert (row["shop"], row["category"], row["recurrence"], row["error"], row["attempts"]) == ("", "", "", "", "0")


def test_the_view_shows_the_formatted_log(ws: shopops.Workspace) -> None:
    ws.queue.enqueue("pause", params={"seconds": 0.01})
    ws.queue.enqueue("noop")
    ws.queue.work(concurrency=1, until_idle=True, timeout=30)
    view = JobQueueView(ws)
    html = view.log_html.value
    assert "paused_ms" not in html and "paused ms" in html and "runs" in html  # stats as columns
    assert " s</td>" in html  # durations in seconds, with their unit
    assert NO_WRAP in html  # date and time joined by a non-breaking space
    assert "{&quot;" not in html and '{"' not in html and ">nan<" not in html and ">None<" not in html
