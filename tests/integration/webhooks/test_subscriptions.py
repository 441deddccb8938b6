"""Webhook subscriptions against the sandbox over HTTP, on both backends: register makes the six, a second
register sends no mutation, another address moves them, list shows them, delete removes them and clears the
card, a token without read_orders is refused before anything is made, a bad address before any call."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.errors import ConfigError
from shopops.sandbox import Sandbox
from shopops.store import tables as t
from shopops.webhooks import subscriptions
from shopops.webhooks.subscriptions import TOPICS

TOKEN_ENV = "SHOPOPS_WEBHOOKS_TEST_TOKEN"
HOOKS = "http://127.0.0.1:8765/hooks"  # nothing listens: no order changes here, so nothing is delivered
MOVED = "https://erp.example.com/shopify/hooks"
TABLE = "WebhookSubscription"
CREATE = """
mutation Sub($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri}) {
    webhookSubscription { id } userErrors { field message }
  }
}"""


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    """One tiny shop for the module; each test starts with no subscriptions (see ``shop``)."""
    with Sandbox(seed="tiny") as sandbox:
        yield sandbox


@pytest.fixture
def shop(ws: Any, box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> str:
    """Shop SBX on the sandbox, its token in an environment variable, every request in the client's log."""
    box.state.table(TABLE).clear()
    monkeypatch.setenv(TOKEN_ENV, box.token)
    ws.shops.add("SBX", url=box.url, token_env=TOKEN_ENV, logging_mode="all")
    return "SBX"


@pytest.fixture
def requests_log(caplog: pytest.LogCaptureFixture) -> Any:
    """``requests_log()``: the operation of every request the client sent since the last call (its log)."""
    caplog.set_level(logging.DEBUG, logger="shopops.shopify")

    def taken() -> list[str]:
        found = [r.getMessage().split()[1] for r in caplog.records if r.name == "shopops.shopify"]
        caplog.clear()
        return found

    return taken


def shop_row(ws: Any, code: str) -> dict[str, Any]:
    """The shop's row as stored, ``updated_at`` included."""
    with ws.engine.connect() as conn:
        return dict(conn.execute(sa.select(t.shop).where(t.shop.c.code == code)).mappings().one())


def in_sandbox(box: Sandbox) -> dict[str, tuple[str, str]]:
    """The sandbox's own subscriptions: id -> (topic, address)."""
    return {s["id"]: (s["topic"], s["uri"]) for s in box.state.table(TABLE).values()}


def test_register_creates_the_six_and_a_second_register_sends_no_mutation(
    ws: Any, box: Sandbox, shop: str, requests_log: Any
) -> None:
    first = subscriptions.register(ws, shop, HOOKS)
    assert first.summary() == "created 6, updated 0, unchanged 0"
    assert sorted(in_sandbox(box).values()) == sorted((enum, HOOKS) for enum in TOPICS.values())
    assert requests_log() == ["WebhookSubscriptions"] + ["WebhookSubscriptionCreate"] * 6
    card = ws.shops[shop].settings
    assert card.webhook_address == HOOKS
    assert card.webhook_topics.split(",") == list(TOPICS)
    assert card.shop_domain.endswith(".myshopify.com")
    stamps = {s["id"]: s["updatedAt"] for s in box.state.table(TABLE).values()}
    card_row = shop_row(ws, shop)

    second = subscriptions.register(ws, shop, HOOKS)
    assert second.summary() == "created 0, updated 0, unchanged 6"
    assert requests_log() == ["WebhookSubscriptions"]  # one read, no mutation at all
    assert second.requests == 1
    assert {s["id"]: s["updatedAt"] for s in box.state.table(TABLE).values()} == stamps
    assert shop_row(ws, shop) == card_row  # the card was not even written again (updated_at kept)


