"""Bulk reads (backlogs): one bulk query per window of ``updated_at``, several at once, resumable.

A bulk query costs a few points to start and a point a poll, whatever it returns, so a backlog of thousands
of orders is read for almost nothing of the shop's API budget (Singer's tap-shopify and Airbyte read this
way). Per read:

1. **Windows.** The range from the cursor to now is cut, by halving, into windows that ``ordersCount`` says
   hold at most ``window_orders`` orders each, so a sale day gets narrow windows and a quiet month one.
   Each window is a row of ``bulk_read_window``; the last one is open-ended, so nothing updated while the
   read runs falls between two runs.
2. **Operations.** A window takes two bulk queries: ``SyncBulkOrders`` (the orders with lines, shipping
   lines, transactions, refunds and fulfillment orders: the five connections a bulk query may hold) and
   ``SyncBulkOrderRefunds`` (the refunds' lines and shipping lines). Up to ``parallel`` run at once
   (Shopify allows five per shop since API 2026-01); a start refused because the shop's limit is reached
   (other apps' or earlier runs' operations) waits until one of ours ends. Each operation's id is saved
   the moment Shopify gives it, so a run killed while it ran resumes that operation (reads its result)
   instead of starting over. A shop that refuses the refunds query (a connection inside a list) gets its
   refunds' lines read with normal queries instead.
3. **Results.** A finished window's JSONL is streamed and joined parent to child through a temporary SQLite
   file (``BulkResult.objects``), so memory stays flat in the number of windows; orders are handed on in
   chunks, in the shape a normal query answers, and the window is marked read.

    windows = plan(engine, client, "DEMO", base="", start=cursor, cursor_to=now) or pending(engine, "DEMO")
    summary = read(engine, client, "DEMO", windows, on_orders=write_chunk)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from shopops.shopify import operations
from shopops.shopify.bulk import BUSY_CODES, FINISHED, BulkResult, BulkRunner, gid_type
from shopops.shopify.bulk_query import bulk_query
from shopops.shopify.errors import BulkOperationError
from shopops.store import tables as t
from shopops.store.types import utcnow

WINDOWS = t.bulk_read_window
KIND = "orders"
#: Orders a window holds at most (a bulk query over ~10,000 orders takes a few minutes on Shopify).
WINDOW_ORDERS = 10_000
#: Bulk queries run at once at most (Shopify's limit per shop since API 2026-01).
PARALLEL = 5
#: A window is not cut below this span, however many orders it holds.
MIN_SPAN = dt.timedelta(seconds=2)
#: Orders handed on at a time.
CHUNK = 200
#: Seconds between polls of the running operations, at first and at most.
POLL_S = 0.5
POLL_MAX_S = 5.0
#: Give up waiting after this long.
TIMEOUT_S = 6 * 3600.0
#: The bulk queries of a window, by part.
PARTS = {"orders": "SyncBulkOrders", "refunds": "SyncBulkOrderRefunds"}
#: How the joined objects' children are named (by the type in their gid).
CHILDREN = {
    "LineItem": "lineItems",
    "ShippingLine": "shippingLines",
    "FulfillmentOrder": "fulfillmentOrders",
    "FulfillmentOrderLineItem": "lineItems",
}


@dataclass
class BulkSummary:
    """What a bulk read did: its operations (id -> objects) and the orders it handed on."""

    operations: dict[str, int] = field(default_factory=dict)
    orders: int = 0
    windows: int = 0
    resumed: list[str] = field(default_factory=list)
    refused: str | None = None

    @property
    def objects(self) -> int:
        """Objects (JSONL lines) the operations returned."""
        return sum(self.operations.values())


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_search(base: str, start: dt.datetime | None, end: dt.datetime | None) -> str:
    """The search of one window: ``base`` plus ``updated_at`` from ``start`` (inclusive) to ``end`` (exclusive)."""
    parts = [base] if base else []
    if start is not None:
        parts.append(f"updated_at:>='{_stamp(start)}'")
    if end is not None:
        parts.append(f"updated_at:<'{_stamp(end)}'")
    return " ".join(parts)


def count(client: Any, search: str, limit: int) -> int:
    """Orders matching ``search`` (at most ``limit``; Shopify's count stops there)."""
    data = client.execute(operations.load("SyncOrdersCount"), {"query": search, "limit": limit})
    return int((data.get("ordersCount") or {}).get("count") or 0)


def _oldest(client: Any, base: str) -> dt.datetime | None:
    """The earliest ``updatedAt`` among the orders ``base`` matches (where the first window starts)."""
    data = client.execute(operations.load("SyncOrdersToImport"), {"first": 1, "query": base or None})
    nodes = data["orders"]["nodes"]
    if not nodes:
        return None
    return dt.datetime.fromisoformat(nodes[0]["updatedAt"].replace("Z", "+00:00")).replace(microsecond=0)


def _cut(
    client: Any, base: str, start: dt.datetime, end: dt.datetime | None, stop: dt.datetime, target: int
) -> Iterator[tuple[dt.datetime, dt.datetime | None, int]]:
    """Windows from ``start`` to ``end`` (None: open) of at most ``target`` orders, halving at ``stop``'s scale."""
    todo: list[tuple[dt.datetime, dt.datetime | None]] = [(start, end)]
    while todo:
        a, b = todo.pop(0)
        n = count(client, window_search(base, a, b), target + 1)
        upper = b or stop
        if n <= target or upper - a <= MIN_SPAN:
            if n:
                yield a, b, n
            continue
        middle = (a + (upper - a) / 2).replace(microsecond=0)
        todo[:0] = [(a, middle), (middle, b)]


def plan(
    engine: Engine,
    client: Any,
    shop: str,
    *,
    base: str,
    start: dt.datetime | None,
    cursor_to: dt.datetime,
    window_orders: int = WINDOW_ORDERS,
) -> list[dict[str, Any]]:
    """Cut the backlog into windows and save them; the saved rows (none when nothing matches)."""
    first = start.replace(microsecond=0) if start is not None else _oldest(client, base)
    if first is None:
        return []
    now = utcnow()
    rows = [
        {
            "shop_code": shop,
            "kind": KIND,
            "part": part,
            "search": window_search(base, a, b),
            "window_from": a,
            "window_to": b or cursor_to,
            "expected": n,
            "cursor_to": cursor_to,
            "status": "planned",
            "created_at": now,
        }
        for a, b, n in _cut(client, base, first, None, cursor_to, window_orders)
        for part in PARTS
    ]
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(WINDOWS), rows)
    return pending(engine, shop)


