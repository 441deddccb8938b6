"""Orders: queries, the real ``orderCreate`` input, ``orderUpdate``, cancel/close/open/mark-as-paid, refunds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.engine.errors import GraphQLFailure
from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.resolvers.common import (
    ResolverMap,
    check_input_list,
    connect,
    field_sort,
    lookup,
    state_of,
    time_sort,
    user_error,
)
from shopops.sandbox.resolvers.customers import adopt_order_address, find_or_create
from shopops.sandbox.resolvers.inventory import adjust_available
from shopops.sandbox.state import orders_model as om
from shopops.sandbox.state.addresses import mailing_address
from shopops.sandbox.state.order_totals import allocate, cents, edit_refusal
from shopops.sandbox.state.store import Record, ShopState
from shopops.sandbox.webhooks.payloads import notify_order

ORDER_SORTS = {
    "ID": None,
    "PROCESSED_AT": time_sort("processedAt"),
    "CREATED_AT": time_sort("createdAt"),
    "UPDATED_AT": time_sort("updatedAt"),
    "ORDER_NUMBER": field_sort("number", int),
    "TOTAL_PRICE": field_sort("totalPrice", float),
    "RELEVANCE": None,
    "FINANCIAL_STATUS": field_sort("displayFinancialStatus"),
    "FULFILLMENT_STATUS": field_sort("displayFulfillmentStatus"),
    "CUSTOMER_NAME": field_sort("email"),
}
_FULFILLMENT_ALIASES = {
    "shipped": "FULFILLED",
    "fulfilled": "FULFILLED",
    "partial": "PARTIALLY_FULFILLED",
    "unshipped": "UNFULFILLED",
    "unfulfilled": "UNFULFILLED",
}


def _fulfillment_status(order: Record) -> list[str]:
    status = order["displayFulfillmentStatus"]
    return [k for k, v in _FULFILLMENT_ALIASES.items() if v == status]


def order_matcher(state: ShopState) -> Matcher:
    """Search keys of ``orders(query:)``."""

    def skus(order: Record) -> list[Any]:
        return [(state.get(g, "LineItem") or {}).get("sku") for g in order["lineItemIds"]]

    return Matcher(
        {
            "updated_at": ("time", lambda r: r.get("updatedAt")),
            "created_at": ("time", lambda r: r.get("createdAt")),
            "processed_at": ("time", lambda r: r.get("processedAt")),
            "status": ("predicate", om.order_matches_status),
            "financial_status": ("string", lambda r: r["displayFinancialStatus"].lower()),
            "fulfillment_status": ("string", _fulfillment_status),
            "email": ("string", lambda r: r.get("email")),
            "name": ("string", lambda r: [r.get("name"), str(r.get("number"))]),
            "id": ("number", lambda r: r["id"]),
            "customer_id": ("number", lambda r: r.get("customerId")),
            "sku": ("string", skus),
            "tag": ("string", lambda r: r.get("tags")),
            "test": ("string", lambda r: str(r.get("test", False)).lower()),
            "source_name": ("string", lambda r: r.get("sourceName")),
        },
        default=lambda r: f"{r.get('name')} {r.get('email')}",
    )


def _orders(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    return connect(info, state.table("Order").values(), args, ORDER_SORTS, order_matcher(state))


def _orders_count(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    """``ordersCount``: how many orders match ``query`` (the search of ``orders(query:)``), capped at
    ``limit`` (10,000 by default, null for none); a capped count is AT_LEAST, as on Shopify."""
    state = state_of(info)
    predicate = order_matcher(state).compile(args.get("query"))
    orders = state.table("Order").values()
    count = len(orders) if predicate is None else sum(1 for order in orders if predicate(order))
    limit = args.get("limit")
    if limit is not None and count > limit:
        return {"count": max(limit, 0), "precision": "AT_LEAST"}
    return {"count": count, "precision": "EXACT"}


def _lines(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    return connect(info, [r for r in (state.get(g, "LineItem") for g in source["lineItemIds"]) if r], args)


def _transactions(source: Record, info: GraphQLResolveInfo, **args: Any) -> list[Record]:
    state = state_of(info)
    rows = [r for r in (state.get(g, "OrderTransaction") for g in source["transactionIds"]) if r]
    if args.get("capturable"):
        rows = [r for r in rows if r["kind"] == "AUTHORIZATION"]
    return rows[: args["first"]] if args.get("first") else rows


def _refunds(source: Record, info: GraphQLResolveInfo, **args: Any) -> list[Record]:
    state = state_of(info)
    rows = [r for r in (state.get(g, "Refund") for g in source["refundIds"]) if r]
    return rows[: args["first"]] if args.get("first") else rows


#: Offsets that keep the made-up ids of sales agreements apart from each other.
ORDER_AGREEMENT, REFUND_AGREEMENT = 10**12, 2 * 10**12


def _agreements(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    """The order's sales agreements as Shopify records them: the order itself, then one per refund (the way
    a bulk query reaches a refund's lines, since ``Order.refunds`` is a list)."""
    state = state_of(info)
    number = int(source["legacyResourceId"])
    rows: list[Record] = [
        {
            "__typename": "OrderAgreement",
            "id": f"gid://shopify/SalesAgreement/{ORDER_AGREEMENT + number}",
            "happenedAt": source.get("createdAt"),
            "reason": "ORDER",
            "order": source,
        }
    ]
    for refund in (r for r in (state.get(g, "Refund") for g in source["refundIds"]) if r):
        rows.append(
            {
                "__typename": "RefundAgreement",
                "id": f"gid://shopify/SalesAgreement/{REFUND_AGREEMENT + int(refund['legacyResourceId'])}",
                "happenedAt": refund.get("createdAt"),
                "reason": "REFUND",
                "refund": refund,
            }
        )
    return connect(info, rows, args)


