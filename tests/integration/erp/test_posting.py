"""Posting: shipment + invoice from an order, invoices, credit memos restocking, batches that go on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from shopops.erp import FULFILLMENT_ERROR, FULFILLMENT_NOTHING_TO_FULFIL, Erp, NewSalesLine, PostingError
from shopops.errors import InvalidState


def _order(erp: Erp, order_id: int, customer: str = "C1", qty: D = D(2)) -> str:
    doc = erp.sales.create(
        "order",
        customer,
        [
            NewSalesLine(
                "item",
                "2000",
                qty,
                location_code="MAIN",
                tax_percent=D(25),
                shopify_line_type="line_item",
                shopify_order_line_id=order_id * 10 + 1,
            ),
            NewSalesLine(
                "gl_account",
                "6100",
                D(1),
                unit_price=D("4.95"),
                tax_percent=D(25),
                shopify_line_type="shipping_line",
                shopify_order_line_id=order_id * 10 + 2,
            ),
        ],
        shop_code="DEMO",
        shopify_order_id=order_id,
        shopify_order_no=f"#{order_id}",
        shipping_agent_code="DHL",
        package_tracking_no=f"JD{order_id}",
    )
    erp.sales.release("order", doc.no)
    return doc.no


def test_posting_an_order_ships_and_invoices(erp: Erp) -> None:
    no = _order(erp, 5001)
    result = erp.posting.post_order(no, posting_date=dt.date(2026, 12, 1))
    assert result.ok and result.shipment_no == "SSH000001" and result.invoice_no == "PSI000001"

    shipment = erp.posted.shipment(result.shipment_no)
    assert (shipment.shop_code, shipment.shopify_order_id, shipment.shopify_order_no) == ("DEMO", 5001, "#5001")
    assert shipment.tracking_no == "JD5001" and shipment.tracking_url == "https://dhl.example/track?id=JD5001"
    assert shipment.shipping_agent_code == "DHL" and shipment.shopify_fulfillment_id == 0
    assert shipment.location_code == "MAIN" and shipment.posting_date == dt.date(2026, 12, 1)
    assert [(x.type, x.quantity, x.shopify_order_line_id) for x in shipment.lines] == [
        ("item", D(2), 50011),
        ("gl_account", D(1), 50012),
    ]
    invoice = erp.posted.invoice(result.invoice_no)
    assert invoice.order_no == no and invoice.amount == D("39.98") + D("4.95")
    assert invoice.amount_including_tax == D("49.98") + D("6.19")

    assert erp.stock.on_hand("2000") == D(48)
    entries = erp.stock.entries(document_no=result.shipment_no)
    assert list(entries["quantity"]) == [D(-2)] and list(entries["entry_type"]) == ["sale"]
    doc = erp.sales.get("order", no)
    assert doc.posted and doc.posting_error is None and doc.last_shipment_no == "SSH000001"
    assert erp.stock.reserved("2000") == 0

    # posting again changes nothing
    with pytest.raises(PostingError, match="posted already"):
        erp.posting.post_order(no)
    assert len(erp.posted.shipments()) == 1 and len(erp.posted.invoices()) == 1
    assert erp.stock.on_hand("2000") == D(48)


def test_ship_now_invoice_later_and_partial_shipments(erp: Erp) -> None:
    no = _order(erp, 5002, qty=D(5))
    first = erp.posting.post_order(no, invoice=False, quantities={10000: D(2), 20000: D(1)})
    assert first.shipment_no and first.invoice_no is None
    assert erp.stock.reserved("2000") == D(3) and erp.stock.on_hand("2000") == D(48)
    second = erp.posting.post_order(no)
    assert second.shipment_no == "SSH000002" and second.invoice_no == "PSI000001"
    invoice = erp.posted.invoice(second.invoice_no)
    assert [x.quantity for x in invoice.lines] == [D(5), D(1)]
    assert erp.sales.get("order", no).posted
    assert [s.no for s in erp.posted.shipments_to_sync("DEMO")] == ["SSH000001", "SSH000002"]


def test_a_failing_document_stays_unposted_and_the_batch_goes_on(erp: Erp) -> None:
    good_1 = _order(erp, 6001)
    bad = _order(erp, 6002, customer="C2")
    good_2 = _order(erp, 6003)
    erp.customers.update("C2", blocked=True)

    results = erp.posting.post_batch("order", shop_code="DEMO", status="released")
    assert list(results["document_no"]) == [good_1, bad, good_2]
    assert list(results["status"]) == ["posted", "error", "posted"]
    assert "customer C2 is blocked" in results.loc[1, "error"]

    failed = erp.sales.get("order", bad)
    assert not failed.posted and failed.posting_error == "customer C2 is blocked"
    assert all(x.quantity_shipped == 0 for x in failed.lines)
    assert erp.posted.shipments(order_no=bad).empty
    assert erp.stock.on_hand("2000") == D(46)
    assert len(erp.sales.documents("order", with_errors=True)) == 1

    # fixed, the next batch posts it and clears the error; the posted ones are not touched again
    erp.customers.update("C2", blocked=False)
    again = erp.posting.post_batch("order", shop_code="DEMO")
    assert list(again["document_no"]) == [bad] and list(again["status"]) == ["posted"]
    assert erp.sales.get("order", bad).posting_error is None
    assert len(erp.posted.shipments()) == 3 and erp.stock.on_hand("2000") == D(44)


def test_blocked_item_and_missing_location_fail_with_reasons(erp: Erp) -> None:
    no = _order(erp, 7001)
    erp.items.update("2000", blocked=True)
    result = erp.posting.try_post("order", no)
    assert result.status == "error" and "item 2000 is blocked" in (result.error or "")
    erp.items.update("2000", blocked=False)
    nowhere = erp.sales.create("invoice", "C1", [NewSalesLine("item", "2000", D(1))])
    result = erp.posting.try_post("invoice", nowhere.no)
    assert "needs a location code" in (result.error or "")


def test_negative_stock_can_be_prevented(erp: Erp) -> None:
    erp.posting.prevent_negative_inventory = True
    no = _order(erp, 7002, qty=D(51))
    result = erp.posting.try_post("order", no)
    assert result.status == "error" and "50 on hand, 51 needed" in (result.error or "")
    assert erp.stock.on_hand("2000") == D(50)


def test_posting_an_invoice_takes_stock_without_a_shipment(erp: Erp) -> None:
    doc = erp.sales.create(
        "invoice",
        "C1",
        [NewSalesLine("item", "1000", D(1), variant_code="RED", location_code="MAIN")],
        shop_code="DEMO",
        shopify_order_id=8001,
    )
    result = erp.posting.post_invoice(doc.no)
    assert result.invoice_no and result.shipment_no is None
    assert erp.posted.invoice(result.invoice_no).pre_assigned_no == doc.no
    assert erp.stock.on_hand("1000", variant_code="RED") == D(9)
    assert erp.posted.shipments().empty


def test_credit_memo_restocks_at_the_return_location(erp: Erp) -> None:
    doc = erp.sales.create(
        "credit_memo",
        "C1",
        [
            NewSalesLine(
                "item", "2000", D(2), location_code="RETURNS", shopify_line_type="refund_line", shopify_order_line_id=1
            ),
            NewSalesLine(
                "gl_account",
                "6200",
                D(1),
                unit_price=D("3.00"),
                shopify_line_type="refund_line",
                shopify_order_line_id=2,
            ),
        ],
        shop_code="DEMO",
        shopify_order_id=5001,
        shopify_refund_id=90,
    )
    assert erp.stock.projected("2000", location_code="RETURNS") == D(2)
    result = erp.posting.post_credit_memo(doc.no)
    memo = erp.posted.credit_memo(result.credit_memo_no or "")
    assert memo.amount == D("39.98") + D("3.00") and memo.shopify_refund_id == 90
    assert erp.stock.on_hand("2000", location_code="RETURNS") == D(2)
    assert erp.stock.on_hand("2000", location_code="MAIN") == D(50)
    assert erp.sales.get("credit_memo", doc.no).posted


def test_fulfillment_markers(erp: Erp) -> None:
    result = erp.posting.post_order(_order(erp, 9001))
    no = result.shipment_no or ""
    erp.posted.set_fulfillment_id(no, FULFILLMENT_NOTHING_TO_FULFIL)
    assert erp.posted.shipments_to_sync("DEMO") == []
    erp.posted.reset_fulfillment(no)
    erp.posted.set_fulfillment_id(no, FULFILLMENT_ERROR)
    erp.posted.set_fulfillment_id(no, 123)  # an earlier request of the shipment failed: -1 stays
    assert erp.posted.shipment(no).shopify_fulfillment_id == FULFILLMENT_ERROR
    erp.posted.reset_fulfillment(no)
    erp.posted.set_fulfillment_id(no, 4242)
    assert erp.posted.shipment(no).shopify_fulfillment_id == 4242
    with pytest.raises(InvalidState):
        erp.posted.reset_fulfillment(no)