def pending(engine: Engine, shop: str) -> list[dict[str, Any]]:
    """The saved windows of a bulk read not yet finished (a killed run's), in order."""
    with engine.connect() as conn:
        query = select(WINDOWS).where(WINDOWS.c.shop_code == shop, WINDOWS.c.kind == KIND).order_by(WINDOWS.c.id)
        return [dict(r) for r in conn.execute(query).mappings()]


def finish(engine: Engine, shop: str) -> None:
    """Forget a bulk read once every window of it is read (the caller saves the cursor)."""
    with engine.begin() as conn:
        conn.execute(delete(WINDOWS).where(WINDOWS.c.shop_code == shop, WINDOWS.c.kind == KIND))


def _save(engine: Engine, window_id: int, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(WINDOWS).where(WINDOWS.c.id == window_id).values(**values))


class Refused(Exception):
    """Shopify refused a bulk query for what it asks (not because others are running)."""


def _start(client: Any, part: str, search: str, sleep: Callable[[float], None] = time.sleep) -> str | None:
    """Start one bulk query of a window; None when the shop's limit of running bulk queries is reached.
    (A start whose answer was lost is found among the running operations, or sent again: ``send_query``.)"""
    text = bulk_query(operations.load(PARTS[part]), search=search)
    payload = BulkRunner(client, sleep=sleep).send_query(text)
    errors = payload.get("userErrors") or []
    if not errors and payload.get("bulkOperation"):
        return str(payload["bulkOperation"]["id"])
    if {e.get("code") for e in errors} & BUSY_CODES:
        return None
    raise Refused("; ".join(str(e.get("message")) for e in errors) or "no bulk operation returned")


