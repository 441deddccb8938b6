"""Sales documents: create with lines and amounts, Shopify keys refuse duplicates, release, delete."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy.exc import IntegrityError

from shopops.erp import DocumentExists, Erp, NewSalesLine
from shopops.errors import ConfigError, InvalidState, NotFound


def _shopify_order(erp: Erp, order_id: int = 5001, **header: object) -> object:
    return erp.sales.create(
        "order",
        "C1",
        [
            NewSalesLine(
                "item",
                "1000",
                D(1),
                variant_code="RED",
                location_code="MAIN",
                tax_percent=D(25),
                shopify_line_type="line_item",
                shopify_order_line_id=11,
            ),
            NewSalesLine(
                "item",
                "2000",
                D(3),
                unit_price=D("19.99"),
                line_discount_amount=D("5.00"),
                location_code="MAIN",
                tax_percent=D(25),
                shopify_line_type="line_item",
                shopify_order_line_id=12,
            ),
            NewSalesLine(
                "gl_account",
                "6100",
                D(1),
                unit_price=D("4.95"),
                description="Standard shipping",
                tax_percent=D(25),
                shopify_line_type="shipping_line",
                shopify_order_line_id=11,
            ),
        ],
        shop_code="DEMO",
        shopify_order_id=order_id,
        shopify_order_no=f"#{order_id}",
        shipping_agent_code="DHL",
        package_tracking_no="JD0001",
        **header,
    )


def test_create_an_order_with_exact_amounts(erp: Erp) -> None:
    doc = _shopify_order(erp)
    assert doc.no == "SO000001"
    assert [x.line_no for x in doc.lines] == [10000, 20000, 30000]
    assert doc.lines[0].unit_price == D("499.00") and doc.lines[0].description == "Bicycle"
    assert doc.lines[1].amount == D("54.97") and doc.lines[1].amount_including_tax == D("68.71")
    assert doc.amount == D("499.00") + D("54.97") + D("4.95")
    assert doc.amount_including_tax == D("623.75") + D("68.71") + D("6.19")
    assert doc.header["ship_to_city"] == "London" and doc.header["bill_to_name"] == "Ada Lovelace"
    assert "SO000001" in repr(doc)


def test_the_same_shopify_order_never_makes_a_second_document(erp: Erp) -> None:
    first = _shopify_order(erp)
    with pytest.raises(DocumentExists) as caught:
        _shopify_order(erp)
    assert caught.value.no == first.no
    again = erp.sales.create("order", "C1", shop_code="DEMO", shopify_order_id=5001, on_conflict="return")
    assert again.no == first.no
    assert len(erp.sales.documents("order")) == 1
    found = erp.sales.find_shopify("DEMO", 5001)
    assert found is not None and found.no == first.no
    # an invoice for another order, and a credit memo per refund
    erp.sales.create("credit_memo", "C1", shop_code="DEMO", shopify_order_id=5001, shopify_refund_id=77)
    with pytest.raises(DocumentExists):
        erp.sales.create("credit_memo", "C1", shop_code="DEMO", shopify_order_id=5001, shopify_refund_id=77)
    erp.sales.create("credit_memo", "C1", shop_code="DEMO", shopify_order_id=5001, shopify_refund_id=78)
    refund = erp.sales.find_refund("DEMO", 78)
    assert refund is not None and refund.no == "SCM000002"


def test_a_shopify_line_is_added_once(erp: Erp) -> None:
    doc = _shopify_order(erp)
    with pytest.raises(IntegrityError):
        erp.sales.add_line(
            "order",
            doc.no,
            NewSalesLine(
                "item", "2000", D(1), location_code="MAIN", shopify_line_type="line_item", shopify_order_line_id=12
            ),
        )
    assert len(erp.sales.get("order", doc.no).lines) == 3


def test_bad_input_is_refused(erp: Erp) -> None:
    with pytest.raises(NotFound, match="customer C404"):
        erp.sales.create("order", "C404")
    with pytest.raises(NotFound, match="item 4711"):
        erp.sales.create("order", "C1", [NewSalesLine("item", "4711", D(1))])
    with pytest.raises(ConfigError, match="shop"):
        erp.sales.create("order", "C1", shopify_order_id=1)
    with pytest.raises(ConfigError, match="colour"):
        erp.sales.create("order", "C1", colour="red")
    assert len(erp.sales.documents()) == 0  # nothing half-written


def test_release_reopen_delete(erp: Erp) -> None:
    doc = _shopify_order(erp)
    erp.sales.release("order", doc.no)
    with pytest.raises(InvalidState, match="released"):
        erp.sales.add_line("order", doc.no, NewSalesLine("comment", "", description="note"))
    erp.sales.reopen("order", doc.no)
    line = erp.sales.add_line("order", doc.no, NewSalesLine("comment", "", description="Shopify order #5001"))
    assert line.line_no == 40000 and line.amount == 0
    erp.sales.update_header("order", doc.no, package_tracking_no="JD0002")
    assert erp.sales.get("order", doc.no).package_tracking_no == "JD0002"
    erp.sales.delete("order", doc.no)
    with pytest.raises(NotFound):
        erp.sales.get("order", doc.no)
    # the Shopify order may get a new document once the old one is deleted
    assert _shopify_order(erp).no == "SO000002"


def test_invoice_discount_is_spread_to_the_cent(erp: Erp) -> None:
    doc = erp.sales.create("order", "C1", [NewSalesLine("item", "2000", D(1), location_code="MAIN") for _ in range(3)])
    erp.sales.apply_invoice_discount("order", doc.no, D("10.00"))
    lines = erp.sales.get("order", doc.no).lines
    assert [x.inv_discount_amount for x in lines] == [D("3.34"), D("3.33"), D("3.33")]
    assert sum((x.amount for x in lines), D(0)) == D("59.97") - D("10.00")
