"""RunPanel: a shop chooser and a run-now button per report.

    panel = RunPanel(ws, "DEMO")
    panel                                    # shows the panel
    panel.buttons["check-connection"].click()
    panel.wait(30)                           # optional: block until the run has ended (tests, runbooks)
    panel.last_result                        # RunResult of a foreground run
    panel.last_entry                         # JobEntry of a background run, as last polled

A button calls ``ws.run`` and the shop card decides (``mode`` can override it): in the background the
queued entry is shown and a daemon thread polls ``ws.queue.get(id)`` until the entry ends, so the
kernel stays free; in the foreground the run happens in the click, with a progress bar, and its
result (stats, API cost, error) is shown.
"""

from __future__ import annotations

import json
import numbers
from typing import Any

import ipywidgets as w
import pandas as pd

from shopops import JobEntry, NotFound, RunResult, ShopopsError, Status
from shopops.ui._common import Poller, WidgetView, escape, message_html, text_or_none
from shopops.ui.tables import number_text, seconds_text, stat_columns
from shopops.workspace import Workspace

ENDED = (Status.FINISHED, Status.ERROR, Status.ON_HOLD)
"""Statuses after which the panel stops polling an entry (on hold: someone held it meanwhile)."""

POLL_S = 0.5
"""Seconds between two looks at a queued entry."""

MODES = {"as the shop card says": None, "background": True, "foreground": False}

SELF_TESTS = ("noop", "pause")
"""Reports that test the queue itself; their buttons sit apart from the syncs."""


def caption(name: str, bc_id: object) -> str:
    """A button's text: the report's whole name, and its BC report number when it has one."""
    if not isinstance(bc_id, numbers.Real) or bc_id != bc_id:  # None, or NaN (a float column: some have none)
        return name
    return f"{name} ({round(bc_id)})"


