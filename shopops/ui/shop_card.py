"""ShopCard: the shop card as a form, grouped as on BC's Shopify Shop card, saved as soon as it changes.

    card = ShopCard(ws, "DEMO")
    card                                             # shows the form
    card.controls["allow_background_sync"].value = False   # saved through ws.shops.set
    card.errors["price_change_limit_pct"].value      # the validation message next to that field
    card.groups["Inventory"]                         # one group of the card (ShopSettings' GROUPS)

The form is built from ``ShopSettings.describe()``: each setting shows its label (the field name is its
tooltip) and its help text, in its group, so a setting added to the card appears here without a change to
this module. Every check is the card's own: a value it refuses raises ConfigError, the message is shown
next to the field and the old value comes back.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from shopops import ConfigError, ShopopsError, ShopSettings
from shopops.shop_settings import GROUPS
from shopops.ui._common import WidgetView, escape, message_html
from shopops.workspace import Workspace

_LABEL_WIDTH = "300px"
_HELP_STYLE = "color:#6b7280;font-size:smaller;line-height:1.35;padding-top:5px"
"""Help text: grey, small and tight, so that two lines of it stay next to their field."""


def _choice_label(value: str) -> str:
    """A choice as people read it: ``to_shopify`` as "to Shopify", blank as "(none)"."""
    if value == "":
        return "(none)"
    return value.replace("_", " ").replace("shopify", "Shopify")


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
        self.labels: dict[str, str] = {}
        rows: dict[str, list[w.Widget]] = {group: [] for group in GROUPS}
        for spec in ShopSettings.describe():
            control = self._control(spec, getattr(shop.settings, spec["name"]))
            error = w.HTML(value="")
            help_text = w.HTML(value=f'<div style="{_HELP_STYLE}">{escape(spec["doc"])}</div>')
            control.observe(self._on_change, names="value")
            self.controls[spec["name"]] = control
            self.errors[spec["name"]] = error
            self.labels[spec["name"]] = spec["label"]
            rows[spec["group"]].append(w.HBox([control, error, help_text]))
        self.groups: dict[str, w.VBox] = {
            group: w.VBox([w.HTML(value=f'<h4 style="margin:14px 0 4px">{escape(group)}</h4>'), *controls])
            for group, controls in rows.items()
        }
        self.widget = w.VBox([self.header, self.status, *self.groups.values()])

    @staticmethod
    def _control(spec: dict[str, Any], value: Any) -> w.ValueWidget:
        style = {"description_width": _LABEL_WIDTH}
        layout = w.Layout(width="560px", min_width="560px")
        common: dict[str, Any] = {"description": spec["label"], "style": style, "layout": layout}
        common["tooltip"] = spec["name"]  # the name to use in code, the CLI and ws.shops.set
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
            self.status.value = message_html(f"{self.labels.get(name, name)} not saved: {exc}", "error")
            self._restore(name, previous)
            return False
        except ShopopsError as exc:
            self.errors[name].value = message_html(str(exc), "error")
            self._restore(name, previous)
            return False
        self.errors[name].value = ""
        self.status.value = message_html(f"Saved {self.labels.get(name, name)} ({name}) = {value!r}.", "ok")
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
