"""Webhooks like Shopify's: subscriptions over GraphQL, signed deliveries to a real HTTP receiver on each
topic's cause, retries with the same ids, seeded drops and duplicates, and silence when unsubscribed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shopops.sandbox import Sandbox, ShopHandle
from tests.integration.sandbox import documents as docs
from tests.integration.sandbox.conftest import Client

SUBSCRIBE = """
mutation Sub($topic: WebhookSubscriptionTopic!, $input: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $input) {
    webhookSubscription { id topic uri format endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
    userErrors { field message }
  }
}"""
UPDATE = """
mutation Up($id: ID!, $input: WebhookSubscriptionInput!) {
  webhookSubscriptionUpdate(id: $id, webhookSubscription: $input) {
    webhookSubscription { id topic uri } userErrors { field message }
  }
}"""
DELETE = """
mutation Del($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
}"""
LIST = """
query List($topics: [WebhookSubscriptionTopic!]) {
  webhookSubscriptions(first: 10, topics: $topics) { nodes { id topic uri } }
}"""
ONE = "query One($id: ID!) { webhookSubscription(id: $id) { id topic uri callbackUrl } }"


class Receiver:
    """A tiny HTTP receiver in a thread: records every POST, answers the scripted statuses then 200."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.script: list[int] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.calls.append((dict(self.headers.items()), body))
                    status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def topics(self) -> list[str]:
        """The X-Shopify-Topic of every call so far, in order."""
        return [h["X-Shopify-Topic"] for h, _b in self.calls]


@pytest.fixture
def box() -> Iterator[Sandbox]:
    """A fresh tiny shop per test (subscriptions and fault switches are per shop)."""
    with Sandbox(seed="tiny", plan="plus", bulk_timing="instant") as sandbox:
        sandbox.shop.client_secret = "hush"
        sandbox.shop.set_webhook_timing(scale=0.0005)
        yield sandbox


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver listening on loopback for the test's length."""
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _client(box: Sandbox) -> Client:
    return Client(box.url, box.token)


def _subscribe(client: Client, topic: str, uri: str) -> dict[str, Any]:
    result: dict[str, Any] = client.data(SUBSCRIBE, {"topic": topic, "input": {"uri": uri}})[
        "webhookSubscriptionCreate"
    ]
    return result


def _verify(headers: dict[str, str], body: bytes, secret: str = "hush") -> None:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    assert hmac.compare_digest(headers["X-Shopify-Hmac-Sha256"], digest)


def _order(client: Client, box: Sandbox) -> dict[str, Any]:
    variant = next(v for v in box.state.table("ProductVariant").values())
    created = client.data(
        docs.ORDER_CREATE,
        {"order": {"lineItems": [{"variantId": variant["id"], "quantity": 2}], "financialStatus": "PAID"}},
    )["orderCreate"]
    assert created["userErrors"] == []
    order: dict[str, Any] = created["order"]
    return order


def test_subscriptions_are_created_listed_updated_and_deleted(box: Sandbox) -> None:
    client = _client(box)
    made = _subscribe(client, "ORDERS_CREATE", "https://erp.example.com/hooks")
    sub = made["webhookSubscription"]
    assert made["userErrors"] == [] and sub["topic"] == "ORDERS_CREATE" and sub["format"] == "JSON"
    assert sub["endpoint"] == {"__typename": "WebhookHttpEndpoint", "callbackUrl": "https://erp.example.com/hooks"}
    other = _subscribe(client, "REFUNDS_CREATE", "https://erp.example.com/hooks")["webhookSubscription"]

    assert [n["id"] for n in client.data(LIST)["webhookSubscriptions"]["nodes"]] == [sub["id"], other["id"]]
    listed = client.data(LIST, {"topics": ["REFUNDS_CREATE"]})["webhookSubscriptions"]["nodes"]
    assert [n["id"] for n in listed] == [other["id"]]

    moved = client.data(UPDATE, {"id": sub["id"], "input": {"uri": "https://erp.example.com/v2"}})
    assert moved["webhookSubscriptionUpdate"]["webhookSubscription"]["uri"] == "https://erp.example.com/v2"
    one = client.data(ONE, {"id": sub["id"]})["webhookSubscription"]
    assert one["uri"] == one["callbackUrl"] == "https://erp.example.com/v2"

    gone = client.data(DELETE, {"id": sub["id"]})["webhookSubscriptionDelete"]
    assert gone == {"deletedWebhookSubscriptionId": sub["id"], "userErrors": []}
    assert client.data(ONE, {"id": sub["id"]})["webhookSubscription"] is None
    again = client.data(DELETE, {"id": sub["id"]})["webhookSubscriptionDelete"]
    assert again["deletedWebhookSubscriptionId"] is None and again["userErrors"][0]["field"] == ["id"]


