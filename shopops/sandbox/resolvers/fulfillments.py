"""Fulfillment orders and fulfillments: queries, ``fulfillmentCreate`` with tracking, tracking updates."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.resolvers.common import ResolverMap, connect, lookup, state_of, time_sort, user_error
from shopops.sandbox.resolvers.inventory import adjust_available
from shopops.sandbox.state import orders_model as om
from shopops.sandbox.state.store import Record, ShopState
from shopops.sandbox.webhooks.payloads import notify_order

FO_SEARCH = Matcher(
    {
        "status": ("string", lambda r: r["status"].lower()),
        "updated_at": ("time", lambda r: r.get("updatedAt")),
        "created_at": ("time", lambda r: r.get("createdAt")),
        "assigned_location_id": ("number", lambda r: r.get("assignedLocationId")),
        "id": ("number", lambda r: r["id"]),
        "order_id": ("number", lambda r: r.get("orderId")),
    },
    default=lambda r: r.get("orderName"),
)
FO_SORTS = {
    "ID": None,
    "UPDATED_AT": time_sort("updatedAt"),
    "CREATED_AT": time_sort("createdAt"),
    "FULFILL_BY": time_sort("fulfillBy"),
    "RELEVANCE": None,
}
OPEN_STATES = ("OPEN", "IN_PROGRESS")
CARRIER_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL Express": "https://www.dhl.com/track?id={}",
    "PostNord DK": "https://www.postnord.dk/track?id={}",
    "GLS": "https://gls-group.eu/track/{}",
}


def _fulfillment_orders(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = [
        fo
        for fo in state_of(info).table("FulfillmentOrder").values()
        if args.get("includeClosed") or fo["status"] not in ("CLOSED", "CANCELLED")
    ]
    return connect(info, rows, args, FO_SORTS, FO_SEARCH)


def _order_fos(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    rows = [r for r in (state.get(g, "FulfillmentOrder") for g in source["fulfillmentOrderIds"]) if r]
    return connect(info, rows, args, None, FO_SEARCH)


def _order_fulfillments(source: Record, info: GraphQLResolveInfo, **args: Any) -> list[Record]:
    state = state_of(info)
    rows = [r for r in (state.get(g, "Fulfillment") for g in source["fulfillmentIds"]) if r]
    return rows[: args["first"]] if args.get("first") else rows


def _fo_lines(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connect(info, source["_lineItems"], args)


def _fo_fulfillments(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    return connect(info, [r for r in (state.get(g, "Fulfillment") for g in source["fulfillmentIds"]) if r], args)


def _tracking(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not data:
        return []
    numbers = data.get("numbers") or ([data["number"]] if data.get("number") else [])
    urls = data.get("urls") or ([data["url"]] if data.get("url") else [])
    company = data.get("company")
    out = []
    for i, number in enumerate(numbers):
        url = urls[i] if i < len(urls) else (CARRIER_URLS[company].format(number) if company in CARRIER_URLS else None)
        out.append({"company": company, "number": number, "url": url})
    if not numbers and (company or urls):
        out.append({"company": company, "number": None, "url": urls[0] if urls else None})
    return out


def create_fulfillment(
    state: ShopState,
    order: Record,
    location_id: str,
    picks: list[tuple[Record, Record, int]],
    tracking: dict[str, Any] | None,
    fos: list[Record],
) -> Record:
    """Fulfil ``picks`` (fulfillment order, its line item, quantity); updates stock, lines and statuses."""
    now = state.now()
    lines: list[dict[str, Any]] = []
    for _fo, item, qty in picks:
        item["remainingQuantity"] -= qty
        line = state.get(item["lineItemId"], "LineItem")
        if line is not None:
            line["_fulfilled"] += qty
        variant = state.get(item.get("variantId"), "ProductVariant") or {}
        inv = state.get(variant.get("inventoryItemId"), "InventoryItem")
        if inv is not None:
            adjust_available(state, inv, location_id, 0, committed=-qty)
        lines.append(
            {
                "id": f"gid://shopify/FulfillmentLineItem/{state.sequences['Fulfillment'] + 1}{len(lines)}",
                "lineItemId": item["lineItemId"],
                "quantity": qty,
            }
        )
    fulfillment = state.insert(
        "Fulfillment",
        {
            "orderId": order["id"],
            "status": "SUCCESS",
            "displayStatus": "FULFILLED",
            "name": f"{order['name']}-F{len(order['fulfillmentIds']) + 1}",
            "locationId": location_id,
            "trackingInfo": _tracking(tracking),
            "_lineItems": lines,
            "totalQuantity": sum(q for *_x, q in picks),
            "requiresShipping": True,
            "_fulfillmentOrderIds": [fo["id"] for fo in fos],
        },
        now,
    )
    order["fulfillmentIds"].append(fulfillment["id"])
    for fo in fos:
        fo["fulfillmentIds"].append(fulfillment["id"])
        remaining = sum(i["remainingQuantity"] for i in fo["_lineItems"])
        fo["status"] = "CLOSED" if remaining == 0 else "IN_PROGRESS"
        state.touch(fo)
    om.recompute(state, order)
    state.touch(order)
    return fulfillment


def fulfil_all(state: ShopState, order: Record, data: dict[str, Any]) -> None:
    """Fulfil every open fulfillment order of an order (``orderCreate`` with fulfillmentStatus FULFILLED)."""
    tracking = (
        {"company": data.get("trackingCompany"), "number": data.get("trackingNumber")}
        if data.get("trackingNumber")
        else None
    )
    for fo_id in list(order["fulfillmentOrderIds"]):
        fo = state.get(fo_id, "FulfillmentOrder")
        if fo is None or fo["status"] not in OPEN_STATES:
            continue
        picks = [(fo, i, i["remainingQuantity"]) for i in fo["_lineItems"] if i["remainingQuantity"]]
        if picks:
            create_fulfillment(state, order, fo["assignedLocationId"], picks, tracking, [fo])


def _fulfillment_create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    data = args["fulfillment"]
    groups = data["lineItemsByFulfillmentOrder"]
    with state.lock:
        fos, picks, errors = [], [], []
        for gi, group in enumerate(groups):
            fo = state.get(group["fulfillmentOrderId"], "FulfillmentOrder")
            if fo is None:
                errors.append(
                    user_error(
                        "Fulfillment order does not exist.",
                        ["fulfillment", "lineItemsByFulfillmentOrder", str(gi), "fulfillmentOrderId"],
                    )
                )
                continue
            if fo["status"] not in OPEN_STATES:
                errors.append(
                    user_error(
                        f"Fulfillment order {fo['id']} has an unfulfillable status= {fo['status'].lower()}.",
                        ["fulfillment"],
                    )
                )
                continue
            fos.append(fo)
            wanted = group.get("fulfillmentOrderLineItems")
            if not wanted:
                picks += [(fo, i, i["remainingQuantity"]) for i in fo["_lineItems"] if i["remainingQuantity"]]
                continue
            by_id = {i["id"]: i for i in fo["_lineItems"]}
            for w in wanted:
                item = by_id.get(w["id"])
                if item is None:
                    errors.append(user_error("Invalid fulfillment order line item id.", ["fulfillment"]))
                elif w["quantity"] > item["remainingQuantity"] or w["quantity"] <= 0:
                    errors.append(
                        user_error("Invalid fulfillment order line item quantity requested.", ["fulfillment"])
                    )
                else:
                    picks.append((fo, item, w["quantity"]))
        if not errors and len({fo["orderId"] for fo in fos}) > 1:
            errors.append(user_error("All fulfillment orders must belong to the same order.", ["fulfillment"]))
        if not errors and len({fo["assignedLocationId"] for fo in fos}) > 1:
            errors.append(user_error("All fulfillment orders must be assigned to the same location.", ["fulfillment"]))
        if not errors and not picks:
            errors.append(user_error("Nothing left to fulfil.", ["fulfillment"]))
        if errors:
            return {"fulfillment": None, "userErrors": errors}
        order = state.get(fos[0]["orderId"], "Order")
        assert order is not None
        fulfillment = create_fulfillment(
            state, order, fos[0]["assignedLocationId"], picks, data.get("trackingInfo"), fos
        )
        notify_order(state, order)
        return {"fulfillment": fulfillment, "userErrors": []}


def _tracking_update(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        fulfillment = state.get(args["fulfillmentId"], "Fulfillment")
        if fulfillment is None:
            return {"fulfillment": None, "userErrors": [user_error("Fulfillment does not exist.", ["fulfillmentId"])]}
        fulfillment["trackingInfo"] = _tracking(args.get("trackingInfoInput"))
        state.touch(fulfillment)
        return {"fulfillment": fulfillment, "userErrors": []}


def _ref(table: str, key: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
        return state_of(info).get(source.get(key), table)

    return resolve


def _assigned_location(source: Record, info: GraphQLResolveInfo, **_args: Any) -> dict[str, Any]:
    return dict(source.get("assignedLocation") or {}, _locationId=source.get("assignedLocationId"))


def _fulfillment_lines(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    order = state_of(info).get(source["orderId"], "Order")
    rows = []
    state = state_of(info)
    for ln in source["_lineItems"]:
        line = state.get(ln["lineItemId"], "LineItem") or {}
        price = om.D(line.get("_price"))
        rows.append(
            dict(
                ln,
                originalTotalSet=om.obag(order, price * ln["quantity"]) if order else None,
                discountedTotalSet=om.obag(order, price * ln["quantity"]) if order else None,
            )
        )
    return connect(info, rows, args)


def _fulfillment_fos(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    rows = [r for r in (state.get(g, "FulfillmentOrder") for g in source.get("_fulfillmentOrderIds", [])) if r]
    return connect(info, rows, args)


def _tracking_first(source: Record, _info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = source.get("trackingInfo") or []
    return rows[: args["first"]] if args.get("first") else rows


RESOLVERS: ResolverMap = {
    "QueryRoot": {
        "fulfillmentOrders": _fulfillment_orders,
        "fulfillmentOrder": lookup("FulfillmentOrder"),
        "fulfillment": lookup("Fulfillment"),
    },
    "Mutation": {"fulfillmentCreate": _fulfillment_create, "fulfillmentTrackingInfoUpdate": _tracking_update},
    "Order": {"fulfillmentOrders": _order_fos, "fulfillments": _order_fulfillments},
    "FulfillmentOrder": {
        "lineItems": _fo_lines,
        "order": _ref("Order", "orderId"),
        "fulfillments": _fo_fulfillments,
        "assignedLocation": _assigned_location,
    },
    "FulfillmentOrderAssignedLocation": {"location": _ref("Location", "_locationId")},
    "FulfillmentOrderLineItem": {
        "lineItem": _ref("LineItem", "lineItemId"),
        "variant": _ref("ProductVariant", "variantId"),
    },
    "Fulfillment": {
        "fulfillmentLineItems": _fulfillment_lines,
        "location": _ref("Location", "locationId"),
        "order": _ref("Order", "orderId"),
        "fulfillmentOrders": _fulfillment_fos,
        "trackingInfo": _tracking_first,
    },
    "FulfillmentLineItem": {"lineItem": _ref("LineItem", "lineItemId")},
}
