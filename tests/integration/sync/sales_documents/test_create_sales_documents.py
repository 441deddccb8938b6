"""create-sales-documents (30103) against the sandbox, on SQLite and PostgreSQL: orders made with the real
``orderCreate``, synced by sync-orders, then mapped to ERP documents; errors per order, exact amounts,
re-runs, dry run, conflicts, unlink and re-create."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from shopops.sandbox.state import orders_model
from shopops.store import tables as t
from shopops.sync import state
from shopops.sync.orders import actions as orders_actions
from shopops.sync.orders.parse import order_gid
from tests.integration.sync.sales_documents.shopify_orders import (
    CANCEL,
    create_order,
    header,
    line,
    post,
)


def counts(ws: Any) -> tuple[int, int]:
    with ws.engine.connect() as conn:
        return (
            conn.execute(sa.select(sa.func.count()).select_from(t.erp_sales_header)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(t.erp_sales_line)).scalar_one(),
        )


def test_creates_documents_marks_the_unmappable_and_twice_changes_nothing(
    ws: Any, shop: str, orders: dict[str, int]
) -> None:
    result = ws.run("create-sales-documents", shop=shop)
    assert result.ok, result.error
    assert result.stats["created"] == len(orders) - 1 and result.stats["skipped"] == 1

    bad = header(ws, orders["unknown_sku"])
    assert not bad["processed"] and bad["has_error"]
    assert bad["error_message"] == (
        "line 2 'Mystery box': SKU 'NO-SUCH-SKU' matches no item (sku_mapping=item_no_variant_code, barcode)"
    )
    assert ws.erp.sales.find_shopify(shop, orders["unknown_sku"]) is None
    log = state.skipped_records(ws.engine, shop, "create-sales-documents")
    assert list(log["record_id"]) == [str(orders["unknown_sku"])] and "NO-SUCH-SKU" in log["reason"][0]

    plain = header(ws, orders["plain"])
    doc = ws.erp.sales.find_shopify(shop, orders["plain"])
    assert plain["processed"] and plain["sales_document_no"] == doc.no and not plain["has_error"]
    assert (doc.document_type, doc.status, doc.sell_to_customer_no) == ("order", "released", "C-ADA")
    assert (doc.shopify_order_id, doc.shopify_order_no) == (orders["plain"], plain["order_no"])
    got = [(x.type, x.no, x.variant_code, x.quantity, x.line_discount_amount, x.location_code) for x in doc.lines]
    assert got == [
        ("item", "1000", "", 2, Decimal("1.00"), "MAIN"),
        ("item", "2000", "XL", 1, 0, "MAIN"),
        ("item", "2000", "XL", 1, 0, "MAIN"),
        ("gl_account", "6100", "", 1, 0, None),
    ]
    assert all(x.shopify_order_line_id is not None for x in doc.lines)
    assert doc.amount_including_tax == plain["total_amount"] == Decimal("84.90")  # exact, tax included

    assert ws.erp.sales.find_shopify(shop, orders["no_email"]).sell_to_customer_no == "C-WEB"
    gift = ws.erp.sales.find_shopify(shop, orders["gift_card_tip"])
    assert [(x.no, x.shopify_line_type, x.amount) for x in gift.lines] == [
        ("2900", "gift_card", Decimal("50.00")),
        ("6200", "tip", Decimal("3.00")),
    ]
    euro = ws.erp.sales.find_shopify(shop, orders["euro"])
    assert euro.currency_code == "" and euro.amount == header(ws, orders["euro"])["total_amount"]
    assert len(ws.erp.sales.find_shopify(shop, orders["big"]).lines) == 120
    zero = ws.erp.sales.find_shopify(shop, orders["refunded_zero"])
    assert [(x.no, x.quantity) for x in zero.lines] == [("2000", 1)]
    assert ws.erp.sales.find_shopify(shop, orders["fulfilled"]).document_type == "invoice"

    before = counts(ws)
    again = ws.run("create-sales-documents", shop=shop)
    assert again.ok and again.stats.get("created", 0) == 0 and again.stats["skipped"] == 1
    assert counts(ws) == before


def test_presentment_currency_and_dry_run(ws: Any, shop: str, orders: dict[str, int]) -> None:
    ws.shops.set(shop, currency_handling="presentment")
    dry = ws.run("create-sales-documents", shop=shop, order_ids=[orders["euro"], orders["unknown_sku"]], dry_run=True)
    assert dry.ok and counts(ws) == (0, 0)
    assert state.skipped_records(ws.engine, shop).empty and not header(ws, orders["unknown_sku"])["has_error"]
    changes = dry.changes.set_index("order_id")
    euro = header(ws, orders["euro"])
    assert changes.loc[orders["euro"], "currency_code"] == "EUR"
    assert changes.loc[orders["euro"], "amount_including_tax"] == euro["presentment_total_amount"] == Decimal("9.20")
    assert changes.loc[orders["unknown_sku"], "action"] == "error"

    assert ws.run("create-sales-documents", shop=shop, order_ids=[orders["euro"]]).stats["created"] == 1
    doc = ws.erp.sales.find_shopify(shop, orders["euro"])
    assert (doc.currency_code, doc.amount) == ("EUR", Decimal("9.20"))
    assert header(ws, orders["euro"])["processed_currency_handling"] == "presentment"


def test_unknown_customers_are_created_from_the_template(ws: Any, shop: str, orders: dict[str, int]) -> None:
    ws.erp.customers.add("TPL", name="Template", currency_code="")
    ws.shops.set(shop, auto_create_unknown_customers=True, customer_template="TPL")
    ws.run("create-sales-documents", shop=shop, order_ids=[orders["gift_card_tip"], orders["plain"]])
    new = ws.erp.customers.find_by_email("g@example.com")
    assert new is not None and ws.erp.sales.find_shopify(shop, orders["gift_card_tip"]).sell_to_customer_no == new.no
    assert ws.erp.sales.find_shopify(shop, orders["plain"]).sell_to_customer_no == "C-ADA"


def test_conflict_then_resolved_then_unlink_and_recreate(ws: Any, shop: str, sandbox: Any) -> None:
    order_id = create_order(sandbox, email="ada@example.com", lineItems=[line("1000", 1, "10.00")])
    ws.run("sync-orders", shop=shop)
    ws.run("create-sales-documents", shop=shop)
    first = ws.erp.sales.find_shopify(shop, order_id)
    order = sandbox.state.get(order_gid(order_id), "Order")
    with sandbox.state.lock:  # an order edit in Shopify: one more line
        spec = {"title": "Extra", "sku": "2000|XL", "quantity": 1, "price": Decimal("25.00")}
        order["lineItemIds"].append(orders_model.new_line(sandbox.state, order, spec)["id"])
        orders_model.recompute(sandbox.state, order)
        sandbox.state.touch(order)
    assert ws.run("sync-orders", shop=shop).stats["conflicts"] == 1
    edited = header(ws, order_id)
    assert edited["has_conflict"] and "lines were added" in edited["conflict_reason"]
    assert ws.run("create-sales-documents", shop=shop).stats.get("created", 0) == 0  # nothing changes in the ERP
    assert len(ws.erp.sales.find_shopify(shop, order_id).lines) == 1

    assert orders_actions.mark_conflict_resolved(ws, shop, order_id) is True
    assert not header(ws, order_id)["has_conflict"] and header(ws, order_id)["conflict_reason"] is None
    assert orders_actions.mark_conflict_resolved(ws, shop, order_id) is False

    assert orders_actions.OrderActions(ws, shop).unlink(order_id) == [first.no]
    assert ws.erp.sales.find_shopify(shop, order_id) is None and not header(ws, order_id)["processed"]
    assert ws.run("sync-orders", shop=shop).stats["updated"] == 1  # read in full again, as Shopify has it now
    assert ws.run("create-sales-documents", shop=shop).stats["created"] == 1
    again = ws.erp.sales.find_shopify(shop, order_id)
    assert again.no != first.no and [x.no for x in again.lines] == ["1000", "2000"]
    assert again.amount == Decimal("35.00") and header(ws, order_id)["sales_document_no"] == again.no


def test_cancelled_orders_get_no_document(ws: Any, shop: str, sandbox: Any) -> None:
    order_id = create_order(sandbox, email="ada@example.com", lineItems=[line("1000", 1, "10.00")])
    ws.run("sync-orders", shop=shop)
    post(sandbox, CANCEL, {"id": order_gid(order_id)})
    ws.run("sync-orders", shop=shop)
    result = ws.run("create-sales-documents", shop=shop, order_ids=[order_id])
    assert result.stats["cancelled"] == 1 and result.stats.get("created", 0) == 0
    assert ws.erp.sales.find_shopify(shop, order_id) is None and not header(ws, order_id)["has_error"]


def test_sync_orders_creates_documents_when_the_shop_says_so(ws: Any, shop: str, sandbox: Any) -> None:
    ws.shops.set(shop, auto_create_orders=True)
    order_id = create_order(sandbox, email="ada@example.com", lineItems=[line("1000", 1, "10.00")])
    result = ws.run("sync-orders", shop=shop)
    assert result.ok and result.stats["sales_documents_created"] == 1
    assert ws.erp.sales.find_shopify(shop, order_id).sell_to_customer_no == "C-ADA"