def test_bad_addresses_and_duplicates_are_user_errors(box: Sandbox) -> None:
    client = _client(box)
    ftp = _subscribe(client, "ORDERS_CREATE", "ftp://erp.example.com/hooks")
    assert ftp["webhookSubscription"] is None
    assert ftp["userErrors"] == [
        {"field": ["webhookSubscription", "uri"], "message": "Address protocol ftp:// is not supported"}
    ]
    blank = _subscribe(client, "ORDERS_CREATE", "")
    assert blank["userErrors"][0]["message"] == "Address can't be blank"
    first = _subscribe(client, "ORDERS_CREATE", "https://erp.example.com/hooks")
    assert first["userErrors"] == []
    twice = _subscribe(client, "ORDERS_CREATE", "https://erp.example.com/hooks")
    assert twice["webhookSubscription"] is None
    assert twice["userErrors"] == [
        {"field": ["webhookSubscription", "uri"], "message": "Address for this topic has already been taken"}
    ]
    # the same address on another topic is fine, and moving onto a taken address is refused
    second = _subscribe(client, "ORDERS_UPDATED", "https://erp.example.com/hooks")["webhookSubscription"]
    other = _subscribe(client, "ORDERS_CREATE", "https://erp.example.com/other")["webhookSubscription"]
    clash = client.data(UPDATE, {"id": other["id"], "input": {"uri": "https://erp.example.com/hooks"}})
    assert clash["webhookSubscriptionUpdate"]["userErrors"][0]["message"].endswith("already been taken")
    assert second["topic"] == "ORDERS_UPDATED"
    products_only = box.shop.add_token(["read_products"])
    refused = client.data(
        SUBSCRIBE, {"topic": "ORDERS_CREATE", "input": {"uri": "https://erp.example.com/x"}}, token=products_only
    )["webhookSubscriptionCreate"]
    assert refused["webhookSubscription"] is None and refused["userErrors"][0]["field"] == ["topic"]
    uninstalled = client.data(
        SUBSCRIBE, {"topic": "APP_UNINSTALLED", "input": {"uri": "https://erp.example.com/x"}}, token=products_only
    )["webhookSubscriptionCreate"]
    assert uninstalled["userErrors"] == []
    legacy = client.data(
        SUBSCRIBE, {"topic": "ORDERS_EDITED", "input": {"callbackUrl": "https://erp.example.com/legacy"}}
    )["webhookSubscriptionCreate"]
    assert legacy["webhookSubscription"]["uri"] == "https://erp.example.com/legacy"


