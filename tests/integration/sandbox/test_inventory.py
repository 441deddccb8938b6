"""Locations, inventory items and levels, inventorySetQuantities (CAS, idempotency, error codes)."""

from __future__ import annotations

import uuid
from typing import Any

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def _stocked(sandbox: Sandbox) -> tuple[dict[str, Any], str]:
    item = next(i for i in sandbox.state.table("InventoryItem").values() if i["_levels"])
    return item, next(iter(item["_levels"]))


def _set(
    client: Client,
    item: str,
    location: str,
    quantity: int,
    change_from: Any = None,
    key: str | None = None,
    name: str = "available",
    **extra: Any,
) -> dict[str, Any]:
    q = {"inventoryItemId": item, "locationId": location, "quantity": quantity, "changeFromQuantity": change_from}
    q.update(extra)
    return client.data(
        docs.INVENTORY_SET,
        {
            "key": key or str(uuid.uuid4()),
            "input": {
                "name": name,
                "reason": "correction",
                "referenceDocumentUri": "gid://shopops/Test/1",
                "quantities": [q],
            },
        },
    )["inventorySetQuantities"]


def test_locations_active_and_inactive(client: Client, sandbox: Sandbox) -> None:
    active = client.data(docs.LOCATIONS)["locations"]["nodes"]
    assert len(active) == 3 and all(loc["isActive"] for loc in active)
    assert active[0]["address"]["city"]


def test_inventory_items_with_named_quantities(client: Client) -> None:
    items = client.data(docs.INVENTORY_ITEMS)["inventoryItems"]["nodes"]
    level = items[1]["inventoryLevels"]["nodes"][0]
    q = {x["name"]: x["quantity"] for x in level["quantities"]}
    assert set(q) == {"available", "on_hand", "committed"}
    assert q["on_hand"] >= q["available"]


def test_set_quantities_moves_on_hand_and_updated_at(client: Client, sandbox: Sandbox) -> None:
    item, location = _stocked(sandbox)
    before = item["updatedAt"]
    result = _set(client, item["id"], location, 42)
    assert result["userErrors"] == []
    changes = {c["name"]: c for c in result["inventoryAdjustmentGroup"]["changes"]}
    assert changes["available"]["quantityAfterChange"] == 42
    level = client.data(docs.INVENTORY_LEVEL_AT, {"item": item["id"], "location": location})
    q = {x["name"]: x["quantity"] for x in level["inventoryItem"]["inventoryLevel"]["quantities"]}
    assert q["available"] == 42 and q["on_hand"] == 42 + q["committed"]
    assert item["updatedAt"] > before


def test_change_from_quantity_stale(client: Client, sandbox: Sandbox) -> None:
    item, location = _stocked(sandbox)
    _set(client, item["id"], location, 10)
    stale = _set(client, item["id"], location, 11, change_from=3)
    assert stale["userErrors"][0]["code"] == "CHANGE_FROM_QUANTITY_STALE"
    assert stale["userErrors"][0]["field"] == ["input", "quantities", "0", "changeFromQuantity"]
    ok = _set(client, item["id"], location, 11, change_from=10)
    assert ok["userErrors"] == []


def test_idempotent_key_replays_and_mismatches(client: Client, sandbox: Sandbox) -> None:
    item, location = _stocked(sandbox)
    key = str(uuid.uuid4())
    first = _set(client, item["id"], location, 5, key=key)
    again = _set(client, item["id"], location, 5, key=key)
    assert again == first
    other = _set(client, item["id"], location, 6, key=key)
    assert other["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"


def test_idempotent_directive_is_required(client: Client, sandbox: Sandbox) -> None:
    item, location = _stocked(sandbox)
    body = client.run(
        docs.INVENTORY_SET_NO_KEY,
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "quantities": [
                    {"inventoryItemId": item["id"], "locationId": location, "quantity": 1, "changeFromQuantity": None}
                ],
            }
        },
    )
    assert "@idempotent" in body["errors"][0]["message"]


def test_set_quantity_error_codes(client: Client, sandbox: Sandbox) -> None:
    item, location = _stocked(sandbox)
    codes = {
        "INVALID_INVENTORY_ITEM": _set(client, "gid://shopify/InventoryItem/1", location, 1),
        "INVALID_LOCATION": _set(client, item["id"], "gid://shopify/Location/1", 1),
        "INVALID_NAME": _set(client, item["id"], location, 1, name="committed"),
        "INVALID_QUANTITY_TOO_HIGH": _set(client, item["id"], location, 2_000_000_000),
    }
    for code, result in codes.items():
        assert code in [e["code"] for e in result["userErrors"]], (code, result)
    missing = client.data(
        docs.INVENTORY_SET,
        {
            "key": str(uuid.uuid4()),
            "input": {
                "name": "available",
                "reason": "correction",
                "quantities": [{"inventoryItemId": item["id"], "locationId": location, "quantity": 1}],
            },
        },
    )
    assert missing["inventorySetQuantities"]["userErrors"][0]["code"] == "COMPARE_QUANTITY_REQUIRED"
    locations = [loc["id"] for loc in sandbox.state.table("Location").values()]
    item = next(i for i in sandbox.state.table("InventoryItem").values() if 0 < len(i["_levels"]) < len(locations))
    unstocked = next(loc for loc in locations if loc not in item["_levels"])
    result = _set(client, item["id"], unstocked, 1)
    assert result["userErrors"][0]["code"] == "ITEM_NOT_STOCKED_AT_LOCATION"
    activated = client.data(
        docs.INVENTORY_ACTIVATE, {"item": item["id"], "location": unstocked, "available": 3, "key": str(uuid.uuid4())}
    )["inventoryActivate"]
    assert activated["inventoryLevel"]["quantities"][0]["quantity"] == 3
    assert _set(client, item["id"], unstocked, 4)["userErrors"] == []
