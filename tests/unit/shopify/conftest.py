"""Fixtures for the Shopify client's unit tests: no network, no sandbox."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from shopops.shopify import RetryPolicy, ShopifyClient
from shopops.shopify.errors import TransportError
from shopops.shopify.transport import HttpAnswer

TOKEN = "shpat_unit_secret_0123456789"


def answer(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> HttpAnswer:
    """An HTTP answer as the transport would return it."""
    import json

    return HttpAnswer(
        status=status,
        headers=dict(headers or {}),
        body=body,
        text=json.dumps(body) if not isinstance(body, str) else body,
        elapsed=0.001,
        request_id=(headers or {}).get("X-Request-Id", "req-1"),
    )


def ok(data: Any, requested: float = 10, actual: float = 5, available: float = 1990) -> HttpAnswer:
    return answer(
        {
            "data": data,
            "extensions": {
                "cost": {
                    "requestedQueryCost": requested,
                    "actualQueryCost": actual,
                    "throttleStatus": {
                        "maximumAvailable": 2000.0,
                        "currentlyAvailable": available,
                        "restoreRate": 100.0,
                    },
                }
            },
        }
    )


class ScriptedTransport:
    """Stands in for ``Transport.post``: answers from a script and records every payload sent."""

    def __init__(self, script: list[HttpAnswer | Exception | Callable[[Mapping[str, Any]], HttpAnswer]]):
        self.script = list(script)
        self.sent: list[Mapping[str, Any]] = []
        self.shop = "unit.myshopify.com"

    def post(self, payload: Mapping[str, Any]) -> HttpAnswer:
        self.sent.append(payload)
        if not self.script:
            raise AssertionError("no scripted answer left")
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        if callable(step):
            return step(payload)
        return step

    def close(self) -> None:
        pass


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(sleeps: list[float]) -> Callable[..., tuple[ShopifyClient, ScriptedTransport]]:
    def make(script: list[Any], **kw: Any) -> tuple[ShopifyClient, ScriptedTransport]:
        client = ShopifyClient(
            "https://unit.myshopify.com", TOKEN, retry=kw.pop("retry", RetryPolicy.fast()), sleep=sleeps.append, **kw
        )
        fake = ScriptedTransport(script)
        client.transport = fake  # type: ignore[assignment]
        return client, fake

    return make


CONN_RESET = TransportError("No answer from unit.myshopify.com: ConnectionError")
