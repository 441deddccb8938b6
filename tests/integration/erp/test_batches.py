"""Batches: many documents per transaction, each in its own savepoint, numbers without gaps."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from shopops.erp import Erp, NewSalesDocument, NewSalesLine
from shopops.erp.posting import engine as posting
from shopops.erp.sales import documents as sales
from shopops.errors import InvalidState
from shopops.store import tables as t


def _document(order_id: int, item: str = "2000", customer: str = "C1") -> NewSalesDocument:
    lines = [
        NewSalesLine(
            "item", item, D(1), location_code="MAIN", tax_percent=D(25), shopify_line_type="line_item",
            shopify_order_line_id=order_id * 10 + 1,
        ),
        NewSalesLine(
            "gl_account", "6100", D(1), unit_price=D("4.95"), shopify_line_type="shipping_line",
            shopify_order_line_id=order_id * 10 + 2,
        ),
    ]  # fmt: skip
    header = {"shop_code": "DEMO", "shopify_order_id": order_id, "shopify_order_no": f"#{order_id}"}
    return NewSalesDocument("order", customer, lines, header=header)


def _last_no(erp: Erp, series: str) -> int:
    n = t.erp_no_series
    with erp.engine.connect() as c:
        return int(c.execute(select(n.c.last_no).where(n.c.code == series)).scalar_one())


def test_create_many_keeps_going_past_a_refused_document_without_gaps(
    erp: Erp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sales, "CREATE_BATCH_SIZE", 2)  # several transactions, the failure inside one
    docs = [_document(8001), _document(8002), _document(8003, item="NOPE"), _document(8004), _document(8005)]
    result = erp.sales.create_many(docs, release=True)
    assert list(result["status"]) == ["created", "created", "error", "created", "created"]
    assert "item NOPE does not exist" in result.loc[2, "error"]
    assert list(result["no"].iloc[[0, 1, 3, 4]]) == ["SO000001", "SO000002", "SO000003", "SO000004"]
    assert _last_no(erp, "sales_order") == 4  # the refused document gave its number back
    made = erp.sales.get("order", "SO000003")
    assert made.shopify_order_id == 8004 and made.status == "released" and len(made.lines) == 2
    assert made.amount_including_tax == D("24.99") + D("4.95")
    assert erp.sales.find_shopify("DEMO", 8003) is None

    # a re-run never duplicates: the documents that exist are returned, the fixed one is created
    again = erp.sales.create_many([_document(8001), _document(8003)], on_conflict="return")
    assert list(again["status"]) == ["exists", "created"]
    assert list(again["no"]) == ["SO000001", "SO000005"]
    assert len(erp.sales.documents("order")) == 5
    single = erp.sales.create("order", "C1", [NewSalesLine("item", "2000", D(1), location_code="MAIN")])
    assert single.no == "SO000006"


def test_post_batch_with_savepoints_a_failure_in_the_middle_rolls_back_alone(
    erp: Erp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posting, "POST_BATCH_SIZE", 2)
    erp.items.add("3000", description="Lamp", unit_price=D("10.00"))
    erp.stock.set_quantity("3000", "MAIN", D(5))
    result = erp.sales.create_many([_document(9001 + k, item="3000" if k == 2 else "2000") for k in range(5)])
    nos = list(result["no"])
    erp.items.update("3000", blocked=True)

    posted = erp.posting.post_batch("order", nos)
    assert list(posted["status"]) == ["posted", "posted", "error", "posted", "posted"]
    assert "item 3000 is blocked" in posted.loc[2, "error"]
    assert list(posted["shipment_no"].iloc[[0, 1, 3, 4]]) == ["SSH000001", "SSH000002", "SSH000003", "SSH000004"]
    assert list(posted["invoice_no"].iloc[[0, 1, 3, 4]]) == ["PSI000001", "PSI000002", "PSI000003", "PSI000004"]
    assert _last_no(erp, "posted_shipment") == 4 and _last_no(erp, "posted_invoice") == 4

    failed = erp.sales.get("order", nos[2])
    assert not failed.posted and "item 3000 is blocked" in (failed.posting_error or "")
    assert all(x.quantity_shipped == 0 and x.quantity_invoiced == 0 for x in failed.lines)
    assert erp.posted.shipments(order_no=nos[2]).empty
    assert erp.stock.on_hand("3000") == D(5) and erp.stock.on_hand("2000") == D(46)
    assert all(erp.sales.get("order", no).posted for k, no in enumerate(nos) if k != 2)

    erp.items.update("3000", blocked=False)
    again = erp.posting.post_batch("order", shop_code="DEMO")
    assert list(again["document_no"]) == [nos[2]] and list(again["shipment_no"]) == ["SSH000005"]
    assert erp.sales.get("order", nos[2]).posting_error is None and erp.stock.on_hand("3000") == D(4)


def test_create_released_needs_lines(erp: Erp) -> None:
    doc = erp.sales.create("order", "C1", [NewSalesLine("item", "2000", D(1), location_code="MAIN")], release=True)
    assert doc.status == "released"
    with pytest.raises(InvalidState, match="no lines to release"):
        erp.sales.create("order", "C1", [], release=True)
    assert len(erp.sales.documents("order")) == 1
