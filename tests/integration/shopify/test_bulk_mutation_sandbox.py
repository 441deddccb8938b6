"""Bulk mutations against the sandbox: stage the variables, run, poll, read one result line per input line."""

from __future__ import annotations

from typing import Any

import pytest

from shopops.shopify import RetryPolicy, ShopifyClient, errors, operations
from shopops.shopify.bulk import BulkRunner


def _variants(sb: Any) -> list[tuple[str, str]]:
    """(product gid, variant gid) of every seeded variant."""
    return [(str(v["productId"]), str(v["id"])) for v in sb.state.table("ProductVariant").values()]


def _lines(pairs: list[tuple[str, str]], price: str) -> list[dict[str, Any]]:
    by_product: dict[str, list[str]] = {}
    for pid, vid in pairs:
        by_product.setdefault(pid, []).append(vid)
    return [
        {"productId": pid, "variants": [{"id": v, "price": price} for v in vids]}
        for pid, vids in sorted(by_product.items())
    ]


def test_run_mutation_updates_every_line_with_few_calls(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed={"products": 30})
    client = ShopifyClient(sb.url, sb.token, retry=RetryPolicy.fast())
    lines = _lines(_variants(sb), "12.34")
    result = BulkRunner(client, poll_interval=0.05).run_mutation(operations.load("ProductVariantsBulkUpdate"), lines)
    assert result.status == "COMPLETED"
    out = list(result.lines())
    assert [o["__lineNumber"] for o in out] == list(range(len(lines)))
    assert all(o["data"]["productVariantsBulkUpdate"]["userErrors"] == [] for o in out)
    assert {str(v["price"]) for v in sb.state.table("ProductVariant").values()} == {"12.34"}
    assert client.stats.calls < 15, "staging, starting and polling only, not one call per line"
    op = sb.state.get(result.id, "BulkOperation")
    assert op is not None and op["type"] == "MUTATION" and op["objectCount"] == str(len(lines))


def test_failed_line_carries_its_user_errors(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed={"products": 3})
    client = ShopifyClient(sb.url, sb.token, retry=RetryPolicy.fast())
    lines = _lines(_variants(sb), "5.00")
    lines[1]["variants"][0]["id"] = "gid://shopify/ProductVariant/999999999"
    result = client.bulk.run_mutation(operations.load("ProductVariantsBulkUpdate"), lines)
    out = {o["__lineNumber"]: o for o in result.lines()}
    assert out[1]["data"]["productVariantsBulkUpdate"]["userErrors"]
    assert out[0]["data"]["productVariantsBulkUpdate"]["userErrors"] == []


def test_only_one_bulk_mutation_at_a_time(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed={"products": 2})
    sb.state.bulk_min_seconds = 0.5
    client = ShopifyClient(sb.url, sb.token, retry=RetryPolicy.fast())
    runner = BulkRunner(client, poll_interval=0.05)
    document = operations.load("ProductVariantsBulkUpdate")
    lines = _lines(_variants(sb), "1.00")
    first = runner.start_mutation(document, runner.stage_variables(lines))
    with pytest.raises(errors.BulkOperationError, match="already in progress"):
        runner.start_mutation(document, runner.stage_variables(lines), on_running="raise")
    second = runner.start_mutation(document, runner.stage_variables(lines), on_running="wait")
    assert second != first
    assert runner.wait(first).status == "COMPLETED"
    assert runner.wait(second).status == "COMPLETED"


def test_bad_document_and_missing_file_are_refused(sandbox_factory: Any) -> None:
    sb = sandbox_factory(seed={"products": 1})
    runner = ShopifyClient(sb.url, sb.token, retry=RetryPolicy.fast()).bulk
    with pytest.raises(errors.BulkOperationError, match=r"single mutation|mutation field"):
        runner.start_mutation("{ shop { name } }", runner.stage_variables([{"a": 1}]))
    with pytest.raises(errors.BulkOperationError, match="does not exist"):
        runner.start_mutation(operations.load("ProductVariantsBulkUpdate"), "no-such-file")
