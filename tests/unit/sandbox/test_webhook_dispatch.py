"""The webhook queue without a network: the signature, the retry schedule, seeded drops, closing, senders."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

import pytest

from shopops.sandbox.webhooks.dispatch import RETRY_DELAYS_S, WebhookHub, sign


def test_the_signature_is_base64_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"id":1,"name":"#1001"}'
    expected = base64.b64encode(hmac.new(b"secret", body, hashlib.sha256).digest()).decode()
    assert sign(body, "secret") == expected
    assert sign(body + b" ", "secret") != expected


def test_eight_tries_over_about_four_hours() -> None:
    assert len(RETRY_DELAYS_S) + 1 == 8
    assert 3.9 * 3600 <= sum(RETRY_DELAYS_S) <= 4.1 * 3600
    assert list(RETRY_DELAYS_S) == sorted(RETRY_DELAYS_S)


def test_a_dropped_delivery_is_recorded_and_never_queued() -> None:
    hub = WebhookHub()
    hub.set_faults(drop=1.0)
    hub.enqueue("orders/create", "http://127.0.0.1:9/x", "gid://shopify/WebhookSubscription/1", b"{}", "e1")
    assert hub.wait_idle(timeout=0.1)
    (delivery,) = hub.deliveries()
    assert (delivery["status"], delivery["attempts"], delivery["event_id"]) == ("dropped", 0, "e1")


def test_the_same_seed_draws_the_same_faults() -> None:
    def pattern(seed: int) -> list[tuple[bool, bool]]:
        hub = WebhookHub()
        hub.set_timing(scale=1000.0)  # a refused try is not retried within the test
        hub.set_faults(drop=0.5, duplicate=0.5, seed=seed)
        for n in range(30):
            hub.enqueue("orders/create", "http://127.0.0.1:9/x", "s", b"{}", f"e{n}")
        hub.close()
        return [(d["status"] == "dropped", d["duplicate"]) for d in hub.deliveries()]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)


def test_closing_abandons_what_is_queued() -> None:
    hub = WebhookHub()
    hub.set_timing(scale=1.0)
    hub.enqueue("orders/create", "http://127.0.0.1:9/x", "s", b"{}", "e1")
    hub.close()
    assert hub.wait_idle(timeout=1)
    assert hub.deliveries()[0]["status"] in ("abandoned", "pending")


def test_senders_grow_shrink_and_end_on_close() -> None:
    hub = WebhookHub()
    with pytest.raises(ValueError, match="at least 1"):
        hub.set_timing(senders=0)
    hub.set_timing(scale=1000.0, senders=3)  # a refused try waits hours for its retry: the senders idle
    for n in range(3):
        hub.enqueue("orders/create", "http://127.0.0.1:9/x", "s", b"{}", f"e{n}")
    assert _eventually(lambda: len(hub._threads) == 3)
    hub.set_timing(scale=1000.0, senders=1)
    assert _eventually(lambda: len(hub._threads) == 1)
    hub.close()
    assert _eventually(lambda: not hub._threads)
    assert not hub._heap


def test_the_record_holds_timing_fields() -> None:
    hub = WebhookHub()
    hub.set_faults(drop=1.0)
    before = time.time()
    hub.enqueue("orders/create", "http://127.0.0.1:9/x", "s", b"{}", "e1")
    (delivery,) = hub.deliveries()
    assert delivery["durations_ms"] == [] and delivery["delivered_at"] is None
    assert before <= delivery["queued_at"] <= time.time()


def _eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()
