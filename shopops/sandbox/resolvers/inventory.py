"""Locations, inventory items and levels, named quantities, ``inventorySetQuantities``, ``inventoryActivate``.

A level holds Shopify's named quantities (available, on_hand, committed, incoming, reserved, ...);
``on_hand = available + committed + reserved + ...``. Setting ``available`` moves ``on_hand`` with it;
setting ``on_hand`` moves ``available``. ``inventorySetQuantities`` requires ``@idempotent(key:)`` and
``changeFromQuantity`` (null = no compare) as in 2026-07.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.resolvers.common import (
    ResolverMap,
    check_input_list,
    connect,
    field_sort,
    lookup,
    require_idempotency,
    state_of,
    user_error,
)
from shopops.sandbox.state.store import Record, ShopState, parse_gid

QUANTITY_NAMES = (
    "available",
    "on_hand",
    "committed",
    "incoming",
    "reserved",
    "damaged",
    "quality_control",
    "safety_stock",
)
SETTABLE = ("available", "on_hand")
REASONS = {
    "correction",
    "cycle_count_available",
    "damaged",
    "movement_created",
    "movement_updated",
    "movement_received",
    "movement_canceled",
    "other",
    "promotion",
    "quality_control",
    "received",
    "reservation_created",
    "reservation_deleted",
    "reservation_updated",
    "restock",
    "safety_stock",
    "shrinkage",
}
QTY_LIMIT = 1_000_000_000

ITEM_SEARCH = Matcher(
    {
        "sku": ("string", lambda r: r.get("sku")),
        "id": ("number", lambda r: r["id"]),
        "updated_at": ("time", lambda r: r.get("updatedAt")),
        "created_at": ("time", lambda r: r.get("createdAt")),
    },
    default=lambda r: r.get("sku"),
)
LOCATION_SEARCH = Matcher(
    {
        "name": ("text", lambda r: r.get("name")),
        "id": ("number", lambda r: r["id"]),
        "active": ("string", lambda r: str(r.get("isActive", True)).lower()),
    },
    default=lambda r: r.get("name"),
)


def new_level(state: ShopState, item: Record, location: Record, available: int = 0, stamp: str | None = None) -> Record:
    """Stock an inventory item at a location (an inventory level) with ``available`` units."""
    quantities = {name: 0 for name in QUANTITY_NAMES}
    quantities["available"] = available
    quantities["on_hand"] = available
    level = state.insert(
        "InventoryLevel",
        {"itemId": item["id"], "locationId": location["id"], "quantities": quantities, "isActive": True},
        stamp,
    )
    item.setdefault("_levels", {})[location["id"]] = level["id"]
    return level


def new_item(
    state: ShopState, variant: Record, sku: str | None, cost: str | None = None, stamp: str | None = None
) -> Record:
    """The inventory item behind a variant."""
    currency = state.info.currency
    item = state.insert(
        "InventoryItem",
        {
            "variantId": variant["id"],
            "sku": sku,
            "tracked": True,
            "requiresShipping": True,
            "unitCost": {"amount": cost, "currencyCode": currency} if cost is not None else None,
            "_levels": {},
        },
        stamp,
    )
    variant["inventoryItemId"] = item["id"]
    return item


def level_of(state: ShopState, item: Record, location_id: str) -> Record | None:
    """The level of an item at a location, None when not stocked there."""
    level_id = item.get("_levels", {}).get(location_id)
    return state.get(level_id, "InventoryLevel") if level_id else None


def set_quantity(level: Record, name: str, quantity: int) -> int:
    """Set a named quantity, keeping on_hand = available + the rest; returns the delta."""
    q = level["quantities"]
    before = q.get(name, 0)
    delta = quantity - before
    q[name] = quantity
    if name == "available":
        q["on_hand"] = q.get("on_hand", 0) + delta
    elif name == "on_hand":
        q["available"] = q.get("available", 0) + delta
    return int(delta)


def adjust_available(state: ShopState, item: Record, location_id: str, delta: int, committed: int = 0) -> None:
    """Move available (and committed) by a delta, e.g. when an order reserves stock."""
    level = level_of(state, item, location_id)
    if level is None:
        return
    q = level["quantities"]
    q["available"] = q.get("available", 0) + delta
    q["committed"] = q.get("committed", 0) + committed
    q["on_hand"] = q["available"] + q["committed"] + q.get("reserved", 0)
    state.touch(level)
    state.touch(item)


def available_total(state: ShopState, item: Record | None) -> int:
    """Available units of an item over all locations."""
    if item is None:
        return 0
    total = 0
    for level_id in item.get("_levels", {}).values():
        level = state.get(level_id, "InventoryLevel")
        if level is not None:
            total += int(level["quantities"].get("available", 0))
    return total


def _item_levels(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    levels = [state.get(lid, "InventoryLevel") for lid in source.get("_levels", {}).values()]
    return connect(info, [lv for lv in levels if lv is not None], args)


def _item_level(source: Record, info: GraphQLResolveInfo, **args: Any) -> Record | None:
    return level_of(state_of(info), source, args.get("locationId") or "")


def _location_levels(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    rows = [lv for lv in state.table("InventoryLevel").values() if lv["locationId"] == source["id"]]
    return connect(info, rows, args)


def _location_level(source: Record, info: GraphQLResolveInfo, **args: Any) -> Record | None:
    state = state_of(info)
    item = state.get(args.get("inventoryItemId"), "InventoryItem")
    return level_of(state, item, source["id"]) if item else None


def _quantities(source: Record, info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    names = args.get("names") or ["available"]
    q = source["quantities"]
    return [
        {
            "id": f"{source['id']}?name={n}",
            "name": n,
            "quantity": int(q.get(n, 0)),
            "updatedAt": source.get("updatedAt"),
        }
        for n in names
    ]


def _items(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = state_of(info).table("InventoryItem").values()
    return connect(info, rows, args, {"ID": None}, ITEM_SEARCH)


def _locations(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = [
        r for r in state_of(info).table("Location").values() if args.get("includeInactive") or r.get("isActive", True)
    ]
    return connect(info, rows, args, {"ID": None, "NAME": field_sort("name")}, LOCATION_SEARCH)


def _location(_root: Any, info: GraphQLResolveInfo, **args: Any) -> Record | None:
    state = state_of(info)
    if args.get("id") is None:
        return next(iter(state.table("Location").values()), None)
    return state.get(args["id"], "Location")


def _set_error(message: str, code: str, index: int | None = None, key: str | None = None) -> dict[str, Any]:
    field = ["input", "quantities", str(index), key] if index is not None and key else ["input"]
    return user_error(message, field, code)


def _validate_set(state: ShopState, data: dict[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    if data["name"] not in SETTABLE:
        errors.append(
            user_error("The quantity name must be either 'available' or 'on_hand'.", ["input", "name"], "INVALID_NAME")
        )
    if data["reason"] not in REASONS:
        errors.append(user_error("The specified reason is invalid.", ["input", "reason"], "INVALID_REASON"))
    uri = data.get("referenceDocumentUri")
    if uri is not None and "://" not in uri:
        errors.append(
            user_error(
                "The reference document URI is invalid.",
                ["input", "referenceDocumentUri"],
                "INVALID_REFERENCE_DOCUMENT",
            )
        )
    seen: set[tuple[str, str]] = set()
    for i, q in enumerate(data["quantities"]):
        item = state.get(q["inventoryItemId"], "InventoryItem")
        if item is None:
            errors.append(
                _set_error(
                    "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM", i, "inventoryItemId"
                )
            )
            continue
        if state.get(q["locationId"], "Location") is None:
            errors.append(_set_error("The specified location could not be found.", "INVALID_LOCATION", i, "locationId"))
            continue
        pair = (q["inventoryItemId"], q["locationId"])
        if pair in seen:
            errors.append(
                _set_error(
                    "The combination of inventoryItemId and locationId must be unique.",
                    "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                    i,
                    "inventoryItemId",
                )
            )
        seen.add(pair)
        if q["quantity"] < 0 and data["name"] == "on_hand":
            errors.append(_set_error("The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE", i, "quantity"))
        if q["quantity"] > QTY_LIMIT:
            errors.append(
                _set_error(
                    "The quantity can't be higher than 1,000,000,000.", "INVALID_QUANTITY_TOO_HIGH", i, "quantity"
                )
            )
        if q["quantity"] < -QTY_LIMIT:
            errors.append(
                _set_error(
                    "The quantity can't be lower than -1,000,000,000.", "INVALID_QUANTITY_TOO_LOW", i, "quantity"
                )
            )
        level = level_of(state, item, q["locationId"])
        if level is None:
            errors.append(
                _set_error(
                    "The specified inventory item is not stocked at the location.",
                    "ITEM_NOT_STOCKED_AT_LOCATION",
                    i,
                    "locationId",
                )
            )
            continue
        if "changeFromQuantity" not in q:
            errors.append(
                _set_error(
                    "changeFromQuantity is required; pass null to skip the check.",
                    "COMPARE_QUANTITY_REQUIRED",
                    i,
                    "changeFromQuantity",
                )
            )
        elif (
            q["changeFromQuantity"] is not None and level["quantities"].get(data["name"], 0) != q["changeFromQuantity"]
        ):
            errors.append(
                _set_error(
                    "The specified compare quantity does not match the current quantity "
                    f"({level['quantities'].get(data['name'], 0)}).",
                    "CHANGE_FROM_QUANTITY_STALE",
                    i,
                    "changeFromQuantity",
                )
            )
    return errors


def _set_quantities(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    data = args["input"]
    check_input_list(data.get("quantities"), "quantities")
    key = require_idempotency(info)
    state = state_of(info)
    fingerprint = json.dumps(data, sort_keys=True, default=str)
    with state.lock:
        previous = state.idempotency.get(key)
        if previous is not None:
            if previous["fingerprint"] != fingerprint:
                return {
                    "inventoryAdjustmentGroup": None,
                    "userErrors": [
                        user_error(
                            "The same idempotency key was used with different parameters.",
                            ["input"],
                            "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
                        )
                    ],
                }
            if previous.get("failed"):
                return {
                    "inventoryAdjustmentGroup": None,
                    "userErrors": [
                        user_error(
                            "The previous attempt with this idempotency key failed; retry with a new key.",
                            ["input"],
                            "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
                        )
                    ],
                }
            return dict(previous["result"])
        errors = _validate_set(state, data)
        if errors:
            result: dict[str, Any] = {"inventoryAdjustmentGroup": None, "userErrors": errors}
            state.idempotency[key] = {"fingerprint": fingerprint, "result": result, "failed": True}
            return result
        changes = []
        for q in data["quantities"]:
            item = state.get(q["inventoryItemId"], "InventoryItem")
            assert item is not None
            level = level_of(state, item, q["locationId"])
            assert level is not None
            delta = set_quantity(level, data["name"], q["quantity"])
            state.touch(level)
            state.touch(item)
            changes.append(
                {
                    "name": data["name"],
                    "delta": delta,
                    "quantityAfterChange": q["quantity"],
                    "itemId": item["id"],
                    "locationId": q["locationId"],
                    "ledgerDocumentUri": None,
                }
            )
            other = "on_hand" if data["name"] == "available" else "available"
            changes.append(
                {
                    "name": other,
                    "delta": delta,
                    "quantityAfterChange": level["quantities"][other],
                    "itemId": item["id"],
                    "locationId": q["locationId"],
                    "ledgerDocumentUri": None,
                }
            )
        group = state.insert(
            "InventoryAdjustmentGroup",
            {"reason": data["reason"], "referenceDocumentUri": data.get("referenceDocumentUri"), "_changes": changes},
        )
        result = {"inventoryAdjustmentGroup": group, "userErrors": []}
        state.idempotency[key] = {"fingerprint": fingerprint, "result": result}
        return result


def _changes(source: Record, info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    names = args.get("quantityNames")
    return [c for c in source.get("_changes", []) if not names or c["name"] in names]


def _activate(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    require_idempotency(info)
    state = state_of(info)
    with state.lock:
        item = state.get(args["inventoryItemId"], "InventoryItem")
        location = state.get(args["locationId"], "Location")
        if item is None or location is None:
            return {
                "inventoryLevel": None,
                "userErrors": [user_error("Inventory item or location not found.", ["inventoryItemId"])],
            }
        level = level_of(state, item, location["id"])
        if level is None:
            level = new_level(state, item, location, int(args.get("available") or 0))
            state.touch(item)
        return {"inventoryLevel": level, "userErrors": []}


def _ref(table: str, key: str) -> Any:
    def resolve(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
        return state_of(info).get(source.get(key), table)

    return resolve


def _location_address(source: Record, _info: GraphQLResolveInfo, **_args: Any) -> dict[str, Any]:
    return source.get("address") or {}


def _level_id_item(source: Record, info: GraphQLResolveInfo, **_args: Any) -> Record | None:
    parsed = parse_gid(source.get("itemId"))
    return state_of(info).table("InventoryItem").get(parsed[1]) if parsed else None


RESOLVERS: ResolverMap = {
    "QueryRoot": {
        "inventoryItems": _items,
        "inventoryItem": lookup("InventoryItem"),
        "inventoryLevel": lookup("InventoryLevel"),
        "locations": _locations,
        "location": _location,
    },
    "Mutation": {"inventorySetQuantities": _set_quantities, "inventoryActivate": _activate},
    "InventoryItem": {
        "inventoryLevels": _item_levels,
        "inventoryLevel": _item_level,
        "variant": _ref("ProductVariant", "variantId"),
    },
    "InventoryLevel": {"item": _level_id_item, "location": _ref("Location", "locationId"), "quantities": _quantities},
    "InventoryAdjustmentGroup": {"changes": _changes},
    "InventoryChange": {"item": _ref("InventoryItem", "itemId"), "location": _ref("Location", "locationId")},
    "Location": {"inventoryLevels": _location_levels, "inventoryLevel": _location_level, "address": _location_address},
}
