"""ShopCard: the shop card as a form, one control per setting, saved as soon as it changes.

    card = ShopCard(ws, "DEMO")
    card                                             # shows the form
    card.controls["allow_background_sync"].value = False   # saved through ws.shops.set
    card.errors["price_change_limit_pct"].value      # the validation message next to that field

The form is built from ``ShopSettings.describe()``, so a setting added to the card appears here without
a change to this module. Every check is the card's own: a value it refuses raises ConfigError, the
message is shown next to the field and the old value comes back.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from shopops import ConfigError, ShopopsError, ShopSettings
from shopops.ui._common import WidgetView, escape, message_html
from shopops.workspace import Workspace

_LABEL_WIDTH = "260px"


def _choice_label(value: str) -> str:
    return value if value != "" else "(none)"


class ShopCard(WidgetView):
    """A form for one shop's card; ``controls[name]`` and ``errors[name]`` per setting."""

    def __init__(self, ws: Workspace, shop_code: str) -> None:
        self.ws = ws
        self.shop_code = shop_code
        shop = ws.shops[shop_code]
        self.controls: dict[str, w.ValueWidget] = {}
        self.errors: dict[str, w.HTML] = {}
        self._restoring = False
        self.status = w.HTML(value=message_html("Changes are saved as soon as you make them."))
        source = f"token from ${shop.token_env}" if shop.token_env else "token from a secrets file"
        self.header = w.HTML(value=f"<b>Shop {escape(shop.code)}</b> at {escape(shop.url)} ({escape(source)})")
        rows = []
        for spec in ShopSettings.describe():
            control = self._control(spec, getattr(shop.settings, spec["name"]))
            error = w.HTML(value="")
            help_text = w.HTML(value=f'<small style="color:#6b7280">{escape(spec["doc"])}</small>')
            control.observe(self._on_change, names="value")
            self.controls[spec["name"]] = control
            self.errors[spec["name"]] = error
            rows.append(w.HBox([control, error, help_text]))
        self.widget = w.VBox([self.header, self.status, *rows])

    @staticmethod
    def _control(spec: dict[str, Any], value: Any) -> w.ValueWidget:
        name = spec["name"]
        style = {"description_width": _LABEL_WIDTH}
        layout = w.Layout(width="520px")
        common: dict[str, Any] = {"description": name, "style": style, "layout": layout, "tooltip": spec["doc"]}
        if spec["type"] == "bool":
            return w.Checkbox(value=bool(value), indent=False, **common)
        if spec["choices"] is not None:
            options = [(_choice_label(c), c) for c in spec["choices"]]
            return w.Dropdown(options=options, value=value, **common)
        if spec["type"] == "int":
            return w.IntText(value=int(value), **common)
        return w.Text(value=str(value), continuous_update=False, **common)

    def _name_of(self, control: Any) -> str:
        for name, candidate in self.controls.items():
            if candidate is control:
                return name
        raise KeyError("control not on this card")

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._restoring:
            return
        name = self._name_of(change["owner"])
        self.save(name, change["new"], previous=change["old"])

    def save(self, name: str, value: Any, previous: Any = None) -> bool:
        """Save one setting through ``ws.shops.set``; on a refusal show why and restore the stored value.

        Returns True when saved. Changing a control calls this; call it directly to save from code. On a
        closed workspace nothing is saved: the control goes back to ``previous`` and one line says why.
        """
        if self.refuse_if_closed(self.status):
            self._restore_value(name, previous)
            return False
        try:
            self.ws.shops.set(self.shop_code, **{name: value})
        except ConfigError as exc:
            self.errors[name].value = message_html(str(exc), "error")
            self.status.value = message_html(f"{name} not saved: {exc}", "error")
            self._restore(name, previous)
            return False
        except ShopopsError as exc:
            self.errors[name].value = message_html(str(exc), "error")
            self._restore(name, previous)
            return False
        self.errors[name].value = ""
        self.status.value = message_html(f"Saved {name} = {value!r}.", "ok")
        return True

    def _restore(self, name: str, previous: Any) -> None:
        self._restore_value(name, getattr(self.ws.shops[self.shop_code].settings, name, previous))

    def _restore_value(self, name: str, value: Any) -> None:
        if value is None:
            return
        self._restoring = True
        try:
            self.controls[name].value = value
        finally:
            self._restoring = False

    def reload(self) -> None:
        """Show the card as stored now (after a change made elsewhere, e.g. the CLI)."""
        if self.refuse_if_closed(self.status):
            return
        settings = self.ws.shops[self.shop_code].settings
        self._restoring = True
        try:
            for name, control in self.controls.items():
                control.value = getattr(settings, name)
        finally:
            self._restoring = False
        for error in self.errors.values():
            error.value = ""

    def __repr__(self) -> str:
        return f"<ShopCard {self.shop_code}: {len(self.controls)} settings>"