def test_each_topic_is_delivered_on_its_cause_signed(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    for topic in ("ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_EDITED", "ORDERS_CANCELLED", "REFUNDS_CREATE"):
        assert _subscribe(client, topic, receiver.url)["userErrors"] == []
    shop: ShopHandle = box.shop

    order = _order(client, box)
    assert shop.wait_webhooks_idle()
    assert receiver.topics() == ["orders/create", "orders/updated"]
    headers, body = receiver.calls[0]
    _verify(headers, body)
    payload = json.loads(body)
    assert payload["admin_graphql_api_id"] == order["id"] and payload["id"] == int(order["id"].rsplit("/", 1)[1])
    assert payload["name"] == order["name"] and payload["updated_at"] and payload["line_items"][0]["quantity"] == 2
    assert payload["financial_status"] == "paid"
    assert headers["X-Shopify-Shop-Domain"] == "demo.myshopify.com"
    assert headers["X-Shopify-API-Version"] == "2026-07" and headers["X-Shopify-Triggered-At"]
    assert headers["X-Shopify-Event-Id"] != receiver.calls[1][0]["X-Shopify-Event-Id"]  # one event per topic
    assert headers["X-Shopify-Webhook-Id"] != receiver.calls[1][0]["X-Shopify-Webhook-Id"]

    calculated = client.data(docs.ORDER_EDIT_BEGIN, {"id": order["id"]})["orderEditBegin"]["calculatedOrder"]
    client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"]})
    line = box.state.get(order["id"])["lineItemIds"][0]
    refund = client.data(
        docs.REFUND_CREATE,
        {
            "key": str(uuid.uuid4()),
            "input": {"orderId": order["id"], "refundLineItems": [{"lineItemId": line, "quantity": 1}]},
        },
    )["refundCreate"]
    assert refund["userErrors"] == []
    client.data(docs.ORDER_CANCEL, {"orderId": order["id"], "restock": True})
    assert shop.wait_webhooks_idle()
    assert receiver.topics()[2:] == [
        "orders/edited",
        "orders/updated",
        "refunds/create",
        "orders/updated",
        "orders/cancelled",
        "orders/updated",
    ]
    for headers, body in receiver.calls:
        _verify(headers, body)
    refund_body = json.loads(receiver.calls[4][1])
    assert refund_body["admin_graphql_api_id"] == refund["refund"]["id"]
    assert refund_body["order_id"] == payload["id"] and refund_body["refund_line_items"][0]["quantity"] == 1
    cancelled = json.loads(receiver.calls[6][1])
    assert cancelled["cancelled_at"] and cancelled["updated_at"] >= payload["updated_at"]
    assert all(d["status"] == "delivered" and d["attempts"] == 1 for d in shop.webhook_deliveries())


def test_fulfilment_closing_and_reopening_send_orders_updated_only(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    order = _order(client, box)
    for topic in ("ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED"):
        _subscribe(client, topic, receiver.url)
    fo = box.state.get(order["id"])["fulfillmentOrderIds"][0]
    shipped = client.data(
        docs.FULFILLMENT_CREATE, {"fulfillment": {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo}]}}
    )["fulfillmentCreate"]
    assert shipped["userErrors"] == []
    client.data(docs.ORDER_CLOSE, {"id": order["id"]})
    client.data(docs.ORDER_OPEN, {"id": order["id"]})
    assert box.shop.wait_webhooks_idle()
    assert receiver.topics() == ["orders/updated", "orders/updated", "orders/updated"]
    fulfilled, closed, reopened = (json.loads(body) for _h, body in receiver.calls)
    assert reopened["closed_at"] is None
    assert fulfilled["fulfillment_status"] == "fulfilled" and closed["closed_at"]
    assert closed["updated_at"] > fulfilled["updated_at"] and closed["admin_graphql_api_id"] == order["id"]


