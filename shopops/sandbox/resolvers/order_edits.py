"""Order editing: ``orderEditBegin``, ``orderEditAddVariant``, ``orderEditSetQuantity``,
``orderEditCommit`` and the CalculatedOrder / CalculatedLineItem they answer, with the 2026-07 shapes.

A begun edit is a CalculatedOrder (its OrderEditSession has the same number); the staging mutations
take either ID. Problems are ``userErrors`` (plain UserError: field and message), as on Shopify; an
order that is cancelled or closed cannot be edited. The data side is :mod:`shopops.sandbox.state.edits`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.resolvers.common import ResolverMap, connect, state_of, user_error
from shopops.sandbox.state import edits
from shopops.sandbox.state.order_totals import D, Sums, edit_refusal, obag, outstanding_amount
from shopops.sandbox.state.store import Record, ShopState, gid, parse_gid
from shopops.sandbox.webhooks.payloads import notify_order


def _edit_session(session: Record) -> dict[str, str]:
    return {"id": gid("OrderEditSession", int(session["legacyResourceId"]))}


def _payload(session: Record, **extra: Any) -> dict[str, Any]:
    return {"calculatedOrder": session, "orderEditSession": _edit_session(session), "userErrors": [], **extra}


def _refused(message: str, field: str, **extra: Any) -> dict[str, Any]:
    return {"calculatedOrder": None, "orderEditSession": None, "userErrors": [user_error(message, [field])], **extra}


def _open_session(state: ShopState, session_id: str) -> tuple[Record | None, str | None]:
    """The session to stage on, or why there is none."""
    session = edits.find_session(state, session_id)
    if session is None:
        return None, "The calculated order does not exist."
    if session["committed"]:
        return None, "The order edit has already been committed."
    order = state.get(session["orderId"], "Order") or {}
    refusal = edit_refusal(order)
    return (None, refusal) if refusal else (session, None)


def _changed(session: Record) -> None:
    session["_version"] += 1


def _begin(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        order = state.get(args["id"], "Order")
        if order is None:
            return _refused("The order does not exist.", "id")
        refusal = edit_refusal(order)
        if refusal:
            return _refused(refusal, "id")
        return _payload(edits.new_session(state, order))


def _on_order(state: ShopState, session: Record, variant_id: str) -> bool:
    """Whether a variant is on the order as it stands in the edit."""
    view = edits.staged(state, session)
    return any(copy.get("variantId") == variant_id and copy["currentQuantity"] for _line, copy in view.existing) or any(
        entry["variantId"] == variant_id for entry in session["_added"]
    )


def _add_variant(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        session, refusal = _open_session(state, args["id"])
        if session is None:
            return _refused(refusal or "", "id", calculatedLineItem=None)
        if args["quantity"] < 1:
            return _refused("Quantity must be greater than 0.", "quantity", calculatedLineItem=None)
        if state.get(args["variantId"], "ProductVariant") is None:
            return _refused("The variant does not exist.", "variantId", calculatedLineItem=None)
        if args.get("locationId") and state.get(args["locationId"], "Location") is None:
            return _refused("The location does not exist.", "locationId", calculatedLineItem=None)
        if not args.get("allowDuplicates") and _on_order(state, session, args["variantId"]):
            message = "The variant is already on the order; set allowDuplicates to add it as another line."
            return _refused(message, "variantId", calculatedLineItem=None)
        num, _line_gid = state.next_id("LineItem")
        entry = {"num": num, "variantId": args["variantId"], "quantity": args["quantity"]}
        entry["locationId"] = args.get("locationId")
        session["_added"].append(entry)
        _changed(session)
        return _payload(session, calculatedLineItem=_line_by_num(state, session, num, info))


def _set_quantity(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        session, refusal = _open_session(state, args["id"])
        if session is None:
            return _refused(refusal or "", "id", calculatedLineItem=None)
        quantity = args["quantity"]
        if quantity < 0:
            return _refused("Quantity can't be negative.", "quantity", calculatedLineItem=None)
        parsed = parse_gid(args["lineItemId"])
        num = parsed[1] if parsed and parsed[0] == "CalculatedLineItem" else None
        order = state.get(session["orderId"], "Order") or {}
        line = state.get(gid("LineItem", num), "LineItem") if num is not None else None
        added = next((e for e in session["_added"] if e["num"] == num), None)
        if line is not None and line["id"] in order["lineItemIds"]:
            fulfilled = min(line["_fulfilled"], line["currentQuantity"])
            if quantity < fulfilled:
                message = f"The quantity can't be lower than the {fulfilled} already fulfilled."
                return _refused(message, "quantity", calculatedLineItem=None)
            if quantity == line["currentQuantity"]:
                session["_quantities"].pop(line["id"], None)
            else:
                change = {"quantity": quantity, "restock": bool(args.get("restock"))}
                session["_quantities"][line["id"]] = dict(change, locationId=args.get("locationId"))
        elif added is not None:
            if quantity == 0:
                session["_added"].remove(added)
            else:
                added["quantity"] = quantity
        else:
            return _refused(
                "The line item does not exist on the calculated order.", "lineItemId", calculatedLineItem=None
            )
        _changed(session)
        item = _line_by_num(state, session, num, info) if num is not None else None
        return _payload(session, calculatedLineItem=item)


def _commit(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        session, refusal = _open_session(state, args["id"])
        if session is None:
            return {"order": None, "successMessages": [], "userErrors": [user_error(refusal or "", ["id"])]}
        stale = edits.below_fulfilled(state, session)
        if stale is not None:
            message = f"The quantity of {stale} can't be lower than what has been fulfilled since it was staged."
            return {"order": None, "successMessages": [], "userErrors": [user_error(message, ["id"])]}
        session["staffNote"] = args.get("staffNote")
        order = edits.commit(state, session)
        _changed(session)
        notify_order(state, order, "ORDERS_EDITED")
        return {"order": order, "successMessages": ["Order updated"], "userErrors": []}


# --- the calculated order, read from its session ---------------------------------------------------


def _line_view(
    order: Record, stored: Record | None, copy: Record, changes: list[dict[str, Any]], restock: bool
) -> dict[str, Any]:
    quantity, before = copy["currentQuantity"], (stored or {}).get("currentQuantity", 0)
    fulfilled = min((stored or {}).get("_fulfilled", 0), before)
    unit = D(copy["_price"]) - (D(copy["_discount"]) / copy["quantity"] if copy["quantity"] else 0)
    editable = max(quantity - fulfilled, 0)
    return {
        "id": copy["id"] if stored is None else edits.calculated_line_id(int(stored["legacyResourceId"])),
        "quantity": quantity,
        "editableQuantity": editable,
        "editableQuantityBeforeChanges": max(before - fulfilled, 0),
        "title": copy["title"],
        "sku": copy.get("sku"),
        "variantTitle": copy.get("variantTitle"),
        "variantId": copy.get("variantId"),
        "customAttributes": copy.get("customAttributes") or [],
        "originalUnitPriceSet": obag(order, D(copy["_price"])),
        "discountedUnitPriceSet": obag(order, unit),
        "editableSubtotalSet": obag(order, unit * editable),
        "uneditableSubtotalSet": obag(order, unit * fulfilled),
        "restockable": bool(copy.get("requiresShipping") and copy.get("variantId")),
        "restocking": restock and quantity < before,
        "hasStagedLineItemDiscount": False,
        "stagedChanges": changes,
    }


def _view(info: GraphQLResolveInfo, session: Record) -> dict[str, Any]:
    """Everything a CalculatedOrder answers, worked out once per request and session version."""
    cache = info.context.setdefault("calculated_orders", {})
    key = (session["id"], session["_version"])
    if key not in cache:
        cache[key] = _compute_view(state_of(info), session)
    view: dict[str, Any] = cache[key]
    return view


def _compute_view(state: ShopState, session: Record) -> dict[str, Any]:
    staged = edits.staged(state, session)
    order, sums = staged.order, staged.sums
    changes = edits.staged_changes(state, session)
    existing = []
    for stored, copy in staged.existing:
        mine = [c for c in changes if c.get("lineItemId") == stored["id"]]
        restock = bool(session["_quantities"].get(stored["id"], {}).get("restock"))
        existing.append(_line_view(order, stored, copy, mine, restock))
    added = [
        _line_view(order, None, line, [c for c in changes if c.get("_num") == entry["num"]], False)
        for entry, line in staged.added
    ]
    return {
        "lineItems": existing,
        "addedLineItems": added,
        "stagedChanges": changes,
        "shippingLines": [
            {"id": s["id"], "title": s["title"], "price": obag(order, D(s["_price"])), "stagedStatus": "NONE"}
            for s in order["shippingLines"]
        ],
        **_money(order, sums, staged.received),
        "subtotalLineItemsQuantity": sum(v["quantity"] for v in existing + added),
        "notificationPreviewTitle": f"Order {order['name']} updated",
    }


def _money(order: Record, sums: Sums, received: Decimal) -> dict[str, Any]:
    return {
        "subtotalPriceSet": obag(order, sums.current_subtotal),
        "totalPriceSet": obag(order, sums.current_total),
        "totalOutstandingSet": obag(order, outstanding_amount(sums, received)),
        "cartDiscountAmountSet": obag(order, sums.cart_discount),
        "taxLines": [
            {"title": t, "rate": float(r), "ratePercentage": float(r) * 100, "priceSet": obag(order, a)}
            for t, r, a in sums.current_tax_lines
        ],
    }


def _line_by_num(state: ShopState, session: Record, num: int, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    wanted = edits.calculated_line_id(num)
    view = _view(info, session)
    found = next((v for v in view["lineItems"] + view["addedLineItems"] if v["id"] == wanted), None)
    if found is None:  # an added line set to 0 is gone from the edit; answer it with nothing left
        return {"id": wanted, "quantity": 0, "editableQuantity": 0, "stagedChanges": [], "title": ""}
    return found


def _from_view(name: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Any:
        return _view(info, source)[name]

    return resolve


def _connection_from_view(name: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        args = {k: v for k, v in args.items() if k != "query"}
        return connect(info, _view(info, source)[name], args)

    return resolve


def _ref(table: str, key: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
        return state_of(info).get(source.get(key), table)

    return resolve


RESOLVERS: ResolverMap = {
    "Mutation": {
        "orderEditBegin": _begin,
        "orderEditAddVariant": _add_variant,
        "orderEditSetQuantity": _set_quantity,
        "orderEditCommit": _commit,
    },
    "CalculatedOrder": {
        "originalOrder": _ref("Order", "orderId"),
        "lineItems": _connection_from_view("lineItems"),
        "addedLineItems": _connection_from_view("addedLineItems"),
        "stagedChanges": _connection_from_view("stagedChanges"),
        **{
            name: _from_view(name)
            for name in (
                "shippingLines",
                "subtotalPriceSet",
                "totalPriceSet",
                "totalOutstandingSet",
                "cartDiscountAmountSet",
                "taxLines",
                "subtotalLineItemsQuantity",
                "notificationPreviewTitle",
            )
        },
    },
    "CalculatedLineItem": {"variant": _ref("ProductVariant", "variantId")},
    "OrderStagedChangeAddVariant": {"variant": _ref("ProductVariant", "variantId")},
    "OrderStagedChangeIncrementItem": {"lineItem": _ref("LineItem", "lineItemId")},
    "OrderStagedChangeDecrementItem": {"lineItem": _ref("LineItem", "lineItemId")},
}