def test_another_address_moves_them(ws: Any, box: Sandbox, shop: str, requests_log: Any) -> None:
    subscriptions.register(ws, shop, HOOKS)
    before = set(in_sandbox(box))
    requests_log()
    moved = subscriptions.register(ws, shop, MOVED)
    assert moved.summary() == "created 0, updated 6, unchanged 0"
    assert moved.updated == list(TOPICS)
    assert requests_log() == ["WebhookSubscriptions"] + ["WebhookSubscriptionUpdate"] * 6
    assert set(in_sandbox(box)) == before  # the same subscriptions, so no event falls between two
    assert {address for _topic, address in in_sandbox(box).values()} == {MOVED}
    assert ws.shops[shop].settings.webhook_address == MOVED
    # a second subscription of a topic at another address is not ours to move: it is reported
    box.post(CREATE, {"topic": "ORDERS_CREATE", "uri": HOOKS})
    again = subscriptions.register(ws, shop, MOVED)
    assert again.summary() == "created 0, updated 0, unchanged 6"
    assert [(o.topic, o.address) for o in again.others] == [("orders/create", HOOKS)]


def test_list_shows_them_and_refreshes_the_card(ws: Any, box: Sandbox, shop: str) -> None:
    subscriptions.register(ws, shop, HOOKS)
    box.post(CREATE, {"topic": "PRODUCTS_CREATE", "uri": HOOKS})  # not one of ours
    gone = next(i for i, (topic, _a) in in_sandbox(box).items() if topic == "ORDERS_EDITED")
    box.state.delete(gone)  # as Shopify does after a receiver failed every retry
    frame = subscriptions.subscriptions(ws, shop)
    assert list(frame.columns) == subscriptions.COLUMNS
    assert len(frame) == 6
    assert sorted(frame[frame.ours].topic) == sorted(set(TOPICS) - {"orders/edited"})
    assert frame[~frame.ours].topic.tolist() == ["products/create"]
    assert set(frame.address) == {HOOKS} and set(frame.format) == {"JSON"}
    assert str(frame.created_at.dtype).startswith("datetime64") and frame.created_at.notna().all()
    card = ws.shops[shop].settings
    assert "orders/edited" not in card.webhook_topics.split(",") and len(card.webhook_topics.split(",")) == 5


def test_delete_removes_them_and_clears_the_card(ws: Any, box: Sandbox, shop: str) -> None:
    subscriptions.register(ws, shop, HOOKS)
    box.post(CREATE, {"topic": "ORDERS_CREATE", "uri": MOVED})
    box.post(CREATE, {"topic": "PRODUCTS_CREATE", "uri": HOOKS})  # not one of ours: kept
    elsewhere = subscriptions.delete(ws, shop, MOVED)
    assert [(s.topic, s.address) for s in elsewhere.deleted] == [("orders/create", MOVED)]
    assert ws.shops[shop].settings.webhook_address == HOOKS  # the card's address was not touched
    result = subscriptions.delete(ws, shop)
    assert result.summary() == "deleted 6"
    assert list(in_sandbox(box).values()) == [("PRODUCTS_CREATE", HOOKS)]
    card = ws.shops[shop].settings
    assert (card.webhook_address, card.webhook_topics) == ("", "")
    assert subscriptions.delete(ws, shop).summary() == "deleted 0"  # nothing left: nothing to do


def test_a_token_without_read_orders_is_refused_and_nothing_is_made(
    ws: Any, box: Sandbox, shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    limited = box.shop.add_token(scopes=["read_products", "read_customers"])
    monkeypatch.setenv(TOKEN_ENV, limited)
    with pytest.raises(ConfigError) as caught:
        subscriptions.register(ws, shop, HOOKS)
    assert caught.value.field == "scopes"
    message = str(caught.value)
    assert "read_orders" in message and "orders/create" in message and f"${TOKEN_ENV}" in message
    assert "\n" not in message and limited not in message
    assert in_sandbox(box) == {}
    assert ws.shops[shop].settings.webhook_address == ""


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("ftp://erp.example.com/hooks", "is not a webhook address"),
        ("http://erp.example.com/hooks", "only to https"),
        ("erp.example.com/hooks", "is not a webhook address"),
        ("https://user:secret@erp.example.com/hooks", "must not carry a user or password"),
        ("ftp://user:secret@erp.example.com/hooks", "must not carry a user or password"),
    ],
)
def test_a_bad_address_is_refused_before_any_call(
    ws: Any, box: Sandbox, shop: str, requests_log: Any, address: str, says: str
) -> None:
    for call in (subscriptions.register, subscriptions.delete):
        with pytest.raises(ConfigError, match=says) as caught:
            call(ws, shop, address)
        assert caught.value.field == "address" and "secret" not in str(caught.value)
    assert requests_log() == []
    assert in_sandbox(box) == {}
