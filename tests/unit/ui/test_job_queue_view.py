"""JobQueueView: filters, colours, details of a failed run, actions through ws.queue, charts, refresh."""

from __future__ import annotations

import datetime as dt
import time

import ipywidgets as w
import pytest
from matplotlib.figure import Figure

import shopops
from shopops.ui import JobQueueView


@pytest.fixture
def history(ws: shopops.Workspace) -> shopops.Workspace:
    """Shops DEMO and EU; a few runs: successes, one failure, entries left ready and on hold."""
    ws.shops.add("EU", url="https://eu.myshopify.com", token_env="SHOPOPS_UI_TEST_EU")
    ws.queue.enqueue("noop", shop="DEMO")
    ws.queue.enqueue("pause", shop="EU", params={"seconds": 0.01})
    ws.queue.enqueue("pause", shop="DEMO", params={"seconds": 0.01, "fail": True})
    ws.queue.work(concurrency=2, until_idle=True, timeout=30)
    ws.queue.enqueue("noop", shop="EU", on_hold=True)
    ws.queue.enqueue("noop", shop="DEMO", earliest_start=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    return ws


def test_tables_show_and_colour_by_status(history: shopops.Workspace) -> None:
    view = JobQueueView(history)
    assert len(view.entries_frame) == 5 and len(view.log_frame) == 3
    assert "#fee2e2" in view.entries_html.value  # the error row is red
    assert "#dcfce7" in view.log_html.value  # successes are green
    styled = view.styled_log().to_html()
    assert "pause was asked to fail" in styled


def test_filters_ask_the_queue(history: shopops.Workspace) -> None:
    view = JobQueueView(history)
    assert [v for _l, v in view.filters["shop"].options] == [None, "DEMO", "EU"]
    view.filters["shop"].value = "EU"
    assert set(view.entries_frame["shop"]) == {"EU"} and set(view.log_frame["shop"]) == {"EU"}
    view.filters["shop"].value = None
    view.filters["report"].value = "pause"
    assert set(view.entries_frame["report"]) == {"pause"} and len(view.log_frame) == 2
    view.filters["report"].value = None
    view.filters["status"].value = "on_hold"
    assert view.entries_frame["status"].tolist() == ["on_hold"]
    view.filters["log_status"].value = "error"
    assert view.log_frame["status"].tolist() == ["error"]
    view.filters["log_status"].value = None
    today = dt.datetime.now(dt.UTC).date()
    view.filters["since"].value = today + dt.timedelta(days=1)
    assert view.log_frame.empty and "no runs" in view.log_html.value
    view.filters["since"].value = today
    view.filters["until"].value = today
    assert len(view.log_frame) == 3


def test_selecting_a_failed_run_shows_error_and_traceback(history: shopops.Workspace) -> None:
    view = JobQueueView(history)
    failed = int(view.log_frame.loc[view.log_frame["status"] == "error", "id"].iloc[0])
    view.log_select.value = failed
    assert "pause was asked to fail" in view.details.value
    assert "Traceback" in view.details.value and "RuntimeError" in view.details.value
    ok = int(view.log_frame.loc[view.log_frame["status"] == "success", "id"].iloc[0])
    view.log_select.value = ok
    assert "no error" in view.details.value


def test_actions_call_the_queue(history: shopops.Workspace) -> None:
    view = JobQueueView(history)
    entries = view.entries_frame.set_index("id")
    held = int(entries.index[entries["status"] == "on_hold"][0])
    errored = int(entries.index[entries["status"] == "error"][0])
    view.entry_select.value = held
    view.buttons["set_ready"].click()
    assert history.queue.get(held).status == shopops.Status.READY
    view.buttons["set_on_hold"].click()
    assert history.queue.get(held).status == shopops.Status.ON_HOLD
    view.entry_select.value = errored
    view.buttons["restart"].click()
    assert history.queue.get(errored).status == shopops.Status.READY
    runs = len(history.queue.log())
    view.buttons["run_once"].click()  # the report fails again: shown, and logged
    assert len(history.queue.log()) == runs + 1
    assert "failed" in view.message.value and "pause was asked to fail" in view.message.value
    view.entry_select.value = held
    view.buttons["delete"].click()
    assert held not in set(history.queue.entries()["id"])
    assert held not in [v for _l, v in view.entry_select.options]
    assert "deleted" in view.message.value


def test_a_refused_action_is_shown_not_raised(history: shopops.Workspace) -> None:
    view = JobQueueView(history)
    assert view.act("set_ready", entry_id=999) is None
    assert "no job queue entry 999" in view.message.value
    with pytest.raises(ValueError, match="unknown action"):
        view.act("explode")


def test_charts_and_figures(history: shopops.Workspace) -> None:
    view = JobQueueView(history)
    figures = view.figures()
    assert set(figures) == {"runs_per_hour", "duration_and_cost", "failure_rate"}
    assert all(isinstance(f, Figure) for f in figures.values())
    assert all(image.value == b"" for image in view.charts.values())  # drawn when the tab opens
    view.tabs.selected_index = 2
    for image in view.charts.values():
        assert isinstance(image, w.Image) and image.value[:4] == b"\x89PNG"
    empty = JobQueueView(history)
    empty.tabs.selected_index = 2
    empty.filters["shop"].value = "EU"
    empty.filters["log_status"].value = "error"
    assert empty.log_frame.empty and empty.charts["failure_rate"].value[:4] == b"\x89PNG"


def test_refresh_button_and_background_refresh(history: shopops.Workspace) -> None:
    view = JobQueueView(history)
    history.queue.enqueue("noop")
    assert len(view.entries_frame) == 5
    view.refresh_button.click()
    assert len(view.entries_frame) == 6
    history.queue.enqueue("noop")
    view.start_auto_refresh(0.05)
    try:
        deadline = time.monotonic() + 10
        while len(view.entries_frame) < 7 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(view.entries_frame) == 7
        assert view.auto_refreshing
    finally:
        view.stop_auto_refresh()
    assert not view.auto_refreshing
    view.auto.value = True
    assert view.auto_refreshing
    view.auto.value = False
    assert not view.auto_refreshing
