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

``dry_run`` reads the same pages and orders and returns a DataFrame of what would change; it writes
nothing, not even staging or the cursor.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pandas as pd
from sqlalchemy.exc import DBAPIError, OperationalError

from shopops.shopify import operations
from shopops.shopify.errors import AccessDeniedError, AuthenticationError, ConfigurationError, ForbiddenError
from shopops.store.types import utcnow
from shopops.sync import state
from shopops.sync.context import RunContext
from shopops.sync.orders import mirror
from shopops.sync.orders.fetch import fetch_order
from shopops.sync.orders.filters import OrderFilters
from shopops.sync.orders.mirror import reset_order_cursor
from shopops.sync.orders.parse import order_gid, parse_order, staging_row
from shopops.sync.registry import REGISTRY, Param, report_spec

__all__ = ["CREATE_DOCUMENTS_REPORT", "reset_order_cursor", "sync_orders"]

#: The report the hook hands new orders to (built elsewhere; skipped when it is not registered).
CREATE_DOCUMENTS_REPORT = "create-sales-documents"
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
    "page_size": Param(int, default=25, doc="orders per staging page (BC reads 25)"),
}


def _query(cursor: Any) -> str:
    if cursor is None:
        return "status:open"
    return f"updated_at:>'{cursor.strftime('%Y-%m-%dT%H:%M:%SZ')}'"


def _stage(ctx: RunContext, shop: str, page_size: int, dry: list[dict[str, Any]] | None) -> None:
    """Page the orders updated since the cursor into staging (or into ``dry`` for a dry run)."""
    cursor = state.get_cursor(ctx.engine, shop, mirror.CURSOR_KIND)
    new_cursor = utcnow()  # taken before paging
    variables = {"first": page_size, "query": _query(cursor)}
    for page in ctx.client.pages(operations.load("SyncOrdersToImport"), variables, path=("orders",)):
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


def _import_one(ctx: RunContext, shop: str, row: dict[str, Any], refund_process: str) -> dict[str, Any]:
    """Read one staged order in full and write it (or plan it, dry); returns the change row."""
    change: dict[str, Any] = {"order_id": row["order_id"], "order_no": row.get("order_no")}
    raw = fetch_order(ctx.client, order_gid(row["order_id"]))  # no transaction is open here
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
    sub = dataclasses.replace(ctx, report=spec.name, stats=Counter(), params={"order_ids": order_ids})
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
    dry: list[dict[str, Any]] | None = [] if ctx.dry_run else None
    _stage(ctx, shop, int(params.get("page_size") or 25), dry)

    candidates = list(mirror.staged_rows(ctx.engine, shop))
    if dry is not None:  # a dry run also shows what earlier runs left staged
        seen = {r["order_id"] for r in candidates}
        candidates += [r for r in dry if r["order_id"] not in seen]
    candidates = [r for r in candidates if filters.matches(r)]
    changes: list[dict[str, Any]] = []
    created: list[int] = []
    for done, row in enumerate(candidates, start=1):
        try:
            change = _import_one(ctx, shop, row, settings.return_refund_process)
        except SYSTEMIC:
            raise
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            change = _failed(ctx, row, exc)
        except Exception as exc:
            change = _failed(ctx, row, exc)
        else:
            _count(ctx, change["action"])
            if change["action"] == "new":
                created.append(row["order_id"])
        changes.append(change)
        ctx.progress(done, len(candidates), f"order {row.get('order_no')}: {change['action']}")
    _create_documents(ctx, created)
    if dry is not None:
        return pd.DataFrame(changes, columns=CHANGE_COLUMNS)
    return None


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
