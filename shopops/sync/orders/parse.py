"""Shopify order JSON -> mirror rows: pure functions, no I/O, so every rule is unit-testable.

``staging_row(node)`` turns one node of ``SyncOrdersToImport`` into a staging row; ``parse_order(order)``
turns a fully paged ``SyncGetOrder`` answer into an :class:`OrderData` (header, lines, shipping, tax,
transactions, fulfillment orders and refunds), with money as ``Decimal`` and times aware UTC.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopops.sync.values import money, shopify_id, when

Row = dict[str, Any]

#: Fulfillment order statuses whose lines no longer say where a line ships from.
CLOSED_FULFILLMENT = ("CLOSED", "CANCELLED", "INCOMPLETE")


def order_gid(order_id: int) -> str:
    """The GID of an order from its numeric id."""
    return f"gid://shopify/Order/{order_id}"


def tags_text(tags: Iterable[str] | None) -> str:
    """Tags as Shopify shows them: ``"a, b"``."""
    return ", ".join(tags or [])


def line_items_hash(line_ids: Iterable[int]) -> str:
    """BC's "Line Items Redundancy Code": a hash of the sorted line ids; changes when lines are added or removed."""
    return hashlib.sha256(",".join(str(i) for i in sorted(line_ids)).encode()).hexdigest()


