"""Fulfillment orders and fulfillmentCreate with tracking, partial and full."""

from __future__ import annotations

from typing import Any

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def _new_order(client: Client, sandbox: Sandbox) -> dict[str, Any]:
    variants = [v for v in sandbox.state.table("ProductVariant").values() if v["sku"]][10:12]
    order = client.data(
        docs.ORDER_CREATE,
        {"order": {"financialStatus": "PAID", "lineItems": [{"variantId": v["id"], "quantity": 2} for v in variants]}},
    )["orderCreate"]["order"]
    detail: dict[str, Any] = client.data(docs.ORDER_DETAIL, {"id": order["id"]})["order"]
    return detail


def test_fulfillment_orders_query_filters(client: Client) -> None:
    nodes = client.data(docs.FULFILLMENT_ORDERS, {"query": "status:open"})["fulfillmentOrders"]["nodes"]
    assert nodes and all(n["status"] == "OPEN" for n in nodes)


def test_partial_then_full_fulfilment_with_tracking(client: Client, sandbox: Sandbox) -> None:
    order = _new_order(client, sandbox)
    fo = order["fulfillmentOrders"]["nodes"][0]
    first_line = fo["lineItems"]["nodes"][0]
    partial = client.data(
        docs.FULFILLMENT_CREATE,
        {
            "fulfillment": {
                "lineItemsByFulfillmentOrder": [
                    {
                        "fulfillmentOrderId": fo["id"],
                        "fulfillmentOrderLineItems": [{"id": first_line["id"], "quantity": 1}],
                    }
                ],
                "trackingInfo": {"company": "UPS", "number": "1Z999"},
                "notifyCustomer": False,
            }
        },
    )["fulfillmentCreate"]
    assert partial["userErrors"] == []
    tracking = partial["fulfillment"]["trackingInfo"][0]
    assert tracking["company"] == "UPS" and tracking["number"] == "1Z999" and "1Z999" in tracking["url"]
    detail = client.data(docs.ORDER_DETAIL, {"id": order["id"]})["order"]
    assert detail["displayFulfillmentStatus"] == "PARTIALLY_FULFILLED"
    assert detail["fulfillmentOrders"]["nodes"][0]["status"] == "IN_PROGRESS"
    for node in detail["fulfillmentOrders"]["nodes"]:
        rest = client.data(
            docs.FULFILLMENT_CREATE,
            {
                "fulfillment": {
                    "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": node["id"]}],
                    "trackingInfo": {"company": "My Carrier", "number": "ABC", "url": "https://track.example/ABC"},
                }
            },
        )
        assert rest["fulfillmentCreate"]["userErrors"] == []
    detail = client.data(docs.ORDER_DETAIL, {"id": order["id"]})["order"]
    assert detail["displayFulfillmentStatus"] == "FULFILLED"
    assert all(n["status"] == "CLOSED" for n in detail["fulfillmentOrders"]["nodes"])
    closed = client.data(
        docs.FULFILLMENT_CREATE, {"fulfillment": {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"]}]}}
    )["fulfillmentCreate"]
    assert closed["fulfillment"] is None and closed["userErrors"]
    fulfillment = detail["fulfillments"][-1]
    updated = client.data(
        docs.TRACKING_UPDATE, {"id": fulfillment["id"], "tracking": {"company": "FedEx", "number": "777"}}
    )["fulfillmentTrackingInfoUpdate"]
    assert updated["fulfillment"]["trackingInfo"][0]["company"] == "FedEx"


def test_over_fulfilment_is_a_user_error(client: Client, sandbox: Sandbox) -> None:
    order = _new_order(client, sandbox)
    fo = order["fulfillmentOrders"]["nodes"][0]
    line = fo["lineItems"]["nodes"][0]
    result = client.data(
        docs.FULFILLMENT_CREATE,
        {
            "fulfillment": {
                "lineItemsByFulfillmentOrder": [
                    {"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": [{"id": line["id"], "quantity": 99}]}
                ]
            }
        },
    )
    assert result["fulfillmentCreate"]["userErrors"][0]["message"].startswith("Invalid fulfillment order line item")
