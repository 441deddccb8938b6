"""After ``ws.close()`` every view answers a click at once with one line, and calls nothing.

A notebook's last cell closes the workspace and stops the sandbox; before, a click on a view left on the
page then spent its time in connection retries. The shop here points at a port nobody listens on, as a
stopped sandbox would, so any call that slipped through would take seconds and fail differently.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import shopops
from shopops.ui import JobQueueView, RunPanel, ShopCard


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # the port is free again: connecting is refused, as to a stopped sandbox


def _one_closed_line(html: str) -> None:
    assert "workspace is closed" in html and "shopops.open(db)" in html
    assert "\n" not in html and "<br" not in html


def test_workspace_knows_it_is_closed(tmp_path: Path) -> None:
    ws = shopops.open(f"sqlite:///{tmp_path}/closed.db")
    assert ws.closed is False
    ws.close()
    assert ws.closed is True
    assert "closed" in repr(ws)


def test_run_panel_refuses_at_once(ws: shopops.Workspace) -> None:
    ws.shops.set("DEMO", url=_dead_url())
    panel = RunPanel(ws, "DEMO")
    ws.close()
    for mode in ("foreground", "background"):
        panel.mode.value = mode
        started = time.monotonic()
        assert panel.buttons["sync-orders"].click() is None
        assert time.monotonic() - started < 1.0
        _one_closed_line(panel.status.value)
        assert "RunPanel(ws, ...)" in panel.status.value
        assert panel.last_result is None and panel.last_entry is None
    panel.refresh_reports()  # a rebuild reads the registry and shops: refused too
    _one_closed_line(panel.status.value)


def test_run_panel_stops_following_when_the_workspace_closes(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws, "DEMO", poll_s=0.05)
    panel.mode.value = "background"
    panel.buttons["noop"].click()  # no worker: the entry stays ready and the panel keeps polling
    assert panel.following == 1
    ws.close()
    assert panel.wait(5)
    _one_closed_line(panel.status.value)


def test_shop_card_saves_nothing_and_puts_the_value_back(ws: shopops.Workspace, tmp_path: Path) -> None:
    card = ShopCard(ws, "DEMO")
    ws.close()
    card.controls["logging_mode"].value = "all"
    assert card.controls["logging_mode"].value == "error_only"
    _one_closed_line(card.status.value)
    card.reload()
    _one_closed_line(card.status.value)
    reopened = shopops.open(f"sqlite:///{tmp_path}/ui.db")
    try:
        assert reopened.shops["DEMO"].settings.logging_mode == "error_only"
    finally:
        reopened.close()


def test_job_queue_view_refuses_actions_and_ends_its_refresh(ws: shopops.Workspace, tmp_path: Path) -> None:
    entry = ws.queue.enqueue("noop", on_hold=True)
    view = JobQueueView(ws)
    view.start_auto_refresh(0.05)
    ws.close()
    deadline = time.monotonic() + 5
    while view.auto_refreshing and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not view.auto_refreshing
    _one_closed_line(view.message.value)
    view.message.value = ""
    assert view.act("set_ready", entry.id) is None
    _one_closed_line(view.message.value)
    view.message.value = ""
    view.refresh_button.click()
    _one_closed_line(view.message.value)
    assert "JobQueueView(ws, ...)" in view.message.value
    reopened = shopops.open(f"sqlite:///{tmp_path}/ui.db")
    try:
        assert reopened.queue.get(entry.id).status == shopops.Status.ON_HOLD
    finally:
        reopened.close()