def data_hash(value: Any) -> str:
    """A stable hash of parsed data, so that an unchanged order is not written again."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def staging_row(node: Mapping[str, Any]) -> Row:
    """A staging row ("orders to import") from one ``SyncOrdersToImport`` node (without shop and action)."""
    risk = node.get("riskLevel")
    return {
        "order_id": shopify_id(node["id"]),
        "order_no": node.get("name"),
        "order_created_at": when(node.get("createdAt")),
        "order_updated_at": when(node.get("updatedAt")),
        "test": bool(node.get("test")),
        "confirmed": bool(node.get("confirmed")),
        "closed": bool(node.get("closed")),
        "cancelled": bool(node.get("cancelledAt")),
        "fully_paid": bool(node.get("fullyPaid")),
        "unpaid": bool(node.get("unpaid")),
        "risk_level": risk,
        "high_risk": risk == "HIGH",
        "financial_status": node.get("displayFinancialStatus"),
        "fulfillment_status": node.get("displayFulfillmentStatus"),
        "order_amount": money(node.get("totalPriceSet")),
        "currency_code": node.get("currencyCode"),
        "vat_amount": money(node.get("totalTaxSet")),
        "total_quantity": node.get("currentSubtotalLineItemsQuantity"),
        "tags": tags_text(node.get("tags")),
        "channel": node.get("sourceName"),
        "bill_to_country": (node.get("billingAddress") or {}).get("countryCodeV2"),
        "ship_to_country": (node.get("shippingAddress") or {}).get("countryCodeV2"),
    }


@dataclass
class OrderData:
    """One order ready for the mirror: a header row and the rows of every related table."""

    header: Row
    lines: list[Row] = field(default_factory=list)
    shipping_lines: list[Row] = field(default_factory=list)
    tax_lines: list[Row] = field(default_factory=list)
    transactions: list[Row] = field(default_factory=list)
    fulfillment_orders: list[Row] = field(default_factory=list)
    fulfillment_order_lines: list[Row] = field(default_factory=list)
    refunds: list[Row] = field(default_factory=list)
    refund_lines: list[Row] = field(default_factory=list)

    @property
    def order_id(self) -> int:
        """The Shopify order id."""
        return int(self.header["id"])

    def tables(self) -> dict[str, list[Row]]:
        """Child rows by mirror table name."""
        return {
            "shopify_order_line": self.lines,
            "shopify_order_shipping_line": self.shipping_lines,
            "shopify_order_tax_line": self.tax_lines,
            "shopify_order_transaction": self.transactions,
            "shopify_fulfillment_order": self.fulfillment_orders,
            "shopify_fulfillment_order_line": self.fulfillment_order_lines,
            "shopify_refund": self.refunds,
            "shopify_refund_line": self.refund_lines,
        }


def _taxes(order_id: int, source: str, source_id: int, taxes: Iterable[Mapping[str, Any]] | None) -> list[Row]:
    return [
        {
            "order_id": order_id,
            "source": source,
            "source_id": source_id,
            "position": i,
            "title": t.get("title"),
            "rate": None if t.get("rate") is None else str(t["rate"]),
            "amount": money(t.get("priceSet")),
            "presentment_amount": money(t.get("priceSet"), "presentmentMoney"),
            "channel_liable": bool(t.get("channelLiable")),
        }
        for i, t in enumerate(taxes or [])
    ]


def _address(value: Mapping[str, Any] | None) -> Row | None:
    return dict(value) if value else None


def _header(order: Mapping[str, Any], order_id: int) -> Row:
    customer = order.get("customer") or {}
    bill, ship = order.get("billingAddress") or {}, order.get("shippingAddress") or {}
    name = " ".join(p for p in (customer.get("firstName"), customer.get("lastName")) if p) or None
    risk = order.get("riskLevel")
    header: Row = {
        "id": order_id,
        "order_no": order.get("name"),
        "order_number": order.get("number"),
        "shopify_created_at": when(order.get("createdAt")),
        "shopify_updated_at": when(order.get("updatedAt")),
        "processed_at": when(order.get("processedAt")),
        "cancelled_at": when(order.get("cancelledAt")),
        "cancel_reason": order.get("cancelReason"),
        "closed_at": when(order.get("closedAt")),
        "closed": bool(order.get("closed")),
        "confirmed": bool(order.get("confirmed")),
        "test": bool(order.get("test")),
        "edited": bool(order.get("edited")),
        "financial_status": order.get("displayFinancialStatus"),
        "fulfillment_status": order.get("displayFulfillmentStatus"),
        "return_status": order.get("returnStatus"),
        "fully_paid": bool(order.get("fullyPaid")),
        "unpaid": bool(order.get("unpaid")),
        "refundable": bool(order.get("refundable")),
        "risk_level": risk,
        "high_risk": risk == "HIGH",
        "email": order.get("email") or customer.get("email"),
        "phone": order.get("phone") or bill.get("phone") or ship.get("phone"),
        "customer_id": shopify_id(customer.get("id")),
        "customer_email": customer.get("email"),
        "customer_name": name,
        "bill_to": _address(bill),
        "ship_to": _address(ship),
        "bill_to_country": bill.get("countryCodeV2"),
        "ship_to_country": ship.get("countryCodeV2"),
        "tags": tags_text(order.get("tags")),
        "channel": order.get("sourceName"),
        "po_number": order.get("poNumber"),
        "note": order.get("note"),
        "discount_codes": ", ".join(order.get("discountCodes") or []),
        "attributes": [{"key": a.get("key"), "value": a.get("value")} for a in order.get("customAttributes") or []],
        "currency_code": order.get("currencyCode"),
        "presentment_currency_code": order.get("presentmentCurrencyCode"),
        "taxes_included": bool(order.get("taxesIncluded")),
        "tax_exempt": bool(order.get("taxExempt")),
        "refunded_amount": money(order.get("totalRefundedSet")),
        "outstanding_amount": money(order.get("totalOutstandingSet")),
        "total_quantity": order.get("subtotalLineItemsQuantity"),
        "current_total_quantity": order.get("currentSubtotalLineItemsQuantity"),
    }
    for column, key in (
        ("total_amount", "totalPriceSet"),
        ("subtotal_amount", "subtotalPriceSet"),
        ("vat_amount", "totalTaxSet"),
        ("discount_amount", "currentTotalDiscountsSet"),
        ("shipping_amount", "totalShippingPriceSet"),
        ("tip_amount", "totalTipReceivedSet"),
        ("current_total_amount", "currentTotalPriceSet"),
    ):
        header[column] = money(order.get(key))
        header[f"presentment_{column}"] = money(order.get(key), "presentmentMoney")
    return header


def _line(order_id: int, position: int, node: Mapping[str, Any]) -> Row:
    product = shopify_id((node.get("product") or {}).get("id"))
    title = node.get("title") or node.get("name")
    return {
        "id": shopify_id(node["id"]),
        "order_id": order_id,
        "position": position,
        "product_id": product,
        "variant_id": shopify_id((node.get("variant") or {}).get("id")),
        "sku": node.get("sku"),
        "title": title,
        "variant_title": node.get("variantTitle"),
        "vendor": node.get("vendor"),
        "quantity": int(node.get("quantity") or 0),
        "current_quantity": int(node.get("currentQuantity") or 0),
        "refunded_quantity": 0,
        "fulfillable_quantity": node.get("fulfillableQuantity"),
        "unit_price": money(node.get("originalUnitPriceSet")),
        "presentment_unit_price": money(node.get("originalUnitPriceSet"), "presentmentMoney"),
        "discount_amount": money(node.get("totalDiscountSet")),
        "presentment_discount_amount": money(node.get("totalDiscountSet"), "presentmentMoney"),
        "line_amount": money(node.get("discountedTotalSet")),
        "presentment_line_amount": money(node.get("discountedTotalSet"), "presentmentMoney"),
        "is_gift_card": bool(node.get("isGiftCard")),
        # BC: a line called "Tip" without a product is a tip
        "is_tip": product is None and (title or "").strip().lower() == "tip",
        "taxable": bool(node.get("taxable")),
        "requires_shipping": bool(node.get("requiresShipping")),
        "location_id": None,
        "attributes": [{"key": a.get("key"), "value": a.get("value")} for a in node.get("customAttributes") or []],
    }


def parse_order(order: Mapping[str, Any]) -> OrderData:
    """Rows for the mirror from one fully paged order (every connection's ``nodes`` complete)."""
    order_id = shopify_id(order["id"])
    assert order_id is not None
    data = OrderData(header=_header(order, order_id))
    data.tax_lines += _taxes(order_id, "order", 0, order.get("taxLines"))
    for i, node in enumerate((order.get("lineItems") or {}).get("nodes") or []):
        line = _line(order_id, i, node)
        data.lines.append(line)
        data.tax_lines += _taxes(order_id, "line", line["id"], node.get("taxLines"))
    for i, node in enumerate((order.get("shippingLines") or {}).get("nodes") or []):
        data.shipping_lines.append(
            {
                "order_id": order_id,
                "position": i,
                "shipping_line_id": shopify_id(node.get("id")) if node.get("id") else None,
                "title": node.get("title"),
                "code": node.get("code"),
                "source": node.get("source"),
                "amount": money(node.get("originalPriceSet")),
                "presentment_amount": money(node.get("originalPriceSet"), "presentmentMoney"),
                "discounted_amount": money(node.get("discountedPriceSet")),
                "presentment_discounted_amount": money(node.get("discountedPriceSet"), "presentmentMoney"),
            }
        )
        data.tax_lines += _taxes(order_id, "shipping", i, node.get("taxLines"))
    for tx in order.get("transactions") or []:
        bag = tx.get("amountSet")
        data.transactions.append(
            {
                "id": shopify_id(tx["id"]),
                "order_id": order_id,
                "kind": tx.get("kind"),
                "status": tx.get("status"),
                "gateway": tx.get("gateway"),
                "test": bool(tx.get("test")),
                "error_code": tx.get("errorCode"),
                "parent_id": shopify_id((tx.get("parentTransaction") or {}).get("id")),
                "amount": money(bag),
                "currency_code": ((bag or {}).get("shopMoney") or {}).get("currencyCode"),
                "presentment_amount": money(bag, "presentmentMoney"),
                "presentment_currency_code": ((bag or {}).get("presentmentMoney") or {}).get("currencyCode"),
                "shopify_created_at": when(tx.get("createdAt")),
                "processed_at": when(tx.get("processedAt")),
            }
        )
    _fulfillment_orders(data, order_id, order)
    _refunds(data, order_id, order)
    data.header["line_items_hash"] = line_items_hash(line["id"] for line in data.lines)
    data.header["data_hash"] = data_hash({**data.tables(), "header": data.header})
    return data


def _fulfillment_orders(data: OrderData, order_id: int, order: Mapping[str, Any]) -> None:
    open_location: dict[int, int] = {}
    for fo in (order.get("fulfillmentOrders") or {}).get("nodes") or []:
        fo_id = shopify_id(fo["id"])
        location = shopify_id(((fo.get("assignedLocation") or {}).get("location") or {}).get("id"))
        status = fo.get("status")
        data.fulfillment_orders.append(
            {
                "id": fo_id,
                "order_id": order_id,
                "status": status,
                "request_status": fo.get("requestStatus"),
                "location_id": location,
                "shopify_updated_at": when(fo.get("updatedAt")),
            }
        )
        for item in (fo.get("lineItems") or {}).get("nodes") or []:
            line_id = shopify_id((item.get("lineItem") or {}).get("id"))
            data.fulfillment_order_lines.append(
                {
                    "id": shopify_id(item["id"]),
                    "fulfillment_order_id": fo_id,
                    "order_id": order_id,
                    "line_id": line_id,
                    "sku": item.get("sku"),
                    "total_quantity": item.get("totalQuantity"),
                    "remaining_quantity": item.get("remainingQuantity"),
                }
            )
            if line_id is not None and location is not None and status not in CLOSED_FULFILLMENT:
                open_location.setdefault(line_id, location)
    for line in data.lines:
        line["location_id"] = open_location.get(line["id"])


def _refunds(data: OrderData, order_id: int, order: Mapping[str, Any]) -> None:
    refunded: dict[int, int] = {}
    for refund in order.get("refunds") or []:
        refund_id = shopify_id(refund["id"])
        shipping = [
            money(s.get("subtotalAmountSet")) or Decimal(0)
            for s in (refund.get("refundShippingLines") or {}).get("nodes") or []
        ]
        data.refunds.append(
            {
                "id": refund_id,
                "order_id": order_id,
                "note": refund.get("note"),
                "shopify_created_at": when(refund.get("createdAt")),
                "processed_at": when(refund.get("processedAt")),
                "total_refunded": money(refund.get("totalRefundedSet")),
                "presentment_total_refunded": money(refund.get("totalRefundedSet"), "presentmentMoney"),
                "shipping_refunded": sum(shipping, Decimal(0)),
            }
        )
        for item in (refund.get("refundLineItems") or {}).get("nodes") or []:
            line_id = shopify_id((item.get("lineItem") or {}).get("id"))
            quantity = int(item.get("quantity") or 0)
            if line_id is not None:
                refunded[line_id] = refunded.get(line_id, 0) + quantity
            data.refund_lines.append(
                {
                    "id": shopify_id(item["id"]),
                    "refund_id": refund_id,
                    "order_id": order_id,
                    "line_id": line_id,
                    "quantity": quantity,
                    "restock_type": item.get("restockType"),
                    "restocked": bool(item.get("restocked")),
                    "location_id": shopify_id((item.get("location") or {}).get("id")),
                    "unit_amount": money(item.get("priceSet")),
                    "subtotal_amount": money(item.get("subtotalSet")),
                    "tax_amount": money(item.get("totalTaxSet")),
                }
            )
    for line in data.lines:
        line["refunded_quantity"] = refunded.get(line["id"], 0)
