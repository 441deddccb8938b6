"""What a change sends: the REST-style JSON bodies Shopify posts per topic, and :func:`notify`.

Shopify's webhook bodies are the REST resources (numeric ``id``, snake_case keys, money as strings),
not GraphQL nodes; a receiver reads ``id``/``admin_graphql_api_id`` and ``updated_at`` from them.
Resolvers call :func:`notify` inside the shop's lock: it only builds the body and queues it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from shopops.sandbox.state.store import Record, ShopState, parse_gid

TABLE = "WebhookSubscription"


def _num(global_id: str | None) -> int | None:
    parsed = parse_gid(global_id)
    return parsed[1] if parsed else None


def _amount(record: Record, key: str) -> str:
    value = record.get(key) or {}
    return str(value.get("shopMoney", {}).get("amount", "0.00"))


def _line_item(line: Record) -> dict[str, Any]:
    return {
        "id": _num(line.get("id")),
        "admin_graphql_api_id": line.get("id"),
        "variant_id": _num(line.get("variantId")),
        "product_id": _num(line.get("productId")),
        "title": line.get("title"),
        "name": line.get("name"),
        "sku": line.get("sku"),
        "vendor": line.get("vendor"),
        "quantity": line.get("quantity"),
        "current_quantity": line.get("currentQuantity"),
        "fulfillable_quantity": line.get("fulfillableQuantity"),
        "fulfillment_status": (line.get("fulfillmentStatus") or "").lower() or None,
        "price": str(line.get("_price") or "0.00"),
        "total_discount": str(line.get("_discount") or "0.00"),
        "requires_shipping": line.get("requiresShipping"),
        "taxable": line.get("taxable"),
    }


def _address(address: Record | None) -> dict[str, Any] | None:
    """A stored ``MailingAddress`` as the REST address of an order body (snake_case)."""
    if not address:
        return None
    return {
        "first_name": address.get("firstName"),
        "last_name": address.get("lastName"),
        "name": address.get("name"),
        "company": address.get("company"),
        "address1": address.get("address1"),
        "address2": address.get("address2"),
        "city": address.get("city"),
        "province": address.get("province"),
        "province_code": address.get("provinceCode"),
        "country": address.get("country"),
        "country_code": address.get("countryCodeV2"),
        "zip": address.get("zip"),
        "phone": address.get("phone"),
    }


def order_payload(state: ShopState, order: Record) -> dict[str, Any]:
    """The ``orders/*`` body: the REST order with its line items, totals and statuses."""
    lines = [line for i in order.get("lineItemIds") or [] if (line := state.get(i, "LineItem")) is not None]
    customer = state.get(order.get("customerId"), "Customer")
    fulfillment = order.get("displayFulfillmentStatus") or "UNFULFILLED"
    return {
        "id": _num(order.get("id")),
        "admin_graphql_api_id": order.get("id"),
        "name": order.get("name"),
        "order_number": order.get("number"),
        "email": order.get("email"),
        "phone": order.get("phone"),
        "po_number": order.get("poNumber"),
        "created_at": order.get("createdAt"),
        "updated_at": order.get("updatedAt"),
        "processed_at": order.get("processedAt"),
        "cancelled_at": order.get("cancelledAt"),
        "cancel_reason": (order.get("cancelReason") or "").lower() or None,
        "closed_at": order.get("closedAt"),
        "currency": order.get("currencyCode"),
        "presentment_currency": order.get("presentmentCurrencyCode"),
        "financial_status": (order.get("displayFinancialStatus") or "").lower() or None,
        "fulfillment_status": None if fulfillment == "UNFULFILLED" else fulfillment.lower(),
        "test": order.get("test", False),
        "taxes_included": order.get("taxesIncluded", False),
        "tags": ", ".join(order.get("tags") or []),
        "note": order.get("note"),
        "note_attributes": [{"name": a["key"], "value": a["value"]} for a in order.get("customAttributes") or []],
        "source_name": order.get("sourceName"),
        "subtotal_price": _amount(order, "subtotalPriceSet"),
        "total_price": _amount(order, "totalPriceSet"),
        "total_tax": _amount(order, "totalTaxSet"),
        "total_discounts": _amount(order, "totalDiscountsSet"),
        "current_total_price": _amount(order, "currentTotalPriceSet"),
        "current_subtotal_price": _amount(order, "currentSubtotalPriceSet"),
        "current_total_tax": _amount(order, "currentTotalTaxSet"),
        "total_outstanding": _amount(order, "totalOutstandingSet"),
        "shipping_address": _address(order.get("shippingAddress")),
        "billing_address": _address(order.get("billingAddress")),
        "customer": None if customer is None else {"id": _num(customer["id"]), "email": customer.get("email")},
        "line_items": [_line_item(line) for line in lines],
        "refunds": [{"id": _num(r), "admin_graphql_api_id": r} for r in order.get("refundIds") or []],
    }


def refund_payload(refund: Record) -> dict[str, Any]:
    """The ``refunds/create`` body: the REST refund with its refund line items."""
    return {
        "id": _num(refund.get("id")),
        "admin_graphql_api_id": refund.get("id"),
        "order_id": _num(refund.get("orderId")),
        "created_at": refund.get("createdAt"),
        "processed_at": refund.get("processedAt"),
        "note": refund.get("note"),
        "restock": any(rl.get("restockType") not in (None, "NO_RESTOCK") for rl in refund.get("_lineItems") or []),
        "refund_line_items": [
            {
                "id": _num(rl.get("id")),
                "line_item_id": _num(rl.get("lineItemId")),
                "quantity": rl.get("quantity"),
                "restock_type": (rl.get("restockType") or "NO_RESTOCK").lower(),
                "location_id": _num(rl.get("locationId")),
                "subtotal": _amount(rl, "subtotalSet"),
                "total_tax": _amount(rl, "totalTaxSet"),
            }
            for rl in refund.get("_lineItems") or []
        ],
        "transactions": [{"id": _num(t), "admin_graphql_api_id": t} for t in refund.get("_transactionIds") or []],
    }


def shop_payload(state: ShopState) -> dict[str, Any]:
    """The ``app/uninstalled`` body: the REST shop."""
    info = state.info
    domain = f"{info.handle}.myshopify.com"
    return {
        "id": 1,
        "name": info.name,
        "email": info.email,
        "domain": domain,
        "myshopify_domain": domain,
        "currency": info.currency,
        "iana_timezone": info.timezone,
        "plan_name": info.plan,
        "created_at": info.created_at,
    }


def notify(state: ShopState, topic: str, body: dict[str, Any]) -> int:
    """Queue ``body`` for every subscription to ``topic`` (an enum name, e.g. ``ORDERS_CREATE``).

    One event id per event, shared by all its deliveries; returns how many were queued.
    """
    subs = [s for s in state.table(TABLE).values() if s.get("topic") == topic]
    if not subs:
        return 0
    raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
    event_id = str(uuid.uuid4())
    rest_topic = topic.lower().replace("_", "/", 1)
    for sub in subs:
        state.webhooks.enqueue(rest_topic, sub["uri"], sub["id"], raw, event_id)
    return len(subs)


def notify_order(state: ShopState, order: Record, *topics: str) -> None:
    """Queue the order's body for ``topics`` and always ``ORDERS_UPDATED`` (every order change sends it)."""
    body = order_payload(state, order)
    for topic in (*topics, "ORDERS_UPDATED"):
        notify(state, topic, body)
