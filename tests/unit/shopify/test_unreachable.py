"""A shop that cannot be reached: a host name that does not resolve fails at once with one short line; a
refused connection is retried, one warning line per retry, each telling the wait that really follows."""

from __future__ import annotations

import logging
import random
import socket
import time

import pytest

from shopops.shopify import RetryPolicy, ShopifyClient
from shopops.shopify.errors import HostNotFoundError, RetriesExhaustedError, TransportError
from shopops.shopify.request_log import RequestLogEntry

TOKEN = "shpat_unreachable_secret_0123456789"
QUERY = "query GetShop { shop { name } }"


def test_an_unresolvable_host_fails_fast_and_is_not_retried(caplog: pytest.LogCaptureFixture) -> None:
    sleeps: list[float] = []
    entries: list[RequestLogEntry] = []
    client = ShopifyClient("https://no-such-shop.invalid", TOKEN, sleep=sleeps.append, log_sink=entries.append)
    started = time.monotonic()
    with caplog.at_level(logging.DEBUG, logger="shopops.shopify"), pytest.raises(HostNotFoundError) as raised:
        client.execute(QUERY)
    assert time.monotonic() - started < 5
    assert sleeps == [] and client.stats.retries == 0
    message = str(raised.value)
    assert message.startswith("Cannot find the shop's host no-such-shop.invalid (")
    assert "Check the shop URL" in message and "\n" not in message and len(message) < 250
    assert "HTTPSConnectionPool" not in message and TOKEN not in message
    assert [e.outcome for e in entries] == ["error"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # the caller reports it, once
    assert "not retried" in caplog.text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_is_retried_with_one_true_line_per_retry(caplog: pytest.LogCaptureFixture) -> None:
    sleeps: list[float] = []
    policy = RetryPolicy(max_retries=3, base_delay=0.5, rng=random.Random(7))
    client = ShopifyClient(f"http://127.0.0.1:{_closed_port()}", TOKEN, retry=policy, sleep=sleeps.append)
    with caplog.at_level(logging.DEBUG, logger="shopops.shopify"), pytest.raises(RetriesExhaustedError) as raised:
        client.execute(QUERY)
    assert isinstance(raised.value.last, TransportError) and not isinstance(raised.value.last, HostNotFoundError)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == len(sleeps) == 3  # one line per retry
    for line, wait in zip(warnings, sleeps, strict=True):
        assert f"retry in {wait * 1000:.0f} ms" in line or f"retry in {wait:.1f} s" in line, (line, wait)
        assert "connection refused" in line and len(line) < 300 and "\n" not in line
    assert sleeps[0] >= 0.25  # the wait is the backoff's, not the attempt's few milliseconds
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("wait", "shown"), [(0.04, "retry in 40 ms"), (1.26, "retry in 1.3 s"), (125.0, "retry in 2 min 5 s")]
)
def test_the_log_line_tells_the_wait(wait: float, shown: str) -> None:
    entry = RequestLogEntry(
        shop="demo.myshopify.com",
        operation="GetShop",
        operation_type="query",
        attempt=1,
        status=502,
        request_id=None,
        duration_s=0.002,
        requested_cost=None,
        actual_cost=None,
        outcome="retry",
        error="502 from Shopify " + "x" * 400,
        request=None,
        response=None,
        retry_in_s=wait,
    )
    line = str(entry)
    assert f"#1 -> 502 failed after 2 ms, {shown}: 502 from Shopify" in line
    assert line.endswith("…") and len(line) < 300
