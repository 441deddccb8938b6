"""Bulk queries against the sandbox: run, poll, stream, join, and a bulk query already running."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from shopops.shopify import RetryPolicy, ShopifyClient, errors
from shopops.shopify.bulk import BulkRunner

ORDERS_WITH_LINES = """
{
  orders {
    edges { node { id name totalPriceSet { shopMoney { amount } }
      lineItems { edges { node { id sku quantity } } } } }
  }
}
"""
ORDERS_ONLY = "{ orders { edges { node { id } } } }"


def client_for(sb: Any) -> ShopifyClient:
    return ShopifyClient(sb.url, sb.token, retry=RetryPolicy.fast())


def test_bulk_read_streams_and_joins_children(big_sandbox: Any) -> None:
    client = client_for(big_sandbox)
    result = client.bulk.run_query(ORDERS_WITH_LINES)
    assert result.status == "COMPLETED" and result.url
    orders = 0
    lines = 0
    total = Decimal(0)
    for order in result.objects(children={"LineItem": "lineItems"}):
        orders += 1
        lines += len(order.get("lineItems", []))
        total += Decimal(order["totalPriceSet"]["shopMoney"]["amount"])
        assert all(li["id"].startswith("gid://shopify/LineItem/") for li in order.get("lineItems", []))
    state = big_sandbox.state
    assert orders == len(state.table("Order")) == 10_000
    assert lines == len(state.table("LineItem"))
    assert total > 0
    assert result.object_count == orders + lines
    assert client.stats.calls < 50, "a bulk read costs only its run and poll calls"


def concurrent_starts(big_sandbox: Any, on_running: str, n: int = 8) -> tuple[list[Any], int]:
    """``n`` runners start a bulk query at the same moment; their outcomes and the run-query calls sent."""
    calls: list[str] = []
    client = ShopifyClient(
        big_sandbox.url,
        big_sandbox.token,
        retry=RetryPolicy.fast(),
        log_mode="all",
        log_sink=lambda e: calls.append(e.operation),
    )
    runner = BulkRunner(client, poll_interval=0.05)
    big_sandbox.state.bulk_min_seconds = 0.5  # keep each run RUNNING long enough for the eight to meet

    def start(_: int) -> Any:
        try:
            op_id = runner.start(ORDERS_WITH_LINES, on_running=on_running, timeout=120)  # type: ignore[arg-type]
            return runner.wait(op_id, timeout=120, raise_on_failure=False)
        except errors.BulkOperationError as exc:
            return exc

    try:
        with ThreadPoolExecutor(n) as pool:
            outcomes = list(pool.map(start, range(n)))
    finally:
        big_sandbox.state.bulk_min_seconds = 0.0
    return outcomes, calls.count("BulkOperationRunQuery")


def test_already_running_raise(big_sandbox: Any) -> None:
    outcomes, _ = concurrent_starts(big_sandbox, "raise")
    refused = [o for o in outcomes if isinstance(o, errors.BulkOperationError)]
    assert refused, "eight bulk queries at once must exceed the five concurrent slots"
    assert "did not start" in str(refused[0])


def test_already_running_wait(big_sandbox: Any) -> None:
    outcomes, run_calls = concurrent_starts(big_sandbox, "wait")
    assert all(o.status == "COMPLETED" for o in outcomes), outcomes
    assert run_calls > len(outcomes), "some starts were refused as already running, waited and started again"


def test_already_running_cancel(big_sandbox: Any) -> None:
    for _ in range(3):  # the sandbox may finish one before the eighth arrives; try a new batch then
        outcomes, run_calls = concurrent_starts(big_sandbox, "cancel")
        if run_calls > len(outcomes):
            break
    assert not [o for o in outcomes if isinstance(o, errors.BulkOperationError)]
    statuses = {o.status for o in outcomes}
    assert "COMPLETED" in statuses and statuses <= {"COMPLETED", "CANCELED"}
    assert run_calls > len(outcomes)
