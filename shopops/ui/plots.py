"""Charts of the job log: runs per hour by status, duration and API cost per report, failure rate.

Each function takes ``ws.queue.log()`` (or a filtered part of it) and returns a matplotlib Figure made
without pyplot, so it can be drawn in a background thread and shown as a PNG in a widget, or simply
displayed in a notebook.
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.figure import Figure

from shopops.ui._common import STATUS_COLOURS

_EDGE = {"success": "#16a34a", "error": "#dc2626", "in_process": "#ca8a04"}


def _empty(fig: Figure, title: str) -> Figure:
    ax = fig.subplots()
    ax.set_title(title)
    ax.text(0.5, 0.5, "no runs in this selection", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def _naive_utc(times: pd.Series) -> pd.Series:
    return pd.to_datetime(times, utc=True).dt.tz_convert(None)


def runs_per_hour(log: pd.DataFrame) -> Figure:
    """Stacked bars: how many runs started in each hour (UTC), split by their status."""
    fig = Figure(figsize=(8, 3), layout="constrained")
    title = "Runs per hour (UTC) by status"
    if log.empty:
        return _empty(fig, title)
    hours = _naive_utc(log["start"]).dt.floor("h")
    table = pd.crosstab(hours, log["status"]).sort_index()
    labels = [h.strftime("%m-%d %H:00") for h in table.index]
    ax = fig.subplots()
    bottom = pd.Series(0, index=table.index)
    for status in table.columns:
        counts = table[status]
        ax.bar(
            labels,
            counts.to_numpy(),
            bottom=bottom.to_numpy(),
            label=status,
            color=STATUS_COLOURS.get(status, "#d1d5db"),
            edgecolor=_EDGE.get(status, "#6b7280"),
        )
        bottom = bottom + counts
    ax.set_title(title)
    ax.set_ylabel("runs")
    ax.legend(loc="upper left", fontsize="small")
    ax.tick_params(axis="x", labelrotation=45, labelsize="small")
    return fig


def duration_and_cost(log: pd.DataFrame) -> Figure:
    """Two panels over time, one line per report: run duration (s) and API cost (points)."""
    fig = Figure(figsize=(8, 5), layout="constrained")
    title = "Duration and API cost per report"
    ended = log.dropna(subset=["duration_s"]) if not log.empty else log
    if ended.empty:
        return _empty(fig, title)
    ax_time, ax_cost = fig.subplots(2, 1, sharex=True)
    ended = ended.assign(when=_naive_utc(ended["start"])).sort_values("when")
    for report, runs in ended.groupby("report"):
        when = runs["when"].to_numpy()
        ax_time.plot(when, runs["duration_s"].astype(float).to_numpy(), marker="o", label=str(report))
        ax_cost.plot(when, runs["api_cost"].fillna(0).astype(float).to_numpy(), marker="o", label=str(report))
    ax_time.set_title(title)
    ax_time.set_ylabel("seconds")
    ax_cost.set_ylabel("API cost")
    ax_cost.set_xlabel("start (UTC)")
    ax_time.legend(loc="upper left", fontsize="small")
    ax_cost.tick_params(axis="x", labelrotation=30, labelsize="small")
    return fig


def failure_rate(log: pd.DataFrame) -> Figure:
    """Share of ended runs that failed, per report (the bar's label gives failed/ended)."""
    fig = Figure(figsize=(8, 3), layout="constrained")
    title = "Failure rate per report"
    ended = log[log["status"].isin(["success", "error"])] if not log.empty else log
    if ended.empty:
        return _empty(fig, title)
    table = failure_table(ended)
    ax = fig.subplots()
    bars = ax.barh(table.index.astype(str), table["rate"].to_numpy(), color="#fca5a5", edgecolor="#dc2626")
    ax.bar_label(bars, labels=[f"{int(f)}/{int(n)}" for f, n in zip(table["failed"], table["runs"], strict=True)])
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("failed share of ended runs")
    ax.set_title(title)
    return fig


def failure_table(log: pd.DataFrame) -> pd.DataFrame:
    """Per report: ended runs, failed runs and their share (``rate``)."""
    ended = log[log["status"].isin(["success", "error"])]
    grouped = ended.assign(failed=(ended["status"] == "error").astype(int)).groupby("report")
    table = grouped.agg(runs=("id", "count"), failed=("failed", "sum"))
    return table.assign(rate=table["failed"] / table["runs"])


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (for an ipywidgets Image)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()
