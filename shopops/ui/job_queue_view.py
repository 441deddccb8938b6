"""JobQueueView: the job queue entries and their log, filtered, coloured by status, with the actions.

    view = JobQueueView(ws)
    view                                         # tabs: entries, log, charts (drawn when that tab opens)
    view.filters["shop"].value = "DEMO"          # filters: shop, report, status, log_status, since, until
    view.entry_select.value = 3; view.buttons["set_on_hold"].click()
    view.log_select.value = 12; view.details.value     # that run's error and traceback
    view.start_auto_refresh(5)                   # re-read every 5 s in a daemon thread; stop_auto_refresh()

Every action is a call on ``ws.queue`` (set_ready, set_on_hold, restart, run_once, delete); the view
only shows what the queue says. Tables are HTML rendered from a pandas Styler of ``tables`` (durations
as "0.04 s", one column per stat, dates on one line) and charts are PNGs, so a background refresh only
sets widget values and never touches the kernel's output.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import ipywidgets as w
import pandas as pd
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from shopops import ShopopsError
from shopops.ui import plots
from shopops.ui._common import Poller, WidgetView, escape, message_html, text_or_none
from shopops.ui.tables import entries_table, log_table, style_by_status, when_text
from shopops.workspace import Workspace

ENTRY_STATUSES = ("ready", "in_process", "error", "on_hold", "finished", "waiting")
LOG_STATUSES = ("in_process", "success", "error")
ACTIONS = {
    "set_ready": "Set ready",
    "set_on_hold": "Hold",
    "restart": "Restart",
    "run_once": "Run once",
    "delete": "Delete",
}
"""Queue actions by their ``ws.queue`` method name, with the button's caption."""

CHARTS_TAB = 2
"""Index of the Charts tab; charts are drawn while it is open (a PNG each refresh is not free)."""

LOG_LIMIT = 500
"""Newest log rows the view reads at most."""


def _day_start(day: dt.date | None, plus_days: int = 0) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=plus_days), dt.time(), tzinfo=dt.UTC)


