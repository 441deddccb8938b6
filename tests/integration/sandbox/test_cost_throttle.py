"""Cost and the leaky bucket: extensions on every response, THROTTLED, refunds, MAX_COST_EXCEEDED, caps."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


@pytest.fixture(scope="module")
def tiny() -> Iterator[Sandbox]:
    """A shop with a tiny bucket (restore 10 points/s, 60 points) so that throttling shows quickly."""
    with Sandbox(seed="tiny", plan=(10.0, 60.0)) as box:
        yield box


def test_every_response_carries_cost_extension(client: Client) -> None:
    body = client.run(docs.PRODUCTS_10)
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * 1
    assert cost["actualQueryCost"] <= cost["requestedQueryCost"]
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == 20000.0 and status["restoreRate"] == 1000.0
    assert 0 <= status["currentlyAvailable"] <= status["maximumAvailable"]


def test_mutation_costs_ten(client: Client) -> None:
    body = client.run(docs.CUSTOMER_UPDATE, {"input": {"id": "gid://shopify/Customer/1", "note": "x"}})
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10


def test_actual_cost_counts_returned_nodes(client: Client) -> None:
    body = client.run(docs.PRODUCTS_PAGE, {"first": 2, "query": "title:NoSuchProductAnywhere"})
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] > 100
    assert cost["actualQueryCost"] == 2


def test_standard_plan_bucket_figures() -> None:
    with Sandbox(seed="empty", plan="standard") as box:
        status = Client(box.url, box.token).run(docs.CHEAP)["extensions"]["cost"]["throttleStatus"]
        assert status["maximumAvailable"] == 2000.0 and status["restoreRate"] == 100.0
        box.shop.set_plan("advanced")
        status = Client(box.url, box.token).run(docs.CHEAP)["extensions"]["cost"]["throttleStatus"]
        assert status["maximumAvailable"] == 4000.0 and status["restoreRate"] == 200.0


def test_tiny_bucket_throttles_then_recovers(tiny: Sandbox) -> None:
    client = Client(tiny.url, tiny.token)
    seen_throttle = None
    for _ in range(10):
        body = client.run(docs.PRODUCTS_10)  # requested 12 points each
        if "errors" in body:
            seen_throttle = body
            break
    assert seen_throttle is not None, "a 60-point bucket must throttle within 10 calls of 12 points"
    error = seen_throttle["errors"][0]
    assert error["extensions"]["code"] == "THROTTLED"
    assert "data" not in seen_throttle
    cost = seen_throttle["extensions"]["cost"]
    assert cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["currentlyAvailable"] < cost["requestedQueryCost"]
    wait = (cost["requestedQueryCost"] - cost["throttleStatus"]["currentlyAvailable"]) / 10.0
    time.sleep(wait + 0.2)
    assert "errors" not in client.run(docs.PRODUCTS_10)


def test_buckets_are_per_token(tiny: Sandbox) -> None:
    first = Client(tiny.url, tiny.token)
    while "errors" not in first.run(docs.PRODUCTS_10):
        pass
    second = Client(tiny.url, tiny.shop.add_token())
    assert "errors" not in second.run(docs.PRODUCTS_10)


def test_max_cost_exceeded(client: Client) -> None:
    body = client.run(docs.EXPENSIVE)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["maxCost"] == 1000
    assert error["extensions"]["cost"] > 1000
    assert error["message"].startswith(f"Query cost is {error['extensions']['cost']}, which exceeds")
    assert "data" not in body


def test_first_over_250_is_refused(client: Client) -> None:
    body = client.run(docs.TOO_MANY)
    assert body["errors"][0]["extensions"]["code"] == "MAX_PAGE_SIZE_EXCEEDED"
    assert "250" in body["errors"][0]["message"]


def test_connection_without_first_or_last_is_an_error(client: Client) -> None:
    body = client.run(docs.NO_FIRST)
    assert body["errors"][0]["message"] == "you must provide one of first or last"


def test_input_list_over_250_is_refused(client: Client) -> None:
    quantities = [
        {
            "inventoryItemId": f"gid://shopify/InventoryItem/{i}",
            "locationId": "gid://shopify/Location/1",
            "quantity": 1,
            "changeFromQuantity": None,
        }
        for i in range(251)
    ]
    body = client.run(
        docs.INVENTORY_SET,
        {"key": "k-251", "input": {"name": "available", "reason": "correction", "quantities": quantities}},
    )
    assert body["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert "251" in body["errors"][0]["message"]