def test_order_update_sends_one_orders_updated_with_the_new_values(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    order = _order(client, box)
    _subscribe(client, "ORDERS_UPDATED", receiver.url)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    changes = {
        "id": order["id"],
        "email": "ops@example.com",
        "note": "leave at the door",
        "phone": "+15555550123",
        "poNumber": "PO-7",
        "tags": ["rush", "b2b"],
        "customAttributes": [{"key": "dock", "value": "3"}],
        "shippingAddress": {"firstName": "Bo", "address1": "2 Elm St", "city": "Ithaca", "countryCode": "US"},
    }
    result = client.data(docs.ORDER_UPDATE, {"input": changes})["orderUpdate"]
    assert result["userErrors"] == []
    assert box.shop.wait_webhooks_idle()
    assert receiver.topics() == ["orders/updated"]
    headers, body = receiver.calls[0]
    _verify(headers, body)
    sent = json.loads(body)
    assert sent["admin_graphql_api_id"] == order["id"] and sent["updated_at"] == result["order"]["updatedAt"]
    assert (sent["email"], sent["note"], sent["phone"], sent["po_number"]) == (
        "ops@example.com",
        "leave at the door",
        "+15555550123",
        "PO-7",
    )
    assert sent["tags"] == "rush, b2b" and sent["note_attributes"] == [{"name": "dock", "value": "3"}]
    shipping = sent["shipping_address"]
    assert (shipping["first_name"], shipping["address1"], shipping["city"], shipping["country_code"]) == (
        "Bo",
        "2 Elm St",
        "Ithaca",
        "US",
    )
    missing = client.data(docs.ORDER_UPDATE, {"input": {"id": "gid://shopify/Order/987654", "note": "x"}})
    assert missing["orderUpdate"]["userErrors"] == [{"field": ["id"], "message": "Order does not exist"}]
    assert box.shop.wait_webhooks_idle() and len(receiver.calls) == 1  # a refused update sends nothing


def test_app_uninstalled_sends_the_shop_and_ends_the_subscriptions(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _subscribe(client, "APP_UNINSTALLED", receiver.url)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    box.shop.uninstall_app()
    assert box.shop.wait_webhooks_idle()
    assert receiver.topics() == ["app/uninstalled"]
    headers, body = receiver.calls[0]
    _verify(headers, body)
    assert json.loads(body)["myshopify_domain"] == "demo.myshopify.com"
    assert client.data(LIST)["webhookSubscriptions"]["nodes"] == []


def test_a_failed_delivery_is_retried_with_the_same_body_and_ids(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    receiver.script = [500, 503]
    _order(client, box)
    assert box.shop.wait_webhooks_idle()
    assert len(receiver.calls) == 3
    first_headers, first_body = receiver.calls[0]
    for headers, body in receiver.calls[1:]:
        assert body == first_body
        for name in ("X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Hmac-Sha256", "X-Shopify-Triggered-At"):
            assert headers[name] == first_headers[name]
    (delivery,) = box.shop.webhook_deliveries()
    assert (delivery["attempts"], delivery["statuses"], delivery["status"]) == (3, ["500", "503", "200"], "delivered")


def test_an_unreachable_address_fails_after_eight_tries(box: Sandbox) -> None:
    client = _client(box)
    _subscribe(client, "ORDERS_CREATE", "http://127.0.0.1:9/nobody")  # the discard port: refused
    _order(client, box)
    assert box.shop.wait_webhooks_idle(timeout=30)
    (delivery,) = box.shop.webhook_deliveries()
    assert delivery["attempts"] == 8 and delivery["status"] == "failed"
    assert set(delivery["statuses"]) == {"connection_error"}
    assert _client(box).data(LIST)["webhookSubscriptions"]["nodes"] == []  # removed, as Shopify does


def test_drops_and_duplicates_are_seeded_shares(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    box.shop.set_webhook_faults(drop=0.3, duplicate=0.3, seed=7)
    for _ in range(20):
        _order(client, box)
    assert box.shop.wait_webhooks_idle()
    deliveries = box.shop.webhook_deliveries()
    dropped = [d for d in deliveries if d["status"] == "dropped"]
    twins = [d for d in deliveries if d["duplicate"]]
    assert 0 < len(dropped) < 20 and 0 < len(twins) < 20
    assert len(receiver.calls) == 20 - len(dropped) + len(twins)
    by_event: dict[str, list[bytes]] = {}
    for headers, body in receiver.calls:
        by_event.setdefault(headers["X-Shopify-Event-Id"], []).append(body)
    assert sorted(len(b) for b in by_event.values()).count(2) == len(twins)
    assert all(len(set(bodies)) == 1 for bodies in by_event.values())
    pattern = [(d["status"], d["duplicate"]) for d in deliveries]

    with Sandbox(seed="tiny", bulk_timing="instant") as again:
        client2 = _client(again)
        _subscribe(client2, "ORDERS_CREATE", receiver.url)
        again.shop.set_webhook_faults(drop=0.3, duplicate=0.3, seed=7)
        for _ in range(20):
            _order(client2, again)
        assert again.shop.wait_webhooks_idle()
        assert [(d["status"], d["duplicate"]) for d in again.shop.webhook_deliveries()] == pattern


def test_nothing_is_delivered_while_unsubscribed(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _order(client, box)
    sub = _subscribe(client, "ORDERS_CREATE", receiver.url)["webhookSubscription"]
    client.data(DELETE, {"id": sub["id"]})
    _order(client, box)
    assert box.shop.wait_webhooks_idle()
    assert receiver.calls == [] and box.shop.webhook_deliveries() == []


def test_a_mutation_does_not_wait_for_a_slow_receiver(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    receiver.delay = 1.0
    started = time.monotonic()
    _order(client, box)
    assert time.monotonic() - started < 0.8
    assert box.shop.webhook_deliveries()[0]["status"] == "pending"
    assert box.shop.wait_webhooks_idle()
    assert box.shop.webhook_deliveries()[0]["status"] == "delivered"


def test_a_receiver_slower_than_the_timeout_is_a_failed_try(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    box.shop.set_webhook_timing(scale=0.0005, timeout_s=0.2)
    receiver.delay = 0.5
    _order(client, box)
    time.sleep(0.3)
    receiver.delay = 0.0
    assert box.shop.wait_webhooks_idle()
    (delivery,) = box.shop.webhook_deliveries()
    assert delivery["statuses"][0] == "timeout" and delivery["status"] == "delivered"


def test_each_try_records_its_duration_and_the_delivery_its_times(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    receiver.script = [500]
    receiver.delay = 0.1
    before = time.time()
    _order(client, box)
    assert box.shop.wait_webhooks_idle()
    (delivery,) = box.shop.webhook_deliveries()
    assert delivery["statuses"] == ["500", "200"] and len(delivery["durations_ms"]) == 2
    assert all(100.0 <= ms < 5000.0 for ms in delivery["durations_ms"])  # the receiver sleeps 0.1 s per request
    assert before <= delivery["queued_at"] < delivery["delivered_at"] <= time.time()
    assert delivery["delivered_at"] - delivery["queued_at"] >= sum(delivery["durations_ms"]) / 1000.0


def test_several_senders_deliver_in_parallel_none_lost_or_doubled(box: Sandbox, receiver: Receiver) -> None:
    client = _client(box)
    _subscribe(client, "ORDERS_CREATE", receiver.url)
    box.shop.set_webhook_timing(scale=0.0005, senders=4)
    receiver.delay = 0.2
    receiver.script = [500, 503]  # two failed tries, retried by whichever sender is free
    for _ in range(20):
        _order(client, box)
    assert box.shop.wait_webhooks_idle(timeout=30)
    deliveries = box.shop.webhook_deliveries()
    assert len(deliveries) == 20 and all(d["status"] == "delivered" for d in deliveries)
    assert sum(d["attempts"] for d in deliveries) == 22 == len(receiver.calls)
    accepted = [h["X-Shopify-Webhook-Id"] for h, _b in receiver.calls]
    assert sorted(set(accepted)) == sorted(d["webhook_id"] for d in deliveries)  # every one arrived
    assert len({h["X-Shopify-Event-Id"] for h, _b in receiver.calls}) == 20
    span = max(d["delivered_at"] for d in deliveries) - min(d["queued_at"] for d in deliveries)
    serial = sum(ms for d in deliveries for ms in d["durations_ms"]) / 1000.0
    assert serial >= 22 * 0.2 and span < serial / 2  # one sender would need the sum of the tries (4.4 s)
