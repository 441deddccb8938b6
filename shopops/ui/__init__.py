"""Notebook views of a workspace, built with ipywidgets. They hold no business logic: every action is
a call on the Workspace API, so what a button does is exactly what the same call does in a script.

    from shopops.ui import ShopCard, RunPanel, JobQueueView
    ShopCard(ws, "DEMO")          # the shop card as a form, saved on change
    RunPanel(ws, "DEMO")          # run-now buttons; follows a queued entry until it ends
    JobQueueView(ws)              # entries, log, filters, actions, error details, charts

Each view has ``.widget`` and displays itself; its controls are attributes (``controls``, ``buttons``,
``filters``) so that code and tests can drive it without a browser. No view ever shows a token.
"""

from __future__ import annotations

from shopops.ui.job_queue_view import JobQueueView
from shopops.ui.run_panel import RunPanel
from shopops.ui.shop_card import ShopCard

__all__ = ["JobQueueView", "RunPanel", "ShopCard"]