def _shape(order: dict[str, Any]) -> dict[str, Any]:
    """A joined bulk object in the shape a normal query answers (connections as complete ``nodes`` lists)."""

    def connection(items: list[Any] | None) -> dict[str, Any]:
        return {"nodes": list(items or []), "pageInfo": {"hasNextPage": False, "endCursor": None}}

    for name in ("lineItems", "shippingLines"):
        order[name] = connection(order.get(name))
    fos = order.get("fulfillmentOrders") or []
    for fo in fos:
        fo["lineItems"] = connection(fo.get("lineItems"))
    order["fulfillmentOrders"] = connection(fos)
    return order


def _status(client: Any, operation_id: str) -> dict[str, Any] | None:
    try:
        return dict(client.bulk.status(operation_id))
    except BulkOperationError:
        return None


def read(
    engine: Engine,
    client: Any,
    shop: str,
    windows: list[dict[str, Any]],
    *,
    on_orders: Callable[[list[dict[str, Any]]], None],
    parallel: int = PARALLEL,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = TIMEOUT_S,
) -> BulkSummary:
    """Run the windows' bulk queries (resuming saved operations) and hand their orders on in chunks."""
    summary = BulkSummary()
    todo = [w for w in windows if w["status"] != "read"]
    running: dict[int, str] = {}
    for w in todo:  # a killed run's operations: read them if Shopify still has them
        if w["status"] == "running" and w["operation_id"]:
            node = _status(client, w["operation_id"])
            if node is not None and node.get("status") in ("CREATED", "RUNNING", "COMPLETED"):
                running[w["id"]] = w["operation_id"]
                summary.resumed.append(w["operation_id"])
    planned = [w for w in todo if w["id"] not in running and w["status"] != "refused"]
    by_id = {w["id"]: w for w in todo}
    finished: dict[int, BulkResult | None] = {w["id"]: None for w in todo if w["status"] == "refused"}
    deadline = time.monotonic() + timeout
    pause = POLL_S
    while planned or running:
        while planned and len(running) < parallel:
            window = planned[0]
            try:
                operation_id = _start(client, window["part"], window["search"], sleep)
            except Refused as exc:
                if window["part"] != "refunds":
                    raise BulkOperationError(f"The bulk read of orders did not start: {exc}.") from None
                planned.pop(0)  # the refunds' lines are read with normal queries instead
                finished[window["id"]] = None
                _save(engine, window["id"], status="refused")
                summary.refused = str(exc)
                continue
            if operation_id is None:
                break  # the shop's limit: wait for a running one
            planned.pop(0)
            running[window["id"]] = operation_id
            _save(engine, window["id"], operation_id=operation_id, status="running")
        progressed = False
        for window_id, operation_id in list(running.items()):
            node = _status(client, operation_id)
            if node is None or node.get("status") not in FINISHED:
                continue
            del running[window_id]
            progressed = True
            if node["status"] != "COMPLETED":
                # expired or failed (a timeout on a dense window): read it again from the start
                _save(engine, window_id, operation_id=None, status="planned")
                planned.insert(0, by_id[window_id])
                if node["status"] == "FAILED" and node.get("errorCode") not in (None, "TIMEOUT"):
                    raise BulkOperationError(
                        f"The bulk read of orders failed ({node.get('errorCode')}); operation {operation_id}.",
                        operation_id=operation_id,
                    )
                continue
            finished[window_id] = BulkResult.from_node(node, client.stream_lines)
        for group in _complete_windows(todo, finished):
            _take_window(engine, group, finished, on_orders, summary)
            progressed = True
        if not (planned or running):
            break
        if time.monotonic() > deadline:
            raise BulkOperationError("Gave up waiting for the bulk read of orders; run sync-orders again to resume it.")
        pause = POLL_S if progressed else min(POLL_MAX_S, pause * 1.5)
        sleep(pause)
    for group in _complete_windows(todo, finished):
        _take_window(engine, group, finished, on_orders, summary)
    return summary


