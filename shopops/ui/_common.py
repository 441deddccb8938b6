"""Small pieces the views share: a background poller, widget walking, and the display protocol.

Nothing here knows about shops or the queue; the views call the Workspace for every action.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as w
import pandas as pd

STATUS_COLOURS = {
    "ready": "#dbeafe",
    "in_process": "#fef9c3",
    "waiting": "#e0e7ff",
    "on_hold": "#e5e7eb",
    "finished": "#dcfce7",
    "success": "#dcfce7",
    "error": "#fee2e2",
}
"""Background colour of a status cell, for entries and log rows alike."""


def escape(text: object) -> str:
    """Text made safe to show inside an HTML widget."""
    return html.escape("" if text is None else str(text))


def text_or_none(value: object) -> str | None:
    """A DataFrame cell as text; None for None, NaN and NA (which are truthy and print as 'nan')."""
    if value is None:
        return None
    try:
        if bool(pd.isna(value)):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):
        pass
    return str(value) or None


def message_html(text: str, kind: str = "info") -> str:
    """One short line, coloured by kind (info, ok, error)."""
    colour = {"info": "#374151", "ok": "#166534", "error": "#b91c1c"}.get(kind, "#374151")
    return f'<span style="color:{colour}">{escape(text)}</span>'


def closed_line(view: str) -> str:
    """The one line a view shows when its workspace is closed, saying how to get a working view back."""
    return (
        "This workspace is closed (ws.close() ran), so nothing was done: "
        f"reopen it with ws = shopops.open(db) and make a new {view}."
    )


class WidgetView:
    """Base of the views: ``.widget`` is the root widget; displaying the view displays it."""

    widget: w.Widget
    ws: Any

    def refuse_if_closed(self, message: w.HTML) -> bool:
        """True, with one line in ``message``, when the view's workspace is closed; the caller then stops.

        A closed workspace in a notebook usually means the sandbox and the worker stopped with it, so any
        call would only spend its time in connection retries; a click answers at once instead.
        """
        if not getattr(self.ws, "closed", False):
            return False
        message.value = message_html(closed_line(f"{type(self).__name__}(ws, ...)"), "error")
        return True

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def display(self) -> None:
        """Show the view in the notebook (same as leaving it as the last expression of a cell)."""
        from IPython.display import display

        display(self.widget)

    def walk(self) -> Iterator[w.Widget]:
        """Every widget in this view, for tests and checks (no token may appear in any value)."""
        return walk(self.widget)


def walk(root: w.Widget) -> Iterator[w.Widget]:
    """``root`` and all widgets below it."""
    yield root
    for child in getattr(root, "children", ()) or ():
        if isinstance(child, w.Widget):
            yield from walk(child)


def widget_texts(root: w.Widget) -> Iterator[str]:
    """The text a person could see in ``root``: values, descriptions, options and Output contents."""
    for widget in walk(root):
        for attr in ("value", "description", "placeholder", "tooltip", "label"):
            value = getattr(widget, attr, None)
            if isinstance(value, str):
                yield value
        for option in getattr(widget, "options", ()) or ():
            yield str(option)
        if isinstance(widget, w.Output):
            for output in widget.outputs:
                yield str(output)


class Poller:
    """Calls ``tick`` every ``interval_s`` seconds in a daemon thread until it returns False or is stopped.

    The kernel stays free: widget values set from the thread reach the browser as comm messages.
    An exception in ``tick`` goes to ``on_error`` and stops the loop (a view must not die silently).
    """

    def __init__(
        self,
        tick: Callable[[], bool],
        interval_s: float,
        on_error: Callable[[BaseException], None] | None = None,
        name: str = "shopops-ui-poller",
    ) -> None:
        self._tick = tick
        self.interval_s = interval_s
        self._on_error = on_error
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> Poller:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if not self._tick():
                    return
            except BaseException as exc:
                if self._on_error is not None:
                    self._on_error(exc)
                return
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        """Ask the loop to end after the current tick."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the loop to end; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        """True while the loop runs."""
        return self._thread.is_alive()