class JobQueueView(WidgetView):
    """Entries and log of the job queue with filters, actions, error details and charts."""

    def __init__(self, ws: Workspace, *, log_limit: int = LOG_LIMIT) -> None:
        self.ws = ws
        self.log_limit = log_limit
        self._lock = threading.RLock()
        self._poller: Poller | None = None
        self._refreshing: int | None = None  # the thread now refreshing (its own option changes are not filters)
        self.entries_frame = pd.DataFrame()
        self.log_frame = pd.DataFrame()
        all_option: list[tuple[str, str | None]] = [("all", None)]
        self.filters: dict[str, w.ValueWidget] = {
            "shop": w.Dropdown(options=all_option, description="Shop"),
            "report": w.Dropdown(options=all_option, description="Report"),
            "status": w.Dropdown(options=all_option + [(s, s) for s in ENTRY_STATUSES], description="Entries"),
            "log_status": w.Dropdown(options=all_option + [(s, s) for s in LOG_STATUSES], description="Runs"),
            "since": w.DatePicker(description="Runs from"),
            "until": w.DatePicker(description="to"),
        }
        for control in self.filters.values():
            control.observe(self._on_filter, names="value")
        self.message = w.HTML(value="")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.auto = w.Checkbox(value=False, description="auto refresh (5 s)", indent=False)
        self.auto.observe(self._on_auto, names="value")
        self.entries_html = w.HTML(value="")
        self.entry_select = w.Dropdown(options=[], description="Entry")
        self.buttons: dict[str, w.Button] = {}
        for action, caption in ACTIONS.items():
            button = w.Button(description=caption, tooltip=f"ws.queue.{action}(entry)")
            button.on_click(lambda _b, name=action: self.act(name))
            self.buttons[action] = button
        self.log_html = w.HTML(value="")
        self.log_select = w.Select(options=[], rows=8, description="Run", layout=w.Layout(width="640px"))
        self.log_select.observe(self._on_log_select, names="value")
        self.details = w.HTML(value="")
        self.charts: dict[str, w.Image] = {
            name: w.Image(format="png") for name in ("runs_per_hour", "duration_and_cost", "failure_rate")
        }
        entries_tab = w.VBox([w.HBox([self.entry_select, *self.buttons.values()]), self.entries_html])
        log_tab = w.VBox([self.log_select, self.details, self.log_html])
        charts_tab = w.VBox(list(self.charts.values()))
        self.tabs = w.Tab(children=[entries_tab, log_tab, charts_tab])
        for index, title in enumerate(("Entries", "Log", "Charts")):
            self.tabs.set_title(index, title)
        self.tabs.observe(self._on_tab, names="selected_index")
        filters = list(self.filters.values())
        self.widget = w.VBox(
            [
                w.HBox(filters[:4]),
                w.HBox([*filters[4:], self.refresh_button, self.auto]),
                self.message,
                self.tabs,
            ]
        )
        self.refresh()

    # --- reading ---------------------------------------------------------------------------------------

    def _value(self, name: str) -> Any:
        return self.filters[name].value

    def refresh(self) -> None:
        """Read entries and log again with the current filters and redraw tables and charts.

        On a closed workspace nothing is read: one line says so, and a background refresh ends.
        """
        if self.refuse_if_closed(self.message):
            return
        with self._lock:
            self._refreshing = threading.get_ident()
            try:
                self._update_filter_options()
                shop, report = self._value("shop"), self._value("report")
                self.entries_frame = self.ws.queue.entries(status=self._value("status"), shop=shop, report=report)
                self.log_frame = self.ws.queue.log(
                    shop=shop,
                    report=report,
                    status=self._value("log_status"),
                    since=_day_start(self._value("since")),
                    until=_day_start(self._value("until"), plus_days=1),
                    limit=self.log_limit,
                )
                self._draw()
            finally:
                self._refreshing = None

    def _update_filter_options(self) -> None:
        shops = self.ws.shops.codes()
        reports = sorted(set(self.ws.reports["name"]) | set(self.ws.queue.log(limit=self.log_limit)["report"]))
        for name, values in (("shop", shops), ("report", reports)):
            control = self.filters[name]
            options = [("all", None), *[(v, v) for v in values]]
            if list(control.options) != options:
                current = control.value
                control.options = options
                control.value = current if current in values else None

    def _draw(self) -> None:
        entries, log = self.entries_frame, self.log_frame
        self.entries_html.value = self.styled_entries().to_html() if len(entries) else "<i>no entries</i>"
        self.log_html.value = self.styled_log().to_html() if len(log) else "<i>no runs</i>"
        entry_options = [
            (f"#{r['id']} {r['report']} {r['shop'] or ''} ({r['status']})", int(r["id"]))
            for r in entries.to_dict("records")
        ]
        current = self.entry_select.value
        self.entry_select.options = entry_options
        ids = [value for _label, value in entry_options]
        self.entry_select.value = current if current in ids else (ids[0] if ids else None)
        log_options = [
            (f"#{r['id']} {r['report']} {r['shop'] or ''} {r['status']} {when_text(r['start'])}", int(r["id"]))
            for r in log.to_dict("records")
        ]
        selected = self.log_select.value
        self.log_select.options = log_options
        log_ids = [value for _label, value in log_options]
        self.log_select.value = selected if selected in log_ids else None
        if self.tabs.selected_index == CHARTS_TAB:
            self.draw_charts()

    def draw_charts(self) -> None:
        """Draw the charts of the current selection (done on refresh only while the Charts tab is open)."""
        for name, figure in self.figures().items():
            self.charts[name].value = plots.figure_png(figure)

    def figures(self) -> dict[str, Figure]:
        """The charts of the current log selection, as matplotlib Figures (display them in a notebook)."""
        return {
            "runs_per_hour": plots.runs_per_hour(self.log_frame),
            "duration_and_cost": plots.duration_and_cost(self.log_frame),
            "failure_rate": plots.failure_rate(self.log_frame),
        }

    def styled_entries(self) -> Styler:
        """The filtered entries as people read them (``tables.entries_table``), coloured by status."""
        return style_by_status(entries_table(self.entries_frame))

    def styled_log(self) -> Styler:
        """The filtered log as people read it (``tables.log_table``: stats as columns), coloured by status."""
        return style_by_status(log_table(self.log_frame))

    # --- details and actions ---------------------------------------------------------------------------

    def show_details(self, log_id: int | None) -> str:
        """Show (and return as HTML) the error and traceback of one run."""
        if log_id is None:
            self.details.value = ""
            return ""
        if self.refuse_if_closed(self.message):
            return ""
        rows = self.log_frame[self.log_frame["id"] == log_id]
        error = text_or_none(rows.iloc[0]["error"]) if len(rows) else None
        trace = self.ws.queue.traceback(log_id)
        if not error and not trace:
            html = f"<p>Run {log_id}: no error.</p>"
        else:
            html = (
                f'<p style="color:#b91c1c"><b>Run {log_id}:</b> {escape(error)}</p>'
                f'<pre style="font-size:small;white-space:pre-wrap">{escape(trace or "(no traceback)")}</pre>'
            )
        self.details.value = html
        return html

    def act(self, action: str, entry_id: int | None = None) -> Any:
        """Apply a queue action (a key of ``ACTIONS``) to an entry (default: the selected one)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
        if self.refuse_if_closed(self.message):
            return None
        target = entry_id if entry_id is not None else self.entry_select.value
        if target is None:
            self.message.value = message_html("Choose an entry first.", "error")
            return None
        method = getattr(self.ws.queue, action)
        try:
            result = method(int(target))
        except ShopopsError as exc:
            self.message.value = message_html(f"{ACTIONS[action]} #{target}: {exc}", "error")
            result = None
        except Exception as exc:  # run once re-raises what the report raised; it is in the log already
            failed = f"{ACTIONS[action]} #{target} failed: {type(exc).__name__}: {exc}"
            self.message.value = message_html(failed, "error")
            result = None
        else:
            done = repr(result) if result is not None else f"entry {target} deleted"
            self.message.value = message_html(f"{ACTIONS[action]}: {done}", "ok")
        self.refresh()
        return result

    # --- refreshing ------------------------------------------------------------------------------------

    def _on_filter(self, _change: dict[str, Any]) -> None:
        if self._refreshing != threading.get_ident():
            self.refresh()

    def _on_tab(self, change: dict[str, Any]) -> None:
        if change["new"] == CHARTS_TAB:
            with self._lock:
                self.draw_charts()

    def _on_log_select(self, change: dict[str, Any]) -> None:
        self.show_details(change["new"])

    def _on_auto(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.start_auto_refresh()
        else:
            self.stop_auto_refresh()

    def _refresh_failed(self, exc: BaseException) -> None:
        self.message.value = message_html(f"Auto refresh stopped: {type(exc).__name__}: {exc}", "error")

    def _tick(self) -> bool:
        if self.refuse_if_closed(self.message):
            return False  # the background refresh ends with the workspace
        self.refresh()
        return True

    def start_auto_refresh(self, every_s: float = 5.0) -> None:
        """Re-read the queue every ``every_s`` seconds in a daemon thread; the kernel stays free."""
        self.stop_auto_refresh()
        self._poller = Poller(self._tick, every_s, self._refresh_failed, name="shopops-ui-queue-refresh").start()

    def stop_auto_refresh(self) -> None:
        """Stop the background refresh."""
        if self._poller is not None:
            self._poller.stop()
            self._poller.join(5)
            self._poller = None

    @property
    def auto_refreshing(self) -> bool:
        """True while the background refresh runs."""
        return self._poller is not None and self._poller.alive

    def close(self) -> None:
        """Stop refreshing and close the widgets."""
        self.stop_auto_refresh()
        self.widget.close()

    def __repr__(self) -> str:
        return f"<JobQueueView: {len(self.entries_frame)} entries, {len(self.log_frame)} runs shown>"