class RunPanel(WidgetView):
    """Run-now buttons for every report, for the chosen shop; ``buttons[report]`` per report."""

    def __init__(self, ws: Workspace, shop_code: str | None = None, *, poll_s: float = POLL_S) -> None:
        self.ws = ws
        self.poll_s = poll_s
        codes = ws.shops.codes()
        self.shop = w.Dropdown(
            options=codes, value=shop_code if shop_code in codes else (codes[0] if codes else None), description="Shop"
        )
        self.mode = w.ToggleButtons(
            options=list(MODES), value="as the shop card says", description="Run", style={"button_width": "auto"}
        )
        self.params = w.Text(
            value="", placeholder='{"seconds": 2}', description="Parameters", continuous_update=False, tooltip="JSON"
        )
        self.status = w.HTML(value=message_html("Choose a report to run." if codes else "Add a shop first."))
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="", bar_style="")
        self.result = w.HTML(value="")
        self.output = w.Output()
        self.buttons: dict[str, w.Button] = {}
        self.button_box = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.self_test_box = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.last_result: RunResult | None = None
        self.last_entry: JobEntry | None = None
        self.last_error: str | None = None
        self._pollers: list[Poller] = []
        self.refresh_reports()
        self.widget = w.VBox(
            [
                w.HBox([self.shop, self.mode]),
                self.params,
                w.HTML(value="<b>Reports</b>"),
                self.button_box,
                w.HTML(value='<small style="color:#6b7280">Queue self-tests (no shop needed)</small>'),
                self.self_test_box,
                self.status,
                self.progress,
                self.result,
                self.output,
            ]
        )

    # --- building --------------------------------------------------------------------------------------

    def refresh_reports(self) -> None:
        """Rebuild the buttons from ``ws.reports`` (reports registered since the panel was made appear)."""
        if self.buttons and self.refuse_if_closed(self.status):
            return
        reports = self.ws.reports
        buttons = {}
        for row in reports.itertuples(index=False):
            name = str(row.name)
            button = self.buttons.get(name) or w.Button(
                description=caption(name, row.bc_id),
                tooltip=str(row.description),
                layout=w.Layout(width="auto"),  # the whole name, never cut to "create-sales-docu..."
            )
            if name not in self.buttons:
                button.on_click(lambda _b, report=name: self.run(report))
            buttons[name] = button
        self.buttons = buttons
        self.button_box.children = tuple(b for name, b in buttons.items() if name not in SELF_TESTS)
        self.self_test_box.children = tuple(b for name, b in buttons.items() if name in SELF_TESTS)
        shops = self.ws.shops.codes()
        if list(self.shop.options) != shops:
            current = self.shop.value
            self.shop.options = shops
            self.shop.value = current if current in shops else (shops[0] if shops else None)

    # --- running ---------------------------------------------------------------------------------------

    def _parsed_params(self) -> dict[str, Any]:
        text = self.params.value.strip()
        if not text:
            return {}
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError('parameters must be a JSON object, e.g. {"seconds": 2}')
        return value

    def run(self, report: str) -> JobEntry | RunResult | None:
        """Run ``report`` for the chosen shop, as a button click does; the JobEntry or RunResult.

        On a closed workspace nothing runs (no call, no retries): one line says so and None is returned.
        """
        self.last_error = None
        self.result.value = ""
        if self.refuse_if_closed(self.status):
            self.last_error = "workspace closed"
            self.progress.bar_style = "danger"
            return None
        try:
            params = self._parsed_params()
        except ValueError as exc:
            self._fail(f"parameters: {exc}")
            return None
        shop = self.shop.value
        background = MODES[self.mode.value]
        if background is False:
            self._start_foreground(report)
        try:
            with self.output:
                outcome = self.ws.run(report, shop=shop, background=background, **params)
        except ShopopsError as exc:
            self._fail(str(exc))
            return None
        if isinstance(outcome, JobEntry):
            self._follow(outcome)
        else:
            self._show_result(outcome)
        return outcome

    def _fail(self, message: str) -> None:
        self.last_error = message
        self.progress.bar_style = "danger"
        self.status.value = message_html(message, "error")

    def _start_foreground(self, report: str) -> None:
        self.progress.value = 0.0
        self.progress.bar_style = "info"
        self.progress.description = "running"
        self.status.value = message_html(f"{report}: running here ...")

    def _show_result(self, result: RunResult) -> None:
        self.last_result = result
        self.progress.value = 1.0
        self.progress.bar_style = "success" if result.ok else "danger"
        self.progress.description = result.status
        self.status.value = message_html(repr(result), "ok" if result.ok else "error")
        stats = stat_columns(pd.Series([result.stats]))
        rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in stats.iloc[0].items())
        error = f'<p style="color:#b91c1c">{escape(result.error)}</p>' if result.error else ""
        self.result.value = (
            f"<table><tr><th>stat</th><th>value</th></tr>{rows}</table>"
            f"<p>API cost {number_text(result.api_cost)} in {seconds_text(result.duration_s)} "
            f"(log entry {result.log_id})</p>{error}"
        )

    # --- following a queued entry ----------------------------------------------------------------------

    def _follow(self, entry: JobEntry) -> None:
        self.last_entry = entry
        self.progress.value = 0.0
        self.progress.bar_style = "info"
        self.progress.description = entry.status.value
        self.status.value = message_html(f"Queued {entry!r}")
        name = f"shopops-ui-entry-{entry.id}"
        poller = Poller(lambda: self._poll(entry.id), self.poll_s, self._poll_failed, name=name)
        self._pollers.append(poller)
        poller.start()

    def _poll(self, entry_id: int) -> bool:
        if self.refuse_if_closed(self.status):
            self.progress.bar_style = "warning"
            return False
        try:
            entry = self.ws.queue.get(entry_id)
        except NotFound:
            self.status.value = message_html(f"Entry {entry_id} was deleted.", "error")
            self.progress.bar_style = "warning"
            return False
        self.last_entry = entry
        self.progress.description = entry.status.value
        if entry.status == Status.IN_PROCESS:
            self.progress.value = 0.5
        if entry.status not in ENDED:
            self.status.value = message_html(repr(entry))
            return True
        ok = entry.status == Status.FINISHED
        self.progress.value = 1.0
        self.progress.bar_style = "success" if ok else ("danger" if entry.status == Status.ERROR else "warning")
        self.status.value = message_html(repr(entry), "ok" if ok else "error")
        log = self.ws.queue.log(entry_id=entry_id, limit=1)
        if len(log):
            row = log.iloc[0]
            failed = text_or_none(row["error"])
            error = f'<p style="color:#b91c1c">{escape(failed)}</p>' if failed else ""
            stats = stat_columns(log["stats"].iloc[:1]).iloc[0]
            counted = ", ".join(f"{name} {value}" for name, value in stats.items() if value != "")
            self.result.value = (
                f"<p>Run {escape(row['id'])}: {escape(row['status'])} in {escape(seconds_text(row['duration_s']))}, "
                f"API cost {escape(number_text(row['api_cost']) or '0')}"
                f"{'; ' + escape(counted) if counted else ''}</p>{error}"
            )
        return False

    def _poll_failed(self, exc: BaseException) -> None:
        self.last_error = f"{type(exc).__name__}: {exc}"
        self.status.value = message_html(f"Stopped following the entry: {self.last_error}", "error")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every followed entry has ended; True when they have. Only for scripts and tests."""
        return all(poller.join(timeout) for poller in self._pollers)

    @property
    def following(self) -> int:
        """How many queued entries the panel is still following."""
        return sum(poller.alive for poller in self._pollers)

    def close(self) -> None:
        """Stop following entries and close the widgets."""
        for poller in self._pollers:
            poller.stop()
        self.widget.close()

    def __repr__(self) -> str:
        return f"<RunPanel for {self.shop.value}: {len(self.buttons)} reports>"
