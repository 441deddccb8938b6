"""sync-orders' pure rules: parsing Shopify JSON, the request filters and conflict detection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from shopops.sync.orders.conflicts import find_conflicts
from shopops.sync.orders.filters import OrderFilters
from shopops.sync.orders.parse import parse_order, staging_row
from shopops.sync.values import BadShopifyValue, amount, shopify_id, when


def bag(shop: str, presentment: str | None = None) -> dict[str, Any]:
    return {
        "shopMoney": {"amount": shop, "currencyCode": "USD"},
        "presentmentMoney": {"amount": presentment or shop, "currencyCode": "EUR"},
    }


def line(n: int, qty: int = 1, title: str = "Thing", product: bool = True) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/LineItem/{n}",
        "title": title,
        "quantity": qty,
        "currentQuantity": qty,
        "product": {"id": "gid://shopify/Product/5"} if product else None,
        "originalUnitPriceSet": bag("10.10"),
        "totalDiscountSet": bag("0"),
        "discountedTotalSet": bag("10.10"),
        "taxLines": [{"title": "VAT", "rate": 0.25, "priceSet": bag("2.52")}],
    }


def order(lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": "gid://shopify/Order/77",
        "name": "#1077",
        "updatedAt": "2026-11-30T10:00:00Z",
        "currencyCode": "USD",
        "presentmentCurrencyCode": "EUR",
        "totalPriceSet": bag("20.20", "18.58"),
        "totalShippingPriceSet": bag("4.90"),
        "currentSubtotalLineItemsQuantity": sum(ln["currentQuantity"] for ln in lines),
        "lineItems": {"nodes": lines},
        "shippingLines": {"nodes": [{"id": None, "title": "Std", "originalPriceSet": bag("4.90")}]},
        "refunds": [],
        **extra,
    }


def test_parsing_keeps_money_exact_and_times_aware() -> None:
    data = parse_order(order([line(1), line(2, title="Tip", product=False)]))
    assert data.header["total_amount"] == Decimal("20.20") and data.header["presentment_total_amount"] == Decimal(
        "18.58"
    )
    assert data.header["shopify_updated_at"] == dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
    assert [ln["is_tip"] for ln in data.lines] == [False, True]
    assert len(data.tax_lines) == 2 and data.tax_lines[0]["rate"] == "0.25"
    assert data.shipping_lines[0]["shipping_line_id"] is None
    assert shopify_id("gid://shopify/Order/123") == 123 and when(None) is None


def test_bad_values_raise_bad_order_data() -> None:
    with pytest.raises(BadShopifyValue):
        amount("12,50")
    with pytest.raises(BadShopifyValue):
        amount("NaN")
    with pytest.raises(BadShopifyValue):
        shopify_id("gid://shopify/Order/abc")


def test_refund_lines_count_against_their_line() -> None:
    refund = {
        "id": "gid://shopify/Refund/9",
        "refundLineItems": {
            "nodes": [
                {"id": "gid://shopify/RefundLineItem/1", "quantity": 2, "lineItem": {"id": "gid://shopify/LineItem/1"}}
            ]
        },
    }
    data = parse_order(order([line(1, qty=2)], refunds=[refund]))
    assert data.lines[0]["refunded_quantity"] == 2 and data.refund_lines[0]["refund_id"] == 9


def test_filters() -> None:
    row = staging_row(
        {
            "id": "gid://shopify/Order/1",
            "displayFinancialStatus": "PAID",
            "displayFulfillmentStatus": "UNFULFILLED",
            "fullyPaid": True,
            "tags": ["VIP", "wholesale"],
            "sourceName": "web",
            "riskLevel": "HIGH",
            "shippingAddress": {"countryCodeV2": "DK"},
            "name": "#1001",
        }
    )
    assert OrderFilters().matches(row)
    assert OrderFilters(financial_status="pending,paid", tag="vip", channel="WEB", country="dk").matches(row)
    assert OrderFilters(order_no="1001", high_risk=True, fully_paid=True).matches(row)
    for wrong in (
        OrderFilters(financial_status="refunded"),
        OrderFilters(tag="vi"),
        OrderFilters(high_risk=False),
        OrderFilters(country="SE"),
        OrderFilters(fulfillment_status="fulfilled"),
    ):
        assert not wrong.matches(row)


def test_conflicts_only_for_processed_orders() -> None:
    base = parse_order(order([line(1), line(2)]))
    stored = dict(base.header, processed=True)
    assert find_conflicts(dict(base.header), set(), parse_order(order([line(1)]))) == []
    assert find_conflicts(stored, set(), base) == []
    more = parse_order(order([line(1, qty=3), line(2)]))
    assert any("quantity went up" in r for r in find_conflicts(stored, set(), more))
    assert any("added or removed" in r for r in find_conflicts(stored, set(), parse_order(order([line(1)]))))
    shipping = parse_order(order([line(1), line(2)], totalShippingPriceSet=bag("9.90")))
    assert any("shipping" in r for r in find_conflicts(stored, set(), shipping))
    cancelled = parse_order(order([line(1), line(2)], cancelledAt="2026-12-01T00:00:00Z"))
    assert find_conflicts(stored, set(), cancelled) == ["cancelled in Shopify"]


def test_an_edit_after_processing_says_what_changed() -> None:
    before = parse_order(order([line(1, title="Mug"), line(2, title="Hoodie")]))
    stored = dict(before.header, processed=True)
    stored_lines = {int(x["id"]): x for x in before.lines}
    edited = order([line(1, qty=3, title="Mug"), line(3, title="Cap")], edited=True)
    reasons = find_conflicts(stored, set(), parse_order(edited), stored_lines=stored_lines)
    (edit,) = [r for r in reasons if r.startswith("edited in Shopify")]
    assert edit == "edited in Shopify: line 'Mug' quantity 1 -> 3, line 'Cap' added (1), line 'Hoodie' removed"
    unchanged = order([line(1, title="Mug"), line(2, title="Hoodie")], edited=True)
    assert find_conflicts(stored, set(), parse_order(unchanged), stored_lines=stored_lines) == []


def test_refunds_conflict_unless_they_become_credit_memos() -> None:
    refund = {
        "id": "gid://shopify/Refund/9",
        "refundLineItems": {
            "nodes": [
                {
                    "id": "gid://shopify/RefundLineItem/1",
                    "quantity": 1,
                    "lineItem": {"id": "gid://shopify/LineItem/1"},
                    "subtotalSet": bag("10.10"),
                }
            ]
        },
    }
    stored = dict(parse_order(order([line(1)])).header, sales_document_no="SO1")
    refunded = parse_order(order([line(1)], refunds=[refund]))
    assert "refunded after processing" in find_conflicts(stored, set(), refunded)[0]
    assert find_conflicts(stored, set(), refunded, "auto_create") == []
    assert find_conflicts(stored, {9}, refunded) == []
