"""ShopCard: one control per setting in BC's groups, labelled for people, saved on change, refusals shown."""

from __future__ import annotations

import html

import ipywidgets as w

import shopops
from shopops.sandbox import Sandbox
from shopops.shop_settings import GROUPS
from shopops.ui import ShopCard
from shopops.ui._common import walk


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
    assert "Saved Job queue category (category)" in card.status.value
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


def test_every_setting_has_a_group_a_label_and_help_in_one_place() -> None:
    described = shopops.ShopSettings.describe()
    for spec in described:
        assert spec["group"] in GROUPS, spec["name"]
        assert spec["label"] and spec["label"] != spec["name"] and "_" not in spec["label"], spec["name"]
        assert len(spec["doc"]) > 15 and spec["doc"].endswith("."), spec["name"]
    groups = [spec["group"] for spec in described]
    assert sorted(groups, key=GROUPS.index) == groups  # the card's order: one run of fields per group
    assert set(groups) == set(GROUPS)
    assert described[0]["name"] == "allow_background_sync"


def test_the_card_shows_groups_labels_tooltips_and_help(ws: shopops.Workspace) -> None:
    card = ShopCard(ws, "DEMO")
    assert list(card.groups) == list(GROUPS)
    assert card.widget.children[2] is card.groups["General"]  # after the shop line and the status line
    for spec in shopops.ShopSettings.describe():
        control = card.controls[spec["name"]]
        assert control.description == spec["label"] and control.tooltip == spec["name"]
        group = card.groups[spec["group"]]
        row = next(r for r in group.children if isinstance(r, w.HBox) and control in r.children)
        help_text = row.children[-1]
        assert isinstance(help_text, w.HTML) and html.escape(spec["doc"]) in help_text.value
    first_row = card.groups["General"].children[1]
    assert card.controls["allow_background_sync"] in first_row.children  # the first setting on the card
    assert card.controls["allow_background_sync"].description == "Allow background syncs"
    headings = [c.value for c in walk(card.widget) if isinstance(c, w.HTML) and c.value.startswith("<h4")]
    assert [h.split(">", 1)[1].split("<", 1)[0] for h in headings] == list(GROUPS)
    sync_item = card.controls["sync_item"]
    assert [label for label, _v in sync_item.options] == ["(none)", "to Shopify", "from Shopify"]


def test_the_webhooks_group_shows_what_register_subscribed(ws: shopops.Workspace, sandbox: Sandbox) -> None:
    from shopops.webhooks import subscriptions

    card = ShopCard(ws, "DEMO")
    webhooks = card.groups["Webhooks"]
    for name in ("webhook_address", "webhook_topics", "shop_domain", "webhook_status"):
        assert any(isinstance(r, w.HBox) and card.controls[name] in r.children for r in webhooks.children), name
    subscriptions.register(ws, "DEMO", "http://127.0.0.1:8765/hooks")
    try:
        card.reload()
        assert card.controls["webhook_address"].value == "http://127.0.0.1:8765/hooks"
        assert card.controls["webhook_topics"].value.split(",") == list(subscriptions.TOPICS)
        assert card.controls["shop_domain"].value.endswith(".myshopify.com")
    finally:
        subscriptions.delete(ws, "DEMO")  # the sandbox is the module's: leave it as found
    card.reload()
    assert (card.controls["webhook_address"].value, card.controls["webhook_topics"].value) == ("", "")
