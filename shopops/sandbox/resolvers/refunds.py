"""Refunds: ``refundCreate`` (line items with restock, shipping, refund transactions) and the Refund
fields. ``@idempotent(key:)`` is mandatory, as in 2026-07.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.resolvers.common import (
    ResolverMap,
    check_input_list,
    connect,
    require_idempotency,
    state_of,
    user_error,
)
from shopops.sandbox.resolvers.inventory import adjust_available
from shopops.sandbox.state import orders_model as om
from shopops.sandbox.state.order_totals import cents, current_line_tax, current_line_total
from shopops.sandbox.state.store import Record, ShopState
from shopops.sandbox.webhooks.payloads import notify, notify_order, refund_payload


def _ref(table: str, key: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
        return state_of(info).get(source.get(key), table)

    return resolve


def _refund_create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    data = args["input"]
    require_idempotency(info)
    check_input_list(data.get("refundLineItems"), "refundLineItems")
    with state.lock:
        order = state.get(data["orderId"], "Order")
        if order is None:
            return {"order": None, "refund": None, "userErrors": [user_error("Order does not exist", ["orderId"])]}
        refund_lines, errors = [], []
        for i, rl in enumerate(data.get("refundLineItems") or []):
            line = state.get(rl["lineItemId"], "LineItem")
            if line is None or line["orderId"] != order["id"]:
                errors.append(user_error("Line item does not exist", ["refundLineItems", str(i), "lineItemId"]))
            elif rl["quantity"] > line["currentQuantity"] or rl["quantity"] <= 0:
                errors.append(
                    user_error(
                        "Quantity cannot refund more items than were purchased", ["refundLineItems", str(i), "quantity"]
                    )
                )
            else:
                refund_lines.append((line, rl))
        if errors:
            return {"order": order, "refund": None, "userErrors": errors}
        now = state.now()
        items: list[dict[str, Any]] = []
        for line, rl in refund_lines:
            # what the returned units take away from the line: exactly its current figures before less after
            unit = om.D(line["_price"]) - om.D(line["_discount"]) / line["quantity"]
            total_before, tax_before = current_line_total(line), current_line_tax(line)
            line["currentQuantity"] -= rl["quantity"]
            subtotal = total_before - current_line_total(line)
            tax = tax_before - current_line_tax(line)
            restock = rl.get("restockType") or "NO_RESTOCK"
            if restock != "NO_RESTOCK" and rl.get("locationId"):
                variant = state.get(line.get("variantId"), "ProductVariant") or {}
                inv = state.get(variant.get("inventoryItemId"), "InventoryItem")
                if inv is not None:
                    adjust_available(state, inv, rl["locationId"], rl["quantity"])
            om.reduce_fulfillment_orders(state, order, line, rl["quantity"])
            items.append(
                {
                    "id": f"gid://shopify/RefundLineItem/{state.sequences['Refund'] + 1}{len(items)}",
                    "lineItemId": line["id"],
                    "quantity": rl["quantity"],
                    "restockType": restock,
                    "restocked": restock != "NO_RESTOCK",
                    "locationId": rl.get("locationId"),
                    "priceSet": om.obag(order, unit),
                    "subtotalSet": om.obag(order, subtotal),
                    "totalTaxSet": om.obag(order, tax),
                }
            )
        tx_ids = []
        total = om.ZERO
        for tx in data.get("transactions") or []:
            amount = om.D(tx["amount"])
            total += amount
            tx_ids.append(
                om.new_transaction(
                    state, order, "REFUND", amount, tx.get("gateway") or "manual", parent=tx.get("parentId"), stamp=now
                )["id"]
            )
        ship_amount, ship_tax = _shipping_refund(state, order, data.get("shipping") or {})
        refund = state.insert(
            "Refund",
            {
                "orderId": order["id"],
                "note": data.get("note"),
                "processedAt": data.get("processedAt") or now,
                "_lineItems": items,
                "_transactionIds": tx_ids,
                "totalRefundedSet": om.obag(order, total),
                "totalRefunded": {"amount": str(total), "currencyCode": order["currencyCode"]},
                "_shipping": str(ship_amount),
                "_shippingTax": str(ship_tax),
            },
            now,
        )
        order["refundIds"].append(refund["id"])
        om.recompute(state, order)
        state.touch(order)
        notify(state, "REFUNDS_CREATE", refund_payload(refund))
        notify_order(state, order)
        return {"order": order, "refund": refund, "userErrors": []}


def _shipping_refund(state: ShopState, order: Record, shipping: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(amount, tax) of the shipping a refund returns: the amount in the shipping's own terms (with its
    tax when the order's prices include taxes), the tax its share of the shipping's taxes."""
    ships = order["shippingLines"]
    net = sum((om.D(s["_price"]) - om.D(s.get("_discount")) for s in ships), om.ZERO)
    taxes = sum((om.D(t["price"]) for s in ships for t in s.get("_taxLines", [])), om.ZERO)
    done = [(om.D(r.get("_shipping")), om.D(r.get("_shippingTax"))) for r in map(state.get, order["refundIds"]) if r]
    left = net - sum((a for a, _t in done), om.ZERO)
    if shipping.get("fullRefund"):
        return left, taxes - sum((t for _a, t in done), om.ZERO)
    amount = min(om.D(shipping.get("amount")), left)
    return amount, cents(taxes * amount / net) if net else om.ZERO


def _refund_lines(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connect(info, source["_lineItems"], args)


def _refund_transactions(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    return connect(info, [r for r in (state.get(g, "OrderTransaction") for g in source["_transactionIds"]) if r], args)


def _refund_shipping(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    order = state_of(info).get(source["orderId"], "Order")
    amount = om.D(source.get("_shipping"))
    rows = []
    if order is not None and amount and order["shippingLines"]:
        rows.append(
            {
                "id": f"{source['id']}-shipping",
                "shippingLine": order["shippingLines"][0],
                "subtotalAmountSet": om.obag(order, amount),
                "taxAmountSet": om.obag(order, om.D(source.get("_shippingTax"))),
            }
        )
    return connect(info, rows, args)


RESOLVERS: ResolverMap = {
    "Mutation": {"refundCreate": _refund_create},
    "Refund": {
        "refundLineItems": _refund_lines,
        "transactions": _refund_transactions,
        "order": _ref("Order", "orderId"),
        "refundShippingLines": _refund_shipping,
    },
    "RefundLineItem": {"lineItem": _ref("LineItem", "lineItemId"), "location": _ref("Location", "locationId")},
}
