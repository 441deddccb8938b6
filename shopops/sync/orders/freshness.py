"""Is an order still what the mirror says? One cheap, batched read before work that cannot be undone.

Posting a document and creating a fulfillment act on the order as sync-orders last read it. An order
cancelled in Shopify since then, or whose lines or total changed (an edit, a refund), must not be posted
or fulfilled on that stale picture: it is held with the reason, for a person, or for the next sync-orders
to bring the mirror up to date (then it goes through on the next run). Our own fulfillments change
neither the quantities nor the total, so they never hold an order back.

Cost: the ids go in the ``query:`` search (``id:1 OR id:2 ...``), 50 orders a call, about one API point
an order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from shopops.shopify import operations
from shopops.store import tables as t
from shopops.sync.values import amount, shopify_id, when

#: Orders asked for in one call (the search text stays well under Shopify's query length).
IDS_PER_CALL = 50


@dataclass(frozen=True)
class Held:
    """Why an order is held back, and whether only a person can clear it (a cancellation)."""

    order_id: int
    reason: str
    cancelled: bool = False


def _mirror(engine: Engine, shop: str, order_ids: list[int]) -> dict[int, dict[str, Any]]:
    o = t.shopify_order
    query = select(o.c.id, o.c.cancelled_at, o.c.current_total_quantity, o.c.current_total_amount).where(
        o.c.shop_code == shop, o.c.id.in_(order_ids)
    )
    with engine.connect() as conn:
        return {int(r["id"]): dict(r) for r in conn.execute(query).mappings()}


def _why(mirror: dict[str, Any], now: dict[str, Any] | None, action: str) -> Held | None:
    order_id = int(mirror["id"])
    if now is None:
        return Held(order_id, f"the order no longer exists in Shopify; not {action}", cancelled=True)
    if now.get("cancelledAt"):
        return Held(
            order_id,
            f"cancelled in Shopify at {when(now['cancelledAt'])}; not {action}. Reverse or delete the document by hand",
            cancelled=True,
        )
    changes = []
    quantity = now.get("currentSubtotalLineItemsQuantity")
    if mirror.get("current_total_quantity") is not None and quantity != mirror["current_total_quantity"]:
        changes.append(f"its quantity is {quantity}, the mirror has {mirror['current_total_quantity']}")
    total = amount(((now.get("currentTotalPriceSet") or {}).get("shopMoney") or {}).get("amount"))
    if mirror.get("current_total_amount") is not None and total != Decimal(mirror["current_total_amount"]):
        changes.append(f"its total is {total}, the mirror has {Decimal(mirror['current_total_amount'])}")
    if not changes:
        return None
    return Held(
        order_id,
        f"changed in Shopify since sync-orders read it ({'; '.join(changes)}); not {action}. "
        "Run sync-orders: it brings the order up to date, or marks the conflict for a person to resolve",
    )


def held_orders(client: Any, engine: Engine, shop: str, order_ids: Iterable[int], action: str) -> dict[int, Held]:
    """The orders among ``order_ids`` to hold back, by id, each with its reason (``action`` names what is
    not done: "posted", "fulfilled"). One call per 50 orders."""
    ids = sorted({int(x) for x in order_ids if x})
    held: dict[int, Held] = {}
    document = operations.load("SyncOrderStates")
    for start in range(0, len(ids), IDS_PER_CALL):
        chunk = ids[start : start + IDS_PER_CALL]
        search = " OR ".join(f"id:{x}" for x in chunk)
        data = client.execute(document, {"first": len(chunk), "query": search})
        found = {shopify_id(node["id"]): node for node in (data.get("orders") or {}).get("nodes") or []}
        mirror = _mirror(engine, shop, chunk)
        for order_id in chunk:
            why = _why(mirror.get(order_id) or {"id": order_id}, found.get(order_id), action)
            if why is not None:
                held[order_id] = why
    return held
