"""Orders: reads with filters and sort keys, the real orderCreate, cancel, close/open, paid, refunds."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def _variant(sandbox: Sandbox, index: int = 5) -> dict[str, Any]:
    return [v for v in sandbox.state.table("ProductVariant").values() if v["sku"]][index]


def _create(client: Client, order: dict[str, Any], options: dict[str, Any] | None = None) -> dict[str, Any]:
    result = client.data(docs.ORDER_CREATE, {"order": order, "options": options})["orderCreate"]
    assert result["userErrors"] == [], result["userErrors"]
    created: dict[str, Any] = result["order"]
    return created


def test_seeded_orders_cover_the_states_a_sync_meets(client: Client, sandbox: Sandbox) -> None:
    orders = list(sandbox.state.table("Order").values())
    financial = {o["displayFinancialStatus"] for o in orders}
    fulfilment = {o["displayFulfillmentStatus"] for o in orders}
    assert {"PAID", "PENDING", "AUTHORIZED", "PARTIALLY_REFUNDED", "REFUNDED"} <= financial
    assert {"FULFILLED", "PARTIALLY_FULFILLED", "UNFULFILLED"} <= fulfilment
    assert any(o["cancelledAt"] for o in orders) and any(o["closed"] for o in orders)
    assert len({o["presentmentCurrencyCode"] for o in orders}) >= 3
    assert any(o["discountCodes"] for o in orders) and any(o["_tip"] != "0" for o in orders)
    gateways = {t["gateway"] for t in sandbox.state.table("OrderTransaction").values()}
    assert "gift_card" in gateways and "shopify_payments" in gateways


def test_order_detail_reads_everything(client: Client, sandbox: Sandbox) -> None:
    order = next(
        o
        for o in sandbox.state.table("Order").values()
        if o["refundIds"] and o["fulfillmentIds"] and o["shippingLines"]
    )
    data = client.data(docs.ORDER_DETAIL, {"id": order["id"]})["order"]
    assert data["name"] == order["name"]
    assert data["lineItems"]["nodes"] and data["transactions"]
    assert data["fulfillments"][0]["trackingInfo"][0]["number"]
    assert data["refunds"][0]["refundLineItems"]["nodes"][0]["quantity"] == 1
    assert data["shippingLines"]["nodes"][0]["title"]
    money = (
        Decimal(data["subtotalPriceSet"]["shopMoney"]["amount"])
        + Decimal(data["totalShippingPriceSet"]["shopMoney"]["amount"])
        + Decimal(data["totalTaxSet"]["shopMoney"]["amount"])
        + Decimal(data["totalTipReceivedSet"]["shopMoney"]["amount"])
    )
    assert money == Decimal(data["totalPriceSet"]["shopMoney"]["amount"])


def test_order_create_with_discount_shipping_tax_and_payment(client: Client, sandbox: Sandbox) -> None:
    variant = _variant(sandbox)
    customer = next(c for c in sandbox.state.table("Customer").values() if c["email"])
    order = _create(
        client,
        {
            "currency": "USD",
            "presentmentCurrency": "EUR",
            "customerId": customer["id"],
            "lineItems": [
                {
                    "variantId": variant["id"],
                    "quantity": 2,
                    "taxLines": [
                        {
                            "title": "VAT",
                            "rate": "0.25",
                            "priceSet": {"shopMoney": {"amount": "5.00", "currencyCode": "USD"}},
                        }
                    ],
                }
            ],
            "shippingLines": [
                {"title": "Express", "priceSet": {"shopMoney": {"amount": "10.00", "currencyCode": "USD"}}}
            ],
            "discountCode": {
                "itemFixedDiscountCode": {
                    "code": "TENOFF",
                    "amountSet": {"shopMoney": {"amount": "10.00", "currencyCode": "USD"}},
                }
            },
            "customAttributes": [{"key": "channel", "value": "erp-test"}],
            "transactions": [
                {
                    "kind": "SALE",
                    "status": "SUCCESS",
                    "gateway": "manual",
                    "amountSet": {
                        "shopMoney": {"amount": str(Decimal(variant["price"]) * 2 - 10 + 10 + 5), "currencyCode": "USD"}
                    },
                }
            ],
        },
    )
    assert order["email"] == customer["email"]
    assert order["displayFinancialStatus"] == "PAID"
    expected = Decimal(variant["price"]) * 2 - 10 + 10 + 5
    assert Decimal(order["totalPriceSet"]["shopMoney"]["amount"]) == expected
    assert order["totalPriceSet"]["presentmentMoney"]["currencyCode"] == "EUR"
    detail = client.data(docs.ORDER_DETAIL, {"id": order["id"]})["order"]
    assert detail["discountCodes"] == ["TENOFF"]
    assert detail["customAttributes"] == [{"key": "channel", "value": "erp-test"}]
    assert detail["fulfillmentOrders"]["nodes"][0]["status"] == "OPEN"


def test_order_create_custom_item_and_upserted_customer(client: Client) -> None:
    order = _create(
        client,
        {
            "lineItems": [
                {
                    "title": "Engraving",
                    "quantity": 1,
                    "priceSet": {"shopMoney": {"amount": "7.50", "currencyCode": "USD"}},
                }
            ],
            "customer": {"toUpsert": {"email": "new.buyer@example.org", "firstName": "New"}},
            "financialStatus": "PENDING",
        },
    )
    assert order["customer"]["email"] == "new.buyer@example.org"
    assert order["displayFinancialStatus"] == "PENDING"
    errors = client.data(
        docs.ORDER_CREATE, {"order": {"lineItems": [{"variantId": "gid://shopify/ProductVariant/1", "quantity": 1}]}}
    )["orderCreate"]["userErrors"]
    assert errors and errors[0]["field"] == ["order", "lineItems", "0", "variantId"]


def test_order_create_decrements_inventory_when_asked(client: Client, sandbox: Sandbox) -> None:
    variant = _variant(sandbox, 9)
    item = sandbox.state.get(variant["inventoryItemId"])
    before = sum(sandbox.state.get(lv)["quantities"]["available"] for lv in item["_levels"].values())
    _create(
        client,
        {"lineItems": [{"variantId": variant["id"], "quantity": 1}]},
        {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"},
    )
    after = sum(sandbox.state.get(lv)["quantities"]["available"] for lv in item["_levels"].values())
    assert after == before - 1


def test_cancel_close_open_mark_paid(client: Client, sandbox: Sandbox) -> None:
    variant = _variant(sandbox, 2)
    order = _create(client, {"lineItems": [{"variantId": variant["id"], "quantity": 1}]})
    assert order["displayFinancialStatus"] == "PENDING"
    paid = client.data(docs.ORDER_MARK_PAID, {"id": order["id"]})["orderMarkAsPaid"]
    assert paid["order"]["displayFinancialStatus"] == "PAID"
    closed = client.data(docs.ORDER_CLOSE, {"id": order["id"]})["orderClose"]["order"]
    assert closed["closed"] is True and closed["closedAt"]
    assert client.data(docs.ORDER_OPEN, {"id": order["id"]})["orderOpen"]["order"]["closed"] is False
    cancel = client.data(docs.ORDER_CANCEL, {"orderId": order["id"], "restock": True, "refund": True})["orderCancel"]
    assert cancel["orderCancelUserErrors"] == [] and cancel["job"]["done"] is True
    detail = client.data(docs.ORDER_DETAIL, {"id": order["id"]})["order"]
    assert detail["cancelledAt"] and detail["cancelReason"] == "CUSTOMER" and detail["closed"]
    assert detail["displayFinancialStatus"] == "REFUNDED"
    assert detail["fulfillmentOrders"]["nodes"][0]["status"] == "CANCELLED"
    again = client.data(docs.ORDER_CANCEL, {"orderId": order["id"], "restock": False})["orderCancel"]
    assert again["orderCancelUserErrors"]


def test_refund_create_partial(client: Client, sandbox: Sandbox) -> None:
    variant = _variant(sandbox, 3)
    order = _create(client, {"lineItems": [{"variantId": variant["id"], "quantity": 2}], "financialStatus": "PAID"})
    assert order["displayFinancialStatus"] == "PAID"
    line = order["lineItems"]["nodes"][0]
    location = next(iter(sandbox.state.table("Location").values()))["id"]
    result = client.data(
        docs.REFUND_CREATE,
        {
            "key": str(uuid.uuid4()),
            "input": {
                "orderId": order["id"],
                "note": "damaged",
                "refundLineItems": [
                    {"lineItemId": line["id"], "quantity": 1, "restockType": "RETURN", "locationId": location}
                ],
                "transactions": [
                    {"orderId": order["id"], "amount": variant["price"], "gateway": "manual", "kind": "REFUND"}
                ],
            },
        },
    )["refundCreate"]
    assert result["userErrors"] == []
    assert result["order"]["displayFinancialStatus"] == "PARTIALLY_REFUNDED"
    assert result["refund"]["totalRefundedSet"]["shopMoney"]["amount"] == variant["price"]
    too_many = client.data(
        docs.REFUND_CREATE,
        {
            "key": str(uuid.uuid4()),
            "input": {"orderId": order["id"], "refundLineItems": [{"lineItemId": line["id"], "quantity": 5}]},
        },
    )["refundCreate"]
    assert too_many["userErrors"]


def test_updated_at_moves_on_every_change(client: Client, sandbox: Sandbox) -> None:
    order = _create(client, {"lineItems": [{"variantId": _variant(sandbox, 1)["id"], "quantity": 1}]})
    stamps = [sandbox.state.get(order["id"])["updatedAt"]]
    client.data(docs.ORDER_CLOSE, {"id": order["id"]})
    stamps.append(sandbox.state.get(order["id"])["updatedAt"])
    client.data(docs.ORDER_OPEN, {"id": order["id"]})
    stamps.append(sandbox.state.get(order["id"])["updatedAt"])
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_order_update_overwrites_the_given_attributes_only(client: Client, sandbox: Sandbox) -> None:
    order = _create(
        client,
        {"lineItems": [{"variantId": _variant(sandbox, 4)["id"], "quantity": 1}], "note": "old", "tags": ["a"]},
    )
    before = sandbox.state.get(order["id"])["updatedAt"]
    address = {"firstName": "Ada", "lastName": "Byron", "address1": "1 Main St", "city": "Albany"}
    changes = {
        "id": order["id"],
        "email": "ada@example.com",
        "note": "call first",
        "phone": "+15555550100",
        "poNumber": "PO-42",
        "tags": ["b", "c"],
        "customAttributes": [{"key": "gift", "value": "yes"}],
        "shippingAddress": {**address, "provinceCode": "NY", "countryCode": "US", "zip": "12207"},
    }
    result = client.data(docs.ORDER_UPDATE, {"input": changes})["orderUpdate"]
    assert result["userErrors"] == []
    updated = result["order"]
    assert (updated["email"], updated["note"], updated["phone"]) == ("ada@example.com", "call first", "+15555550100")
    assert updated["poNumber"] == "PO-42" and updated["tags"] == ["b", "c"]
    assert updated["customAttributes"] == [{"key": "gift", "value": "yes"}]
    assert updated["shippingAddress"] == {**address, "provinceCode": "NY", "countryCodeV2": "US", "zip": "12207"}
    assert updated["updatedAt"] > before

    # fields absent from the input stay; an explicit null clears
    again = client.data(docs.ORDER_UPDATE, {"input": {"id": order["id"], "note": None}})["orderUpdate"]["order"]
    assert again["note"] is None and again["email"] == "ada@example.com" and again["tags"] == ["b", "c"]
    assert again["updatedAt"] > updated["updatedAt"]


def test_order_update_refusals(client: Client, sandbox: Sandbox) -> None:
    missing = client.data(docs.ORDER_UPDATE, {"input": {"id": "gid://shopify/Order/999999", "note": "x"}})
    assert missing["orderUpdate"] == {
        "order": None,
        "userErrors": [{"field": ["id"], "message": "Order does not exist"}],
    }
    order = next(iter(sandbox.state.table("Order").values()))
    metafields = [{"namespace": "erp", "key": "ref", "type": "single_line_text_field", "value": "1"}]
    unmodelled = client.run(docs.ORDER_UPDATE, {"input": {"id": order["id"], "metafields": metafields}})
    assert unmodelled["data"]["orderUpdate"] is None and "metafields" in unmodelled["errors"][0]["message"]
    read_only = sandbox.shop.add_token(["read_orders"])
    denied = client.run(docs.ORDER_UPDATE, {"input": {"id": order["id"], "note": "x"}}, token=read_only)
    assert denied["data"]["orderUpdate"] is None
    assert (
        denied["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
        and "write_orders" in denied["errors"][0]["message"]
    )
