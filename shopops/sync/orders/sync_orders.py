"""``sync-orders`` (BC 30104): Shopify orders updated since the cursor -> staging -> the order mirror.

    ws.run("sync-orders", shop="DEMO")                            # every staged order
    ws.run("sync-orders", shop="DEMO", financial_status="paid", dry_run=True)   # what would change
    reset_order_cursor(ws, "DEMO", datetime(2026, 11, 1, tzinfo=UTC))          # re-read from a date

Per run, as BC does it:

1. **Staging.** The cursor is taken before paging (``now``). Without a cursor only open orders are read;
   afterwards every order updated since it. Each page is written to "orders to import" in one short
   transaction (an update, or a new order that is not closed), and the cursor is saved after the last page.
2. **Import.** Every staging row of the shop that passes the request filters is read in full (header,
   every page of lines, shipping, tax, transactions, fulfillment orders, refunds) and written to the mirror
   in one transaction; the staging row is then deleted. A failure marks the staging row (``has_error``,
   ``error_message``) and the skipped-record log; the row stays for the next run and the run goes on.
3. **Conflicts.** A processed order (it has a sales document) that changed in a way the document no
   longer matches is marked ``has_conflict`` with the reason (see :mod:`shopops.sync.orders.conflicts`).
4. **Sales documents.** With ``auto_create_orders`` on the shop card, the newly imported orders are handed
   to the ``create-sales-documents`` report when one is registered.

**Webhooks.** With ``from_webhooks`` (what the receiver, ``shopops.webhooks``, queues) a run claims the
shop's pending webhook events and reads just the orders they named, in batches, through the same import;
the cursor stays. With a webhook address on the shop card, the other runs reconcile: they read from the
cursor less ``reconcile_overlap_days`` and count the changed orders no event had announced
(``missed_by_webhooks``).

``dry_run`` reads the same pages and orders and returns a DataFrame of what would change; it writes
nothing, not even staging or the cursor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pandas as pd
from sqlalchemy.exc import DBAPIError, OperationalError

from shopops.shopify import operations
from shopops.shopify.errors import AccessDeniedError, AuthenticationError, ConfigurationError, ForbiddenError
from shopops.shopify.query_cost import largest_first
from shopops.store.types import utcnow
from shopops.sync import state
from shopops.sync.context import RunContext
from shopops.sync.orders import batched, bulk_windows, mirror, read_path, webhook_events
from shopops.sync.orders.fetch import add_refund_lines, fetch_order
from shopops.sync.orders.filters import OrderFilters
from shopops.sync.orders.mirror import reset_order_cursor
from shopops.sync.orders.parse import order_gid, parse_order, staging_row
from shopops.sync.registry import REGISTRY, Param, report_spec

__all__ = ["CREATE_DOCUMENTS_REPORT", "reset_order_cursor", "sync_orders"]

#: The report the hook hands new orders to (built elsewhere; skipped when it is not registered).
CREATE_DOCUMENTS_REPORT = "create-sales-documents"
#: Orders a webhook run writes per transaction: short ones, so the receiver's writes never wait long.
WEBHOOK_CHUNK = 10
#: Errors that are the shop's or the database's, not one order's: they fail the run.
SYSTEMIC = (AuthenticationError, ForbiddenError, AccessDeniedError, ConfigurationError, OperationalError)
CHANGE_COLUMNS = [
    "order_id",
    "order_no",
    "action",
    "financial_status",
    "fulfillment_status",
    "total_amount",
    "currency_code",
    "conflict_reason",
    "message",
]

PARAMS = {
    "financial_status": Param(str, doc="only orders with these financial statuses (comma-separated, e.g. paid)"),
    "fulfillment_status": Param(str, doc="only these fulfillment statuses (comma-separated, e.g. unfulfilled)"),
    "fully_paid": Param(bool, doc="only fully paid (true) or not fully paid (false) orders"),
    "tag": Param(str, doc="only orders carrying one of these tags (comma-separated)"),
    "channel": Param(str, doc="only orders from these channels / source names (comma-separated, e.g. web,pos)"),
    "high_risk": Param(bool, doc="only high-risk (true) or not high-risk (false) orders"),
    "country": Param(str, doc="only orders shipped (else billed) to these ISO countries (comma-separated)"),
    "order_no": Param(str, doc="only these orders by name (comma-separated, e.g. #1001,#1002)"),
    "page_size": Param(int, default=25, doc="orders per staging page (BC reads 25; at most what costs < 1,000)"),
    "from_webhooks": Param(
        bool,
        doc="read just the orders webhook events named since the last such run (the receiver queues this; "
        "the cursor stays where it is)",
    ),
    "read_path": Param(
        str,
        choices=("auto", *read_path.PATHS),
        doc="read orders batched, bulk or per_order (the shop card's order_read when not given; auto by cost)",
    ),
}


def _query(cursor: Any) -> str:
    if cursor is None:
        return "status:open"
    return f"updated_at:>'{cursor.strftime('%Y-%m-%dT%H:%M:%SZ')}'"


def _since(ctx: RunContext, shop: str) -> Any:
    """Where the read starts: the cursor, or, when the shop's webhooks bring changes and this run reconciles,
    the overlap before it (OCA reads 2 days back), so a change whose webhook was lost is read again."""
    cursor = state.get_cursor(ctx.engine, shop, mirror.CURSOR_KIND)
    if cursor is not None and _reconciles(ctx):
        assert ctx.shop is not None
        cursor -= dt.timedelta(days=ctx.shop.settings.reconcile_overlap_days)
    return cursor


def _reconciles(ctx: RunContext) -> bool:
    return bool(ctx.shop and ctx.shop.settings.webhook_address and not ctx.params.get("from_webhooks"))


def _stage(ctx: RunContext, shop: str, page_size: int, dry: list[dict[str, Any]] | None) -> None:
    """Page the orders updated since the cursor into staging (or into ``dry`` for a dry run)."""
    cursor = _since(ctx, shop)
    new_cursor = utcnow()  # taken before paging
    document = operations.load("SyncOrdersToImport")
    fits = largest_first(document, {"query": ""})
    if page_size > fits:  # Shopify would refuse the page (MAX_COST_EXCEEDED): as large as fits instead
        ctx.log.info("sync-orders stages %d orders a page: %d would cost more than Shopify allows", fits, page_size)
    variables = {"first": min(page_size, fits), "query": _query(cursor)}
    for page in ctx.client.pages(document, variables, path=("orders",)):
        rows = [staging_row(node) for node in page.nodes]
        ctx.stats["read"] += len(rows)
        with ctx.engine.begin() as conn:  # one short transaction per page, after the call returned
            existing = mirror.header_ids(conn, shop, [r["order_id"] for r in rows])
            if dry is None:
                ctx.stats["staged"] += mirror.stage_rows(conn, shop, rows, existing)
        if dry is not None:
            dry.extend(
                {**r, "id": None, "import_action": "update" if r["order_id"] in existing else "new"}
                for r in rows
                if r["order_id"] in existing or not r["closed"]
            )
        ctx.progress(ctx.stats["read"], None, f"staging orders, page {page.number}")
    if dry is None:
        state.set_cursor(ctx.engine, shop, mirror.CURSOR_KIND, new_cursor)  # saved after the last page


def _import_raw(
    ctx: RunContext, shop: str, row: dict[str, Any], raw: dict[str, Any] | None, refund_process: str
) -> dict[str, Any]:
    """Write one order read in full (or plan it, dry); returns the change row."""
    change: dict[str, Any] = {"order_id": row["order_id"], "order_no": row.get("order_no")}
    if raw is None:
        change.update(action="gone", message="Shopify no longer has this order")
        return change
    data = parse_order(raw)
    change.update(
        financial_status=data.header["financial_status"],
        fulfillment_status=data.header["fulfillment_status"],
        total_amount=data.header["total_amount"],
        currency_code=data.header["currency_code"],
    )
    if ctx.dry_run:
        with ctx.engine.connect() as conn:
            action, reason = mirror.plan_order(conn, shop, data, refund_process)
    else:
        with ctx.engine.begin() as conn:
            action, reason = mirror.write_order(conn, shop, data, refund_process)
            if row.get("id") is not None:
                mirror.drop_staging(conn, row["id"])
    change.update(action=action, conflict_reason=reason if action == "conflict" else None)
    return change


def _reads(ctx: RunContext, path: str, rows: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any]]:
    """Each staged row with its order read in full, or with the exception its read raised."""
    by_id = {row["order_id"]: row for row in rows}
    pending = dict.fromkeys(by_id)  # in staging order
    while pending:
        if path == "batched":
            try:
                for order_id, raw in batched.read_orders(ctx.client, list(pending)):
                    del pending[order_id]
                    yield by_id[order_id], raw
                return
            except SYSTEMIC:
                raise
            except Exception as exc:  # a batch failed: its orders are read one by one, so only a bad one fails
                ctx.log.info("a batch of orders failed (%s); reading them one by one", exc)
        for order_id in list(pending)[: batched.batch_size() if path == "batched" else None]:
            del pending[order_id]
            try:
                yield by_id[order_id], fetch_order(ctx.client, order_gid(order_id))
            except SYSTEMIC:
                raise
            except Exception as exc:
                yield by_id[order_id], exc


def _unchanged(ctx: RunContext, shop: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop the staged orders whose ``updatedAt`` is the mirror's (nothing changed since they were read);
    the rest, still to read."""
    with ctx.engine.connect() as conn:
        stored = mirror.updated_ats(conn, shop, [r["order_id"] for r in rows])
    same = [r for r in rows if r["order_id"] in stored and r.get("order_updated_at") == stored[r["order_id"]]]
    if same and not ctx.dry_run:
        with ctx.engine.begin() as conn:
            for row in same:
                if row.get("id") is not None:
                    mirror.drop_staging(conn, row["id"])
    ctx.stats["unchanged"] += len(same)
    skip = {id(r) for r in same}
    return [r for r in rows if id(r) not in skip]


