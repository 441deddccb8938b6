"""``batch-post-sales-orders`` (BC 296) and ``batch-post-sales-invoices`` (BC 297).

    ws.run("batch-post-sales-orders", shop="DEMO", status="released")             # ship and invoice
    ws.run("batch-post-sales-orders", shop="DEMO", shopify_order_no="#1001", invoice=False)   # ship only
    ws.run("batch-post-sales-invoices", shop="DEMO", posting_date="2026-11-30", dry_run=True)

The unposted documents of the shop's Shopify orders that pass the filters (document no., Shopify order
no., status, document date up to) are posted one by one by the ERP's posting engine, each in its own
savepoint of a transaction shared by a few hundred documents, with the given posting date (BC's
"Replace Posting Date") or the document's. A document that
cannot post keeps the reason in its ``posting_error``, is written to the skipped-record log, and the batch
goes on (counted ``failed``); the others count as ``posted``. Posted documents are never taken again, so
a second run posts nothing. ``dry_run`` returns the documents it would post.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select

from shopops.erp import Erp
from shopops.store import tables as t
from shopops.sync import state
from shopops.sync.context import RunContext
from shopops.sync.orders.freshness import Held, held_orders
from shopops.sync.registry import Param, report_spec

SH = t.erp_sales_header
DRY_COLUMNS = ["document_type", "document_no", "status", "shopify_order_no", "posting_date", "posting_error"]
FILTERS = {
    "document_no": Param(str, doc="only these document nos. (comma-separated)"),
    "shopify_order_no": Param(str, doc="only the documents of these Shopify orders (comma-separated, e.g. #1001)"),
    "status": Param(str, choices=("open", "released"), doc="only documents with this status"),
    "document_date_to": Param(dt.date, doc="only documents dated on or before this day"),
    "posting_date": Param(dt.date, doc="post with this date instead of each document's (BC: Replace Posting Date)"),
}
ORDER_PARAMS = {
    **FILTERS,
    "ship": Param(bool, default=True, doc="post the shipment"),
    "invoice": Param(bool, default=True, doc="post the invoice"),
}


def _csv(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").split(",") if x.strip()]


def select_documents(ctx: RunContext, document_type: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The unposted documents of the type that pass the filters, in document no. order."""
    query = select(
        SH.c.no, SH.c.status, SH.c.shopify_order_id, SH.c.shopify_order_no, SH.c.posting_date, SH.c.posting_error
    ).where(SH.c.document_type == document_type, SH.c.posted.is_(False))
    if ctx.shop is not None:
        query = query.where(SH.c.shop_code == ctx.shop.code)
    if params.get("document_no"):
        query = query.where(SH.c.no.in_([x.upper() for x in _csv(params["document_no"])]))
    if params.get("shopify_order_no"):
        query = query.where(SH.c.shopify_order_no.in_(_csv(params["shopify_order_no"])))
    if params.get("status"):
        query = query.where(SH.c.status == params["status"])
    if params.get("document_date_to"):
        query = query.where(SH.c.document_date <= params["document_date_to"])
    with ctx.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query.order_by(SH.c.no)).mappings()]


def _held(ctx: RunContext, docs: list[dict[str, Any]]) -> dict[int, Held]:
    """The Shopify orders of ``docs`` cancelled or changed in Shopify since sync-orders read them."""
    order_ids = [d["shopify_order_id"] for d in docs if d["shopify_order_id"]]
    if ctx.shop is None or not order_ids:
        return {}
    return held_orders(ctx.client, ctx.engine, ctx.shop.code, order_ids, "posted")


def post_documents(ctx: RunContext, document_type: str, params: dict[str, Any]) -> pd.DataFrame | None:
    """Post the selected documents one by one; failures are kept on the document and the batch goes on."""
    docs = select_documents(ctx, document_type, params)
    ctx.stats["read"] += len(docs)
    erp = Erp(ctx.engine)
    held = _held(ctx, docs)
    if ctx.dry_run:
        rows = [
            {"document_type": document_type, "document_no": d["no"], **d}
            | (
                {"status": "held", "posting_error": held[d["shopify_order_id"]].reason}
                if d["shopify_order_id"] in held
                else {}
            )
            for d in docs
        ]
        return pd.DataFrame(rows, columns=DRY_COLUMNS)
    shop = ctx.shop.code if ctx.shop else None
    for d in docs:
        why = held.get(d["shopify_order_id"])
        if why is not None:
            erp.posting.hold(document_type, d["no"], why.reason)
            ctx.stats["held"] += 1
            ctx.log.warning("%s %s held: %s", document_type, d["no"], why.reason)
            state.record_skip(ctx.engine, shop, ctx.report, f"sales_{document_type}", str(d["no"]), why.reason)
    ship, invoice = bool(params.get("ship", True)), bool(params.get("invoice", True))
    results = erp.posting.post_batch(
        document_type,
        [d["no"] for d in docs if d["shopify_order_id"] not in held],
        ship=ship,
        invoice=invoice,
        posting_date=params.get("posting_date"),
        progress=lambda done, total, message: ctx.progress(done, total, message),
    )
    for row in results.itertuples(index=False):
        if row.status == "posted":
            ctx.stats["posted"] += 1
            continue
        ctx.stats["failed"] += 1
        ctx.log.warning("%s %s did not post: %s", row.document_type, row.document_no, row.error)
        state.record_skip(ctx.engine, shop, ctx.report, f"sales_{document_type}", str(row.document_no), str(row.error))
    return None


@report_spec("batch-post-sales-orders", bc_id=296, params=ORDER_PARAMS)
def batch_post_sales_orders(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Ship and invoice the shop's unposted sales orders, each document on its own; failures are kept."""
    return post_documents(ctx, "order", params)


@report_spec("batch-post-sales-invoices", bc_id=297, params=FILTERS)
def batch_post_sales_invoices(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Post the shop's unposted sales invoices, each document on its own; failures are kept."""
    return post_documents(ctx, "invoice", params)
