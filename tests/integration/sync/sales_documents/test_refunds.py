"""Refunds -> credit memos (return_refund_process = auto_create) against the sandbox, on SQLite and
PostgreSQL: restocked lines back to the return location, the rest to the refund accounts, exact totals,
a pending refund transaction waits, never twice, and refunds made before processing are not credited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from shopops.store import tables as t
from shopops.sync import state
from shopops.sync.orders.parse import order_gid
from tests.integration.sync.sales_documents.shopify_orders import create_order, header, line, refund, rows, usd

AUTO = {"auto_create_orders": True, "return_refund_process": "auto_create", "return_location": "RET"}


def memo_count(ws: Any) -> int:
    sh = t.erp_sales_header
    query = sa.select(sa.func.count()).select_from(sh).where(sh.c.document_type == "credit_memo")
    with ws.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_refunds_become_credit_memos_once(ws: Any, shop: str, sandbox: Any, orders: dict[str, int]) -> None:
    ws.shops.set(shop, **AUTO)
    assert ws.run("create-sales-documents", shop=shop).ok
    assert memo_count(ws) == 0, "the refund made before processing is in the document already"
    order_id = create_order(
        sandbox,
        email="ada@example.com",
        lineItems=[line("1000", 2, "10.00"), line("2000", 1, "7.00")],
        shippingLines=[{"title": "Standard", "priceSet": usd("5.00")}],
        financialStatus="PAID",
    )
    assert ws.run("sync-orders", shop=shop).stats["sales_documents_created"] == 1
    location = next(iter(sandbox.state.table("Location").values()))["id"]
    line_ids = sandbox.state.get(order_gid(order_id), "Order")["lineItemIds"]
    refund(
        sandbox,
        order_id,
        0,
        1,
        refundLineItems=[
            {"lineItemId": line_ids[0], "quantity": 1, "restockType": "RETURN", "locationId": location},
            {"lineItemId": line_ids[1], "quantity": 1, "restockType": "NO_RESTOCK"},
        ],
        shipping={"fullRefund": True},
        transactions=[{"amount": "22.00", "gateway": "manual", "kind": "REFUND", "orderId": order_gid(order_id)}],
    )
    tx = sandbox.state.get(sandbox.state.get(order_gid(order_id), "Order")["transactionIds"][-1], "OrderTransaction")
    tx["status"] = "PENDING"  # the money has not gone back yet
    sandbox.state.touch(sandbox.state.get(order_gid(order_id), "Order"))
    waiting = ws.run("sync-orders", shop=shop)
    assert waiting.ok and waiting.stats.get("conflicts", 0) == 0
    assert waiting.stats["sales_documents_refunds_waiting"] == 1 and memo_count(ws) == 0

    tx["status"] = "SUCCESS"
    sandbox.state.touch(sandbox.state.get(order_gid(order_id), "Order"))
    assert ws.run("sync-orders", shop=shop).stats["sales_documents_credit_memos_created"] == 1
    (refund_row,) = rows(ws, t.shopify_refund, order_id=order_id)
    memo = ws.erp.sales.find_refund(shop, refund_row["id"])
    assert memo is not None and refund_row["processed"]
    assert (memo.shopify_order_id, memo.sell_to_customer_no) == (order_id, "C-ADA")
    got = [(x.type, x.no, x.quantity, x.unit_price, x.location_code) for x in memo.lines]
    assert got == [
        ("item", "1000", 1, Decimal("10.00"), "RET"),
        ("gl_account", "8100", 1, Decimal("7.00"), None),
        ("gl_account", "8000", 1, Decimal("5.00"), None),
    ]
    assert memo.amount_including_tax == refund_row["total_refunded"] == Decimal("22.00")
    assert memo.header["applies_to_doc_no"] == header(ws, order_id)["sales_document_no"]

    assert ws.run("create-sales-documents", shop=shop).stats.get("credit_memos_created", 0) == 0
    assert memo_count(ws) == 1
    posted = ws.erp.posting.post_credit_memo(memo.no)
    assert posted.ok and ws.erp.stock.on_hand("1000", location_code="RET") == 1


def test_refunds_wait_for_the_setting_and_blank_accounts_are_named(ws: Any, shop: str, sandbox: Any) -> None:
    order_id = create_order(
        sandbox, email="ada@example.com", lineItems=[line("1000", 1, "10.00")], financialStatus="PAID"
    )
    ws.run("sync-orders", shop=shop)
    ws.run("create-sales-documents", shop=shop, order_ids=[order_id])
    refund(
        sandbox,
        order_id,
        0,
        1,
        transactions=[{"amount": "10.00", "gateway": "manual", "kind": "REFUND", "orderId": order_gid(order_id)}],
    )
    ws.run("sync-orders", shop=shop)  # import only: the refund is a conflict, no credit memo
    assert header(ws, order_id)["has_conflict"] and memo_count(ws) == 0
    ws.shops.set(shop, **AUTO, refund_account_non_restock="")
    result = ws.run("create-sales-documents", shop=shop)
    assert result.stats["skipped"] >= 1 and memo_count(ws) == 0
    reasons = state.skipped_records(ws.engine, shop, "create-sales-documents")["reason"]
    assert any("needs refund_account_non_restock, which is blank" in r for r in reasons)
    ws.shops.set(shop, refund_account_non_restock="8100")
    assert ws.run("create-sales-documents", shop=shop).stats["credit_memos_created"] == 1
    assert memo_count(ws) == 1