def _count(ctx: RunContext, action: str) -> None:
    ctx.stats[{"new": "created", "update": "updated", "conflict": "updated"}.get(action, action)] += 1
    if action == "conflict":
        ctx.stats["conflicts"] += 1


def _create_documents(ctx: RunContext, order_ids: list[int]) -> None:
    """The hook: hand new orders to ``create-sales-documents`` when the shop says so and it exists."""
    if ctx.dry_run or ctx.shop is None or not ctx.shop.settings.auto_create_orders:
        return
    if not order_ids and ctx.shop.settings.return_refund_process != "auto_create":
        return  # with auto_create, the report also turns refunds of processed orders into credit memos
    if CREATE_DOCUMENTS_REPORT not in REGISTRY:
        return
    spec = REGISTRY.get(CREATE_DOCUMENTS_REPORT)
    sub = dataclasses.replace(ctx, report=spec.name, stats=Counter(), notes={}, params={"order_ids": order_ids})
    spec.function(sub, {"order_ids": order_ids})
    for key, value in sub.stats.items():
        if isinstance(value, int | float):
            ctx.stats[f"sales_documents_{key}"] += value


@report_spec("sync-orders", bc_id=30104, params=PARAMS)
def sync_orders(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Shopify orders updated since the cursor -> staging -> order mirror (+ lines, shipping, tax,
    transactions, fulfillment orders, refunds); conflict detection; hands new orders to create-sales-documents."""
    if ctx.shop is None:
        raise ValueError("sync-orders needs a shop")
    shop, settings = ctx.shop.code, ctx.shop.settings
    filters = OrderFilters.from_params(params)
    created: list[int] = []
    if params.get("from_webhooks"):
        if ctx.dry_run:
            raise ValueError("from_webhooks reads what the receiver queued; a dry run cannot claim it")
        _from_webhooks(ctx, shop, filters, created)
        _create_documents(ctx, created)
        return None
    dry: list[dict[str, Any]] | None = [] if ctx.dry_run else None
    setting = str(params.get("read_path") or settings.order_read)
    saved = [] if ctx.dry_run else bulk_windows.pending(ctx.engine, shop)
    backlog = 0
    if not saved and setting == "auto" and not ctx.dry_run:
        backlog = _backlog(ctx, shop)
    status = getattr(getattr(ctx.client, "pacer", None), "status", None)
    chosen = read_path.choose(
        setting, settings.order_bulk_threshold, backlog, status.restore_rate if status else None, resuming=bool(saved)
    )
    if chosen.path == "bulk" and ctx.dry_run:
        chosen = read_path.ReadPath("batched", "a dry run reads in batches")
    ctx.notes["read_path"] = chosen.path
    ctx.log.info("sync-orders reads %s: %s", chosen.path, chosen.reason)

    changes: list[dict[str, Any]] = []
    changed: list[tuple[int, Any]] = []  # orders this run found changed: (id, updated_at)
    handled: set[int] = set()  # read by the bulk read: staged and imported (or failed) already
    if chosen.path == "bulk":  # what earlier runs left staged is then read in batches
        handled = _bulk(ctx, shop, filters, saved, created, changed)
    else:
        _stage(ctx, shop, int(params.get("page_size") or 25), dry)
    candidates = list(mirror.staged_rows(ctx.engine, shop))
    if dry is not None:  # a dry run also shows what earlier runs left staged
        seen = {r["order_id"] for r in candidates}
        candidates += [r for r in dry if r["order_id"] not in seen]
    candidates = [r for r in candidates if filters.matches(r) and r["order_id"] not in handled]
    how = "per_order" if chosen.path == "per_order" else "batched"
    if how == "batched":
        candidates = _unchanged(ctx, shop, candidates)
    changed.extend((r["order_id"], r.get("order_updated_at")) for r in candidates)
    for done, (row, raw) in enumerate(_reads(ctx, how, candidates), start=1):
        change = _apply(ctx, shop, row, raw, settings.return_refund_process, created)
        changes.append(change)
        ctx.progress(done, len(candidates), f"order {row.get('order_no')}: {change['action']}")
    read = sum(ctx.stats[k] for k in ("created", "updated", "unchanged", "failed", "gone"))
    if read:
        ctx.notes["points_per_order"] = round(ctx.api_cost() / read, 2)
    if _reconciles(ctx) and not ctx.dry_run:
        _count_missed(ctx, shop, changed)
    _create_documents(ctx, created)
    if dry is not None:
        return pd.DataFrame(changes, columns=CHANGE_COLUMNS)
    return None


def _count_missed(ctx: RunContext, shop: str, changed: list[tuple[int, Any]]) -> None:
    """Reconciliation's figure: the changed orders no webhook event had announced (``missed_by_webhooks``)."""
    missed = webhook_events.missed(ctx.engine, shop, changed)
    ctx.stats["missed_by_webhooks"] += len(missed)
    if missed:
        ctx.notes["missed_orders"] = ", ".join(str(i) for i in missed[:10]) + (" ..." if len(missed) > 10 else "")
        ctx.log.info("sync-orders found %d changed orders no webhook had announced", len(missed))
    assert ctx.shop is not None
    webhook_events.prune(ctx.engine, shop, dt.timedelta(days=ctx.shop.settings.reconcile_overlap_days))


def _from_webhooks(ctx: RunContext, shop: str, filters: OrderFilters, created: list[int]) -> None:
    """Read just the orders the shop's pending webhook events named, in batches, and import them as every
    read path does. The claimed events are released again when the run fails on the shop or the database."""
    token = uuid.uuid4().hex
    order_ids = webhook_events.claim(ctx.engine, shop, token)
    ctx.notes["read_path"] = "webhooks"
    ctx.stats["webhook_orders"] += len(order_ids)
    try:
        chunk: list[dict[str, Any]] = []
        for order_id, raw in _read_named(ctx, order_ids):
            if raw is None:
                ctx.stats["gone"] += 1
                continue
            chunk.append(raw)
            if len(chunk) >= WEBHOOK_CHUNK:
                _take(ctx, shop, filters, chunk, set(), created, [], refund_lines=False)
                chunk = []
            ctx.progress(ctx.stats["read"] + len(chunk), len(order_ids), f"order {order_id} read")
        _take(ctx, shop, filters, chunk, set(), created, [], refund_lines=False)
    except BaseException:
        webhook_events.release(ctx.engine, token)
        raise
    webhook_events.finish(ctx.engine, token)
    read = ctx.stats["read"]
    if read:
        ctx.notes["points_per_order"] = round(ctx.api_cost() / read, 2)


def _read_named(ctx: RunContext, order_ids: list[int]) -> Iterator[tuple[int, Any]]:
    """Each named order read in full (None when gone); a failed batch is read order by order, and an order
    that cannot be read is marked failed (the rest go on)."""
    pending = dict.fromkeys(order_ids)
    try:
        for order_id, raw in batched.read_orders(ctx.client, order_ids):
            del pending[order_id]
            yield order_id, raw
        return
    except SYSTEMIC:
        raise
    except Exception as exc:
        ctx.log.info("a batch of webhook orders failed (%s); reading them one by one", exc)
    for order_id in list(pending):
        try:
            yield order_id, fetch_order(ctx.client, order_gid(order_id))
        except SYSTEMIC:
            raise
        except Exception as exc:
            _failed(ctx, {"order_id": order_id}, exc)


def _backlog(ctx: RunContext, shop: str) -> int:
    """Orders updated since the cursor (Shopify's count): what a bulk read would read. (Orders left staged by
    earlier runs are read in batches on either path.)"""
    try:
        waiting = bulk_windows.count(ctx.client, _query(_since(ctx, shop)), bulk_windows.WINDOW_ORDERS)
    except SYSTEMIC:
        raise
    except Exception as exc:  # a shop that cannot count: read in batches, as before
        ctx.log.info("sync-orders could not count the backlog (%s); reading in batches", exc)
        return 0
    return waiting


def _apply(
    ctx: RunContext, shop: str, row: dict[str, Any], raw: Any, refund_process: str, created: list[int]
) -> dict[str, Any]:
    """Write one read order (or record its failure); counts it and returns the change row."""
    if isinstance(raw, Exception):
        if isinstance(raw, DBAPIError) and raw.connection_invalidated:
            raise raw
        return _failed(ctx, row, raw)
    try:
        change = _import_raw(ctx, shop, row, raw, refund_process)
    except SYSTEMIC:
        raise
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        return _failed(ctx, row, exc)
    except Exception as exc:
        return _failed(ctx, row, exc)
    _count(ctx, change["action"])
    if change["action"] == "new":
        created.append(row["order_id"])
    return change


def _insert_new(
    ctx: RunContext, shop: str, rows: list[dict[str, Any]], raws: dict[int, Any], created: list[int]
) -> bool:
    """Insert a chunk of new orders in one transaction; False (nothing written) when that fails, so that the
    caller writes them one by one and a bad order is marked while the rest go in."""
    if not rows:
        return True
    try:
        parsed = [parse_order(raws[row["order_id"]]) for row in rows]
        with ctx.engine.begin() as conn:
            mirror.insert_new_orders(conn, shop, parsed, [row["id"] for row in rows])
    except SYSTEMIC:
        raise
    except Exception as exc:
        ctx.log.info("a chunk of %d new orders went in one by one: %s", len(rows), exc)
        return False
    ctx.stats["created"] += len(rows)
    created.extend(row["order_id"] for row in rows)
    return True


def _bulk(
    ctx: RunContext,
    shop: str,
    filters: OrderFilters,
    saved: list[dict[str, Any]],
    created: list[int],
    changed: list[tuple[int, Any]],
) -> set[int]:
    """Read the backlog with bulk queries (or resume the saved ones); the cursor moves once all are read.
    Returns the ids of the orders it read."""
    handled: set[int] = set()
    windows = saved
    if not windows:
        cursor = _since(ctx, shop)
        base = "status:open" if cursor is None else ""
        windows = bulk_windows.plan(ctx.engine, ctx.client, shop, base=base, start=cursor, cursor_to=utcnow())
        if not windows:
            return handled

    def take(orders: list[dict[str, Any]]) -> None:
        _take(ctx, shop, filters, orders, handled, created, changed)
        ctx.progress(ctx.stats["read"], None, f"bulk read, {ctx.stats['read']} orders")

    summary = bulk_windows.read(ctx.engine, ctx.client, shop, windows, on_orders=take)
    state.set_cursor(ctx.engine, shop, mirror.CURSOR_KIND, windows[0]["cursor_to"])
    bulk_windows.finish(ctx.engine, shop)
    ctx.stats["bulk_objects"] += summary.objects
    ctx.stats["bulk_windows"] += summary.windows
    ctx.notes["bulk_operations"] = ", ".join(f"{op} ({n} objects)" for op, n in summary.operations.items())
    if summary.resumed:
        ctx.notes["bulk_resumed"] = ", ".join(summary.resumed)
    if summary.refused:
        refused = f"the shop refused the bulk query ({summary.refused})"
        ctx.notes["bulk_refund_lines"] = f"read with normal queries: {refused}"
    return handled


def _take(
    ctx: RunContext,
    shop: str,
    filters: OrderFilters,
    orders: list[dict[str, Any]],
    handled: set[int],
    created: list[int],
    changed: list[tuple[int, Any]],
    *,
    refund_lines: bool = True,
) -> None:
    """Stage a chunk of orders read in full (BC's rules, as the paged read stages them) and import those that
    pass the filters from the data at hand: a failure stays staged with its reason, as on every path.
    ``refund_lines``: the orders come from a bulk read, whose refunds still lack their lines."""
    if not orders:
        return
    refund_process = ctx.shop.settings.return_refund_process if ctx.shop else ""
    if refund_lines:
        add_refund_lines(ctx.client, [o for o in orders if o.get("refunds")])
    rows = [staging_row(o) for o in orders]
    ctx.stats["read"] += len(rows)
    by_order = {row["order_id"]: raw for row, raw in zip(rows, orders, strict=True)}
    handled.update(by_order)
    with ctx.engine.begin() as conn:
        stored = mirror.updated_ats(conn, shop, by_order)
        fresh = [r for r in rows if r["order_id"] not in stored or stored[r["order_id"]] != r["order_updated_at"]]
        ctx.stats["unchanged"] += len(rows) - len(fresh)  # read before (a resumed window, an old event)
        ctx.stats["staged"] += mirror.stage_rows(conn, shop, fresh, set(stored))
        staged = mirror.staging_ids(conn, shop, [r["order_id"] for r in fresh])
    changed.extend((r["order_id"], r["order_updated_at"]) for r in fresh)
    wanted = [{**r, "id": staged[r["order_id"]]} for r in fresh if r["order_id"] in staged and filters.matches(r)]
    new = [r for r in wanted if r["order_id"] not in stored]
    inserted = {r["order_id"] for r in new} if _insert_new(ctx, shop, new, by_order, created) else set()
    for row in wanted:  # updates (and new orders the chunk insert could not take) one by one
        if row["order_id"] not in inserted:
            _apply(ctx, shop, row, by_order[row["order_id"]], refund_process, created)


def _failed(ctx: RunContext, row: dict[str, Any], exc: Exception) -> dict[str, Any]:
    """Mark one order's failure on its staging row and in the skipped-record log; the run goes on."""
    message = f"{type(exc).__name__}: {exc}"[:2000]
    ctx.stats["failed"] += 1
    if not ctx.dry_run and row.get("id") is not None:
        mirror.mark_staging_error(ctx.engine, row["id"], message)
    ctx.log.warning("order %s failed: %s", row["order_id"], message)
    if not ctx.dry_run:  # the skipped-record log, as ctx.skip writes it, but counted as failed
        state.record_skip(
            ctx.engine, ctx.shop.code if ctx.shop else None, ctx.report, "order", row["order_id"], message
        )
    return {"order_id": row["order_id"], "order_no": row.get("order_no"), "action": "error", "message": message}
