"""No widget value, option, description or output ever shows a shop's token."""

from __future__ import annotations

import json

import shopops
from shopops.sandbox import Sandbox
from shopops.ui import JobQueueView, RunPanel, ShopCard
from shopops.ui._common import widget_texts


def test_no_token_anywhere(ws: shopops.Workspace, sandbox: Sandbox) -> None:
    token = sandbox.token
    card = ShopCard(ws, "DEMO")
    panel = RunPanel(ws, "DEMO", poll_s=0.05)
    panel.buttons["check-connection"].click()  # foreground: the token is used, never shown
    panel.mode.value = "background"
    panel.buttons["check-connection"].click()
    ws.queue.work(concurrency=1, until_idle=True, timeout=30)
    assert panel.wait(30)
    ws.shops.set("DEMO", url=sandbox.url + "/nowhere")  # a failing run leaves an error and a traceback
    panel.mode.value = "foreground"
    panel.buttons["check-connection"].click()
    assert panel.last_result is not None and not panel.last_result.ok
    view = JobQueueView(ws)
    for log_id in view.log_frame["id"]:
        view.log_select.value = int(log_id)
        assert token not in view.details.value
    seen = [text for v in (card, panel, view) for text in widget_texts(v.widget)]
    assert any("check-connection" in text for text in seen)
    assert not [text for text in seen if token in text]
    bundles = [json.dumps(v._repr_mimebundle_(), default=str) for v in (card, panel, view)]
    assert not [b for b in bundles if token in b]
    assert token not in repr(card) + repr(panel) + repr(view)
