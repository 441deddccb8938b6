"""ShopCard: one control per setting, saved on change, refusals shown next to the field."""

from __future__ import annotations

import ipywidgets as w

import shopops
from shopops.ui import ShopCard


def test_every_setting_has_a_control_of_its_kind(ws: shopops.Workspace) -> None:
    card = ShopCard(ws, "DEMO")
    described = shopops.ShopSettings.describe()
    assert set(card.controls) == {d["name"] for d in described}
    for spec in described:
        control = card.controls[spec["name"]]
        if spec["type"] == "bool":
            assert isinstance(control, w.Checkbox)
        elif spec["choices"] is not None:
            assert isinstance(control, w.Dropdown)
            assert [value for _label, value in control.options] == list(spec["choices"])
        elif spec["type"] == "int":
            assert isinstance(control, w.IntText)
        else:
            assert isinstance(control, w.Text)
    assert card.controls["allow_background_sync"].value is False  # as stored


def test_a_change_is_saved_through_the_workspace(ws: shopops.Workspace) -> None:
    card = ShopCard(ws, "DEMO")
    card.controls["allow_background_sync"].value = True
    card.controls["logging_mode"].value = "all"
    card.controls["price_change_limit_pct"].value = 20
    card.controls["category"].value = "SHOP-DEMO"
    settings = ws.shops["DEMO"].settings
    assert settings.allow_background_sync is True
    assert settings.logging_mode == "all"
    assert settings.price_change_limit_pct == 20
    assert settings.category == "SHOP-DEMO"
    assert "Saved category" in card.status.value
    assert all(e.value == "" for e in card.errors.values())


def test_a_refused_value_shows_the_error_next_to_its_field_and_comes_back(ws: shopops.Workspace) -> None:
    card = ShopCard(ws, "DEMO")
    card.controls["price_change_limit_pct"].value = -5
    assert "must be 0 or more" in card.errors["price_change_limit_pct"].value
    assert card.controls["price_change_limit_pct"].value == 50  # the stored value is back
    assert ws.shops["DEMO"].settings.price_change_limit_pct == 50
    # a rule across two settings: the message sits next to the field that was changed
    card.controls["return_refund_process"].value = "auto_create"
    assert "auto_create_orders" in card.errors["return_refund_process"].value
    assert card.controls["return_refund_process"].value == ""
    # a good value clears the message
    card.controls["price_change_limit_pct"].value = 10
    assert card.errors["price_change_limit_pct"].value == ""


def test_reload_shows_changes_made_elsewhere(ws: shopops.Workspace) -> None:
    card = ShopCard(ws, "DEMO")
    ws.shops.set("DEMO", enabled=False)
    card.reload()
    assert card.controls["enabled"].value is False
    assert "DEMO" in repr(card)
    assert card._repr_mimebundle_()  # displays as its widget
