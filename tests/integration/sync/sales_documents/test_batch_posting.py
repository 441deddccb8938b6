"""batch-post-sales-orders (296) and batch-post-sales-invoices (297) on documents made from sandbox orders,
on SQLite and PostgreSQL: each document on its own, a failing one keeps its error, filters, re-runs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from shopops.store import tables as t
from shopops.sync import state
from tests.integration.sync.sales_documents.shopify_orders import header

SH = t.erp_sales_header


def unposted(ws: Any, document_type: str) -> set[str]:
    query = sa.select(SH.c.no).where(SH.c.document_type == document_type, SH.c.posted.is_(False))
    with ws.engine.connect() as conn:
        return set(conn.execute(query).scalars())


def test_each_document_on_its_own_and_twice_posts_nothing(ws: Any, shop: str, orders: dict[str, int]) -> None:
    assert ws.run("create-sales-documents", shop=shop).ok
    ws.erp.customers.update("C-ADA", blocked=True)  # the order of ada@example.com cannot post
    failing = header(ws, orders["plain"])["sales_document_no"]
    open_orders = unposted(ws, "order")

    dry = ws.run("batch-post-sales-orders", shop=shop, dry_run=True)
    assert set(dry.changes["document_no"]) == open_orders and unposted(ws, "order") == open_orders

    result = ws.run("batch-post-sales-orders", shop=shop, status="released")
    assert result.ok, result.error
    assert result.stats["posted"] == len(open_orders) - 1 and result.stats["failed"] == 1
    assert unposted(ws, "order") == {failing}
    doc = ws.erp.sales.get("order", failing)
    assert doc.posting_error == "customer C-ADA is blocked" and not doc.posted
    log = state.skipped_records(ws.engine, shop, "batch-post-sales-orders")
    assert list(log["record_id"]) == [failing]
    web = ws.erp.sales.find_shopify(shop, orders["no_email"])
    assert web.posted and web.last_shipment_no and web.last_posting_no

    again = ws.run("batch-post-sales-orders", shop=shop)
    assert again.stats.get("posted", 0) == 0 and again.stats["failed"] == 1

    ws.erp.customers.update("C-ADA", blocked=False)
    fixed = ws.run("batch-post-sales-orders", shop=shop, shopify_order_no=header(ws, orders["plain"])["order_no"])
    assert fixed.stats["posted"] == 1 and not unposted(ws, "order")
    assert ws.erp.sales.get("order", failing).posting_error is None


def test_invoices_and_filters(ws: Any, shop: str, orders: dict[str, int]) -> None:
    ws.run("create-sales-documents", shop=shop)
    invoice = header(ws, orders["fulfilled"])["sales_document_no"]
    assert unposted(ws, "invoice") == {invoice}
    none = ws.run("batch-post-sales-invoices", shop=shop, shopify_order_no="#9999")
    assert none.stats.get("posted", 0) == 0 and unposted(ws, "invoice") == {invoice}
    posted = ws.run("batch-post-sales-invoices", shop=shop, posting_date="2026-11-30", document_date_to="2100-01-01")
    assert posted.stats["posted"] == 1 and not unposted(ws, "invoice")
    assert str(ws.erp.sales.get("invoice", invoice).posting_date) == "2026-11-30"
    assert ws.run("batch-post-sales-invoices", shop=shop).stats.get("posted", 0) == 0
    ship_only = ws.run(
        "batch-post-sales-orders",
        shop=shop,
        invoice=False,
        document_no=header(ws, orders["plain"])["sales_document_no"],
    )
    doc = ws.erp.sales.find_shopify(shop, orders["plain"])
    assert ship_only.stats["posted"] == 1 and doc.last_shipment_no and not doc.last_posting_no and not doc.posted