def _complete_windows(todo: list[dict[str, Any]], finished: dict[int, BulkResult | None]) -> list[list[dict[str, Any]]]:
    """The windows whose every part is finished (or refused) and not yet handed on; they leave ``todo``."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for w in todo:
        groups.setdefault(w["search"], []).append(w)
    ready = [g for g in groups.values() if all(w["id"] in finished for w in g)]
    for group in ready:
        for w in group:
            todo.remove(w)
    return ready


def _take_window(
    engine: Engine,
    group: list[dict[str, Any]],
    finished: dict[int, BulkResult | None],
    on_orders: Callable[[list[dict[str, Any]]], None],
    summary: BulkSummary,
) -> None:
    """Hand on one window's orders, their refunds' lines attached, and mark its parts read."""
    parts = {w["part"]: finished.pop(w["id"]) for w in group}
    refunds_result = parts.get("refunds")
    refunds = _refund_children(refunds_result) if refunds_result is not None else None
    orders_result = parts["orders"]
    assert orders_result is not None
    orders = _hand_on(orders_result, on_orders, refunds)
    summary.orders += orders
    summary.windows += 1
    for w in group:
        result = parts[w["part"]]
        if result is not None:
            summary.operations[result.id] = result.object_count
        status = "refused" if result is None else "read"
        objects = result.object_count if result is not None else None
        _save(engine, w["id"], status=status, objects=objects, orders=orders, read_at=utcnow())


def _refund_children(result: BulkResult) -> dict[str, dict[str, Any]]:
    """Refund id -> its ``refundLineItems`` and ``refundShippingLines`` connections, from the refunds query.

    The lines come on their own JSONL lines under the refund's sales agreement (``__parentId``: the
    agreement, the nearest connection node; the refund's own id is taken as well); held per window, a few
    lines an order."""
    refund_of: dict[str, str] = {}
    lines: list[tuple[str, str, dict[str, Any]]] = []
    names = {"RefundLineItem": "refundLineItems", "RefundShippingLine": "refundShippingLines"}
    for record in result.lines():
        parent = record.pop("__parentId", None)
        refund = record.get("refund")
        if isinstance(refund, dict) and refund.get("id"):  # an agreement: which refund it is
            refund_of[str(record["id"])] = str(refund["id"])
        key = names.get(gid_type(str(record.get("id") or "")))
        if key is not None and parent is not None:
            lines.append((str(parent), key, record))
    out: dict[str, dict[str, Any]] = {rid: {} for rid in refund_of.values()}
    for parent, key, record in lines:
        rid = refund_of.get(parent, parent)
        out.setdefault(rid, {}).setdefault(key, []).append(record)
    done = {"hasNextPage": False, "endCursor": None}
    return {
        rid: {k: {"nodes": parts.get(k, []), "pageInfo": done} for k in ("refundLineItems", "refundShippingLines")}
        for rid, parts in out.items()
    }


def _hand_on(
    result: BulkResult,
    on_orders: Callable[[list[dict[str, Any]]], None],
    refunds: dict[str, dict[str, Any]] | None,
) -> int:
    chunk: list[dict[str, Any]] = []
    handed = 0
    for order in result.objects(children=CHILDREN):
        for refund in order.get("refunds") or []:
            if refunds is not None and refund["id"] in refunds:
                refund.update(refunds[refund["id"]])
        chunk.append(_shape(order))
        if len(chunk) >= CHUNK:
            on_orders(chunk)
            handed += len(chunk)
            chunk = []
    if chunk:
        on_orders(chunk)
        handed += len(chunk)
    return handed