def _plain_connection(key: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        rows = [dict(r, id=r.get("id") or f"{source['id']}-{i}") for i, r in enumerate(source.get(key) or [])]
        return connect(info, rows, args)

    return resolve


def _ref(table: str, key: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
        return state_of(info).get(source.get(key), table)

    return resolve


def _money_amount(value: dict[str, Any] | None) -> Decimal | None:
    if not value:
        return None
    shop = value.get("shopMoney") or {}
    return Decimal(str(shop["amount"])) if shop.get("amount") is not None else None


def _taxes(taxes: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """OrderCreateTaxLineInput -> stored tax lines; a tax line without a price is priced from its rate
    once the line's discount is known (``price: None``)."""
    out = []
    for t in taxes or []:
        price = _money_amount(t.get("priceSet"))
        out.append(
            {
                "title": t["title"],
                "rate": str(t["rate"]),
                "price": str(price) if price is not None else None,
                "channelLiable": t.get("channelLiable", False),
            }
        )
    return out


def _apply_discount_code(state: ShopState, data: dict[str, Any], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The discount code of an orderCreate: its application, and its amount allocated to the lines
    (a percentage off each line; a fixed amount off the first line; free shipping off the shipping)."""
    discount = data.get("discountCode") or {}
    bases = [_unit_price(state, line) * line["quantity"] for line in lines]
    if discount.get("itemPercentageDiscountCode"):
        d = discount["itemPercentageDiscountCode"]
        percentage = Decimal(str(d.get("percentage") or 0))
        for line, base in zip(lines, bases, strict=True):
            line["discount"] = cents(base * percentage / 100)
        return [{"code": d["code"], "percentage": d.get("percentage") or 0}]
    if discount.get("itemFixedDiscountCode"):
        # the whole amount on the first line, as the sandbox has always done (and the sync tests expect);
        # Shopify's ACROSS allocation would spread it over the lines in proportion to their totals
        d = discount["itemFixedDiscountCode"]
        amount = _money_amount(d.get("amountSet")) or Decimal(0)
        if lines:
            lines[0]["discount"] = amount
        return [{"code": d["code"], "amount": amount}]
    if discount.get("freeShippingDiscountCode"):
        return [{"code": discount["freeShippingDiscountCode"]["code"], "percentage": 100, "target": "SHIPPING_LINE"}]
    return []


def _unit_price(state: ShopState, line: dict[str, Any]) -> Decimal:
    if line["price"] is not None:
        return Decimal(line["price"])
    return Decimal(str((state.get(line["variantId"], "ProductVariant") or {}).get("price") or 0))


def _order_tax_lines(state: ShopState, data: dict[str, Any], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order-level tax lines, split across the taxable lines as Shopify does: a priced tax in proportion
    to the lines' totals after discounts, a rate-only tax priced on each line. Returns userErrors."""
    taxes = _taxes(data.get("taxLines"))
    if not taxes:
        return []
    if any(line["taxLines"] for line in lines):
        return [
            user_error(
                "Tax lines can be specified on the order or on its line items, but not both",
                ["order", "taxLines"],
                "INVALID",
            )
        ]
    taxable = [line for line in lines if line["taxable"] is not False and not line["giftCard"]]
    weights = [_unit_price(state, line) * line["quantity"] - Decimal(line.get("discount") or 0) for line in taxable]
    for tax in taxes:
        parts = allocate(Decimal(tax["price"]), weights) if tax["price"] is not None else [None] * len(taxable)
        for line, part in zip(taxable, parts, strict=True):
            line["taxLines"].append(dict(tax, price=str(part) if part is not None else None))
    return []


def order_spec_from_input(
    state: ShopState, data: dict[str, Any], options: dict[str, Any] | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Turn ``OrderCreateOrderInput`` into an orders_model spec; returns (spec, userErrors)."""
    errors: list[dict[str, Any]] = []
    lines = []
    for i, li in enumerate(data.get("lineItems") or []):
        variant = state.get(li.get("variantId"), "ProductVariant")
        if li.get("variantId") and variant is None:
            errors.append(user_error("Variant not found", ["order", "lineItems", str(i), "variantId"], "INVALID"))
            continue
        if variant is None and not li.get("title"):
            errors.append(
                user_error(
                    "Title can't be blank for a custom line item", ["order", "lineItems", str(i), "title"], "INVALID"
                )
            )
            continue
        if li["quantity"] <= 0:
            errors.append(
                user_error("Quantity must be greater than 0", ["order", "lineItems", str(i), "quantity"], "INVALID")
            )
            continue
        lines.append(
            {
                "variantId": li.get("variantId"),
                "title": li.get("title"),
                "quantity": li["quantity"],
                "price": _money_amount(li.get("priceSet")),
                "sku": li.get("sku"),
                "taxLines": _taxes(li.get("taxLines")),
                "giftCard": li.get("giftCard", False),
                "requiresShipping": li.get("requiresShipping") or variant is not None,
                "variantTitle": li.get("variantTitle"),
                "taxable": li.get("taxable", True),
                "properties": [{"key": p["name"], "value": p["value"]} for p in li.get("properties") or []],
            }
        )
    if not lines and not errors:
        errors.append(user_error("Line items can't be blank", ["order", "lineItems"], "INVALID"))
    codes = _apply_discount_code(state, data, lines)
    errors += _order_tax_lines(state, data, lines)
    customer_id = data.get("customerId") or ((data.get("customer") or {}).get("toAssociate") or {}).get("id")
    upsert = (data.get("customer") or {}).get("toUpsert")
    if upsert:
        customer_id = find_or_create(state, upsert)["id"]
    customer = state.get(customer_id, "Customer")
    if customer_id and customer is None:
        errors.append(user_error("Customer not found", ["order", "customerId"], "INVALID"))
    behaviour = (options or {}).get("inventoryBehaviour") or "BYPASS"
    free_shipping = any(c.get("target") == "SHIPPING_LINE" for c in codes)
    spec = {
        "lineItems": lines,
        "email": data.get("email") or (customer or {}).get("email"),
        "phone": data.get("phone"),
        "customerId": customer["id"] if customer else None,
        "presentmentCurrency": data.get("presentmentCurrency") or data.get("currency"),
        "note": data.get("note"),
        "tags": data.get("tags"),
        "test": data.get("test"),
        "processedAt": data.get("processedAt"),
        "sourceName": data.get("sourceName"),
        "name": data.get("name"),
        "customAttributes": [{"key": a["key"], "value": a["value"]} for a in data.get("customAttributes") or []],
        "billingAddress": mailing_address(state, data["billingAddress"]) if data.get("billingAddress") else None,
        "shippingAddress": mailing_address(state, data["shippingAddress"]) if data.get("shippingAddress") else None,
        "shippingLines": [
            {
                "title": s["title"],
                "code": s.get("code"),
                "source": s.get("source"),
                "price": _money_amount(s.get("priceSet")) or 0,
                "discount": (_money_amount(s.get("priceSet")) or 0) if free_shipping else 0,
                "taxLines": _taxes(s.get("taxLines")),
            }
            for s in data.get("shippingLines") or []
        ],
        "transactions": [
            {
                "kind": t.get("kind") or "SALE",
                "amount": _money_amount(t.get("amountSet")),
                "gateway": t.get("gateway") or "manual",
                "status": t.get("status") or "SUCCESS",
            }
            for t in data.get("transactions") or []
        ],
        "discountCodes": codes,
        "taxesIncluded": bool(data.get("taxesIncluded")),
        "decrementInventory": behaviour != "BYPASS",
    }
    if data.get("financialStatus") and not spec["transactions"]:
        spec["financialStatus"] = {"PARTIALLY_PAID": "PARTIALLY_PAID"}.get(
            data["financialStatus"], data["financialStatus"]
        )
    return spec, errors


def _order_create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    data = args["order"]
    check_input_list(data.get("lineItems"), "lineItems")
    with state.lock:
        spec, errors = order_spec_from_input(state, data, args.get("options"))
        if errors:
            return {"order": None, "userErrors": errors}
        order = om.new_order(state, spec)
        customer = state.get(order.get("customerId"), "Customer")
        address = order.get("shippingAddress") or order.get("billingAddress")
        if customer is not None and address:
            adopt_order_address(state, customer, address)
        if spec.get("financialStatus") == "PAID":
            om.new_transaction(state, order, "SALE", om.D(order["totalPriceSet"]["shopMoney"]["amount"]), "manual")
            order["_financialOverride"] = None
            om.recompute(state, order)
        if data.get("fulfillmentStatus") == "FULFILLED" or data.get("fulfillment"):
            from shopops.sandbox.resolvers.fulfillments import fulfil_all

            fulfil_all(state, order, data.get("fulfillment") or {})
        if data.get("closedAt"):
            order["closed"], order["closedAt"] = True, data["closedAt"]
        notify_order(state, order, "ORDERS_CREATE")
        return {"order": order, "userErrors": []}


def _find_order(state: ShopState, order_id: str | None) -> Record | None:
    return state.get(order_id, "Order")


def _order_cancel(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        order = _find_order(state, args["orderId"])
        job = {"id": f"gid://shopify/Job/{state.sequences['Order']}-cancel", "done": True}
        if order is None:
            err = user_error("Order does not exist", ["orderId"], "NOT_FOUND")
            return {"job": None, "orderCancelUserErrors": [err], "userErrors": [err]}
        if order.get("cancelledAt"):
            err = user_error("Order has already been cancelled", ["orderId"], "INVALID")
            return {"job": None, "orderCancelUserErrors": [err], "userErrors": [err]}
        now = state.now()
        order["cancelledAt"], order["cancelReason"] = now, args["reason"]
        order["closed"], order["closedAt"] = True, now
        for fo_id in order["fulfillmentOrderIds"]:
            fo = state.get(fo_id, "FulfillmentOrder")
            if fo and fo["status"] in ("OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD"):
                fo["status"] = "CANCELLED" if fo["status"] == "OPEN" else "CLOSED"
                for item in fo["_lineItems"]:
                    if args.get("restock"):
                        variant = state.get(item.get("variantId"), "ProductVariant") or {}
                        inv = state.get(variant.get("inventoryItemId"), "InventoryItem")
                        if inv is not None:
                            adjust_available(
                                state,
                                inv,
                                fo["assignedLocationId"],
                                item["remainingQuantity"],
                                committed=-item["remainingQuantity"],
                            )
                    item["remainingQuantity"] = 0
                state.touch(fo)
        if args.get("refund"):
            received = om.D(order["totalReceivedSet"]["shopMoney"]["amount"]) - om.D(
                order["totalRefundedSet"]["shopMoney"]["amount"]
            )
            if received > 0:
                om.new_transaction(state, order, "REFUND", received, "manual", stamp=now)
        om.recompute(state, order)
        state.touch(order)
        notify_order(state, order, "ORDERS_CANCELLED")
        return {"job": job, "orderCancelUserErrors": [], "userErrors": []}


def _order_close(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        order = _find_order(state, args["input"]["id"])
        if order is None:
            return {"order": None, "userErrors": [user_error("Order does not exist", ["id"])]}
        order["closed"], order["closedAt"] = True, state.now()
        state.touch(order)
        notify_order(state, order)
        return {"order": order, "userErrors": []}


def _order_open(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        order = _find_order(state, args["input"]["id"])
        if order is None:
            return {"order": None, "userErrors": [user_error("Order does not exist", ["id"])]}
        if order.get("cancelledAt"):
            return {"order": order, "userErrors": [user_error("A cancelled order can't be reopened", ["id"])]}
        order["closed"], order["closedAt"] = False, None
        state.touch(order)
        notify_order(state, order)
        return {"order": order, "userErrors": []}


def _mark_as_paid(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        order = _find_order(state, args["input"]["id"])
        if order is None:
            return {"order": None, "userErrors": [user_error("Order does not exist", ["id"])]}
        outstanding = om.D(order["totalOutstandingSet"]["shopMoney"]["amount"])
        if outstanding <= 0:
            return {"order": order, "userErrors": [user_error("Order is already paid", ["id"])]}
        order["_financialOverride"] = None
        om.new_transaction(state, order, "SALE", outstanding, "manual", stamp=state.now())
        om.recompute(state, order)
        state.touch(order)
        notify_order(state, order)
        return {"order": order, "userErrors": []}


#: OrderInput fields the sandbox does not model; refused rather than silently dropped.
_UNMODELLED_UPDATES = ("metafields", "localizedFields", "localizationExtensions")


def _order_update(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    """``orderUpdate``: overwrite the given attributes (fields absent from the input stay as they are;
    an explicit null clears), bump ``updatedAt`` and send ``orders/updated``, as Shopify does."""
    state = state_of(info)
    data = args["input"]
    given = [k for k in _UNMODELLED_UPDATES if data.get(k)]
    if given:
        raise GraphQLFailure(f"The sandbox does not store an order's {', '.join(given)}.", "BAD_REQUEST")
    check_input_list(data.get("tags"), "tags")
    check_input_list(data.get("customAttributes"), "customAttributes")
    with state.lock:
        order = _find_order(state, data["id"])
        if order is None:
            return {"order": None, "userErrors": [user_error("Order does not exist", ["id"])]}
        for key in ("email", "note", "phone", "poNumber"):
            if key in data:
                order[key] = data[key]
        if "tags" in data:
            order["tags"] = list(data["tags"] or [])
        if "customAttributes" in data:
            order["customAttributes"] = [{"key": a["key"], "value": a["value"]} for a in data["customAttributes"] or []]
        if "shippingAddress" in data:
            address = data["shippingAddress"]
            order["shippingAddress"] = mailing_address(state, address) if address is not None else None
        state.touch(order)
        notify_order(state, order)
        return {"order": order, "userErrors": []}


RESOLVERS: ResolverMap = {
    "QueryRoot": {"orders": _orders, "ordersCount": _orders_count, "order": lookup("Order")},
    "Mutation": {
        "orderCreate": _order_create,
        "orderCancel": _order_cancel,
        "orderClose": _order_close,
        "orderOpen": _order_open,
        "orderMarkAsPaid": _mark_as_paid,
        "orderUpdate": _order_update,
    },
    "Order": {
        "lineItems": _lines,
        "transactions": _transactions,
        "refunds": _refunds,
        "agreements": _agreements,
        "customer": _ref("Customer", "customerId"),
        "shippingLines": _plain_connection("shippingLines"),
        "discountApplications": _plain_connection("discountApplications"),
        "cancellation": lambda s, _i, **_a: {"staffNote": None} if s.get("cancelledAt") else None,
        "merchantEditable": lambda s, _i, **_a: not edit_refusal(s),
        "merchantEditableErrors": lambda s, _i, **_a: [r] if (r := edit_refusal(s)) else [],
    },
    "LineItem": {"variant": _ref("ProductVariant", "variantId"), "product": _ref("Product", "productId")},
    "OrderTransaction": {
        "parentTransaction": _ref("OrderTransaction", "parentTransactionId"),
        "amount": lambda s, _i, **_a: s["_amount"],
    },
}
