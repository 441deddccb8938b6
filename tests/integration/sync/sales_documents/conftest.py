"""Fixtures of the sales-document tests: one sandbox shop with the orders every test looks at, synced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shopops.sandbox import Sandbox
from tests.integration.sync.sales_documents.shopify_orders import SETTINGS, create_order, line, refund, seed_erp, usd


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="empty", plan="plus") as shop:
        yield shop


@pytest.fixture(scope="module")
def orders(sandbox: Any) -> dict[str, int]:
    """The orders every test looks at, made once (tests that change an order make their own)."""
    made = {
        "plain": create_order(
            sandbox,
            email="ADA@example.com",
            lineItems=[
                line("1000", 2, "10.00", tax="4.75"),  # the fixed discount code takes 1.00 off this line
                line("2000|XL", 1, "25.00", tax="6.25"),
                line("5701234567890", 1, "25.00"),  # no such item no.: found by barcode
            ],
            shippingLines=[{"title": "Standard", "priceSet": usd("4.90")}],
            discountCode={"itemFixedDiscountCode": {"code": "ONE", "amountSet": usd("1.00")}},
        ),
        "unknown_sku": create_order(
            sandbox,
            email="ada@example.com",
            lineItems=[line("1000", 1, "10.00"), {**line("NO-SUCH-SKU", 1, "9.50"), "title": "Mystery box"}],
        ),
        "no_email": create_order(sandbox, lineItems=[line("1000", 3, "10.00")]),
        "gift_card_tip": create_order(
            sandbox,
            email="g@example.com",
            lineItems=[
                {"title": "Gift card", "giftCard": True, "quantity": 1, "priceSet": usd("50.00")},
                {"title": "Tip", "quantity": 1, "priceSet": usd("3.00"), "requiresShipping": False},
            ],
        ),
        "euro": create_order(
            sandbox, email="e@example.com", presentmentCurrency="EUR", lineItems=[line("1000", 1, "10.00")]
        ),
        "big": create_order(sandbox, email="big@example.com", lineItems=[line("1000", 1, "1.25")] * 120),
        "refunded_zero": create_order(
            sandbox, email="r@example.com", lineItems=[line("1000", 2, "10.00"), line("2000", 1, "7.00")]
        ),
        "fulfilled": create_order(
            sandbox, email="f@example.com", lineItems=[line("1000", 1, "10.00")], fulfillmentStatus="FULFILLED"
        ),
    }
    refund(sandbox, made["refunded_zero"], 0, 2)
    return made


@pytest.fixture
def shop(ws: Any, sandbox: Any, orders: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.add_token("demo"))
    ws.shops.add("SBX", url=sandbox.url, token_env="SANDBOX_TOKEN", **SETTINGS)
    seed_erp(ws)
    assert ws.run("sync-orders", shop="SBX").ok
    return "SBX"
