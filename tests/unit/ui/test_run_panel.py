"""RunPanel: a button per report; background runs are followed until they end, foreground runs show results."""

from __future__ import annotations

import time

import shopops
from shopops.ui import RunPanel


def test_a_button_per_report_and_the_shop_chooser(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws)
    assert {"check-connection", "noop", "pause"} <= set(panel.buttons)
    assert set(panel.buttons) == set(ws.reports["name"])
    assert panel.shop.value == "DEMO"
    assert list(panel.shop.options) == ["DEMO"]


def test_buttons_show_whole_names_and_self_tests_sit_apart(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws)
    specs = ws.reports.set_index("name")
    for name, button in panel.buttons.items():
        assert button.description.startswith(name) and button.layout.width == "auto"  # never cut short
        assert button.tooltip == specs.loc[name, "description"]
    assert panel.buttons["create-sales-documents"].description == "create-sales-documents (30103)"
    assert panel.buttons["check-connection"].description == "check-connection"  # no BC number: no "(nan)"
    assert set(panel.self_test_box.children) == {panel.buttons["noop"], panel.buttons["pause"]}
    assert not set(panel.self_test_box.children) & set(panel.button_box.children)
    assert len(panel.button_box.children) + 2 == len(panel.buttons)


def test_background_run_is_queued_and_followed_to_finished(ws: shopops.Workspace) -> None:
    ws.shops.set("DEMO", allow_background_sync=True)
    panel = RunPanel(ws, "DEMO", poll_s=0.05)
    worker = ws.queue.worker(concurrency=2).start()
    try:
        panel.buttons["check-connection"].click()
        entry = panel.last_entry
        assert entry is not None and entry.report == "check-connection"
        assert panel.following == 1
        assert panel.wait(30)
    finally:
        worker.stop(grace_s=5)
    assert panel.last_entry is not None and panel.last_entry.status == shopops.Status.FINISHED
    assert panel.progress.description == "finished" and panel.progress.bar_style == "success"
    assert f"#{entry.id} check-connection for DEMO" in panel.status.value
    assert "success" in panel.result.value and "locations" in panel.result.value
    assert ws.queue.entries()["status"].tolist() == ["finished"]


def test_background_failure_shows_error(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws, "DEMO", poll_s=0.05)
    panel.mode.value = "background"
    panel.params.value = '{"seconds": 0.05, "fail": true}'
    worker = ws.queue.worker(concurrency=1).start()
    try:
        panel.buttons["pause"].click()
        assert panel.wait(30)
    finally:
        worker.stop(grace_s=5)
    assert panel.progress.bar_style == "danger"
    assert "pause was asked to fail" in panel.result.value


def test_polling_does_not_block_the_caller(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws, "DEMO", poll_s=0.05)
    panel.mode.value = "background"
    started = time.monotonic()
    panel.buttons["noop"].click()  # no worker: the entry stays ready and the panel keeps following it
    assert time.monotonic() - started < 2
    assert panel.following == 1
    assert "ready" in panel.status.value
    ws.queue.delete(panel.last_entry.id)  # type: ignore[union-attr]
    assert panel.wait(10)
    assert "deleted" in panel.status.value


def test_foreground_run_shows_the_result(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws, "DEMO")
    panel.buttons["check-connection"].click()  # the card says foreground
    result = panel.last_result
    assert result is not None and result.ok
    assert panel.progress.value == 1.0 and panel.progress.bar_style == "success"
    assert "check-connection for DEMO: success" in panel.status.value
    assert "locations" in panel.result.value and "API cost" in panel.result.value
    assert ws.queue.log()["foreground"].tolist() == [True]


def test_foreground_failure_and_bad_input_are_shown(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws, "DEMO")
    panel.params.value = '{"seconds": 0.01, "fail": true}'
    panel.buttons["pause"].click()
    assert panel.last_result is not None and not panel.last_result.ok
    assert "pause was asked to fail" in panel.result.value
    panel.params.value = '{"seconds": "soon"}'
    panel.buttons["pause"].click()
    assert "pause.seconds: expected float" in panel.status.value
    panel.params.value = "[1, 2]"
    panel.buttons["noop"].click()
    assert "JSON object" in (panel.last_error or "")


def test_new_reports_appear_on_refresh(ws: shopops.Workspace) -> None:
    panel = RunPanel(ws, "DEMO")

    @shopops.report("ui-test-report", needs_shop=False)
    def _ui_test(ctx: shopops.RunContext, params: dict[str, object]) -> None:
        ctx.stats["runs"] += 1

    try:
        panel.refresh_reports()
        panel.buttons["ui-test-report"].click()
        assert panel.last_result is not None and panel.last_result.stats == {"runs": 1}
    finally:
        ws.registry._by_name.pop("ui-test-report", None)
