"""Order to cash to the cent (issue 12), against the sandbox on SQLite and PostgreSQL: what the ERP
did with an order survives a re-import, a line's tax is Shopify's, documents come to Shopify's current
total, and an order that can never be mapped is one skipped-record row however often it is tried."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from shopops.store import tables as t
from shopops.sync import state
from shopops.sync.orders.parse import order_gid
from tests.integration.sync.sales_documents.shopify_orders import (
    CANCEL,
    create_order,
    documents,
    erp_balance,
    header,
    line,
    refund,
    rows,
    usd,
)

AUTO = {"auto_create_orders": True, "return_refund_process": "auto_create", "return_location": "RET"}


def shopify_current_total(sandbox: Any, order_id: int) -> Decimal:
    order = sandbox.state.get(order_gid(order_id), "Order")
    return Decimal(order["currentTotalPriceSet"]["shopMoney"]["amount"])


def test_a_refund_credited_in_the_document_is_never_credited_again(ws: Any, shop: str, sandbox: Any) -> None:
    ws.shops.set(shop, **AUTO)
    order_id = create_order(
        sandbox, email="ada@example.com", lineItems=[line("1000", 3, "10.00")], financialStatus="PAID"
    )
    refund(
        sandbox,
        order_id,
        0,
        1,
        transactions=[{"amount": "10.00", "gateway": "manual", "kind": "REFUND", "orderId": order_gid(order_id)}],
    )
    assert ws.run("sync-orders", shop=shop).stats["sales_documents_created"] == 1
    (doc,) = documents(ws, order_id)
    assert ws.erp.sales.get(doc["document_type"], doc["no"]).lines[0].quantity == 2  # the current quantity
    assert all(r["processed"] for r in rows(ws, t.shopify_refund, order_id=order_id))

    # any change in Shopify re-imports the order and rewrites its refunds in the mirror
    order = sandbox.state.get(order_gid(order_id), "Order")
    order["note"] = "changed after the document was made"
    sandbox.state.touch(order)
    again = ws.run("sync-orders", shop=shop)
    assert again.ok and again.stats.get("updated", 0) + again.stats.get("conflicts", 0) >= 1
    assert all(r["processed"] for r in rows(ws, t.shopify_refund, order_id=order_id)), "the ERP's mark survives"
    assert ws.run("create-sales-documents", shop=shop).stats.get("credit_memos_created", 0) == 0
    assert [d["document_type"] for d in documents(ws, order_id)] == [doc["document_type"]]
    assert erp_balance(ws, order_id) == shopify_current_total(sandbox, order_id) == Decimal("20.00")

    # a refund after the document sits beside the one the mirror kept: it alone becomes a credit memo
    refund(
        sandbox,
        order_id,
        0,
        1,
        transactions=[{"amount": "10.00", "gateway": "manual", "kind": "REFUND", "orderId": order_gid(order_id)}],
    )
    assert ws.run("sync-orders", shop=shop).stats["sales_documents_credit_memos_created"] == 1
    assert sorted(d["document_type"] for d in documents(ws, order_id)) == ["credit_memo", doc["document_type"]]
    assert erp_balance(ws, order_id) == shopify_current_total(sandbox, order_id) == Decimal("10.00")


def test_every_mirrored_child_keeps_what_the_erp_wrote_on_it(ws: Any, shop: str, sandbox: Any) -> None:
    order_id = create_order(sandbox, email="ada@example.com", lineItems=[line("1000", 2, "10.00")])
    refund(sandbox, order_id, 0, 1)
    assert ws.run("sync-orders", shop=shop).ok
    for table in (t.shopify_refund, t.shopify_refund_line, t.shopify_order_line):
        if "processed" in table.c:
            with ws.engine.begin() as conn:
                conn.execute(sa.update(table).where(table.c.order_id == order_id).values(processed=True))
    order = sandbox.state.get(order_gid(order_id), "Order")
    order["note"] = "touched"
    sandbox.state.touch(order)
    assert ws.run("sync-orders", shop=shop).ok
    assert header(ws, order_id)["note"] == "touched", "the order was re-imported"
    assert all(r["processed"] for r in rows(ws, t.shopify_refund, order_id=order_id))


def test_two_tax_lines_on_one_line_are_taken_as_shopify_rounded_them(ws: Any, shop: str, sandbox: Any) -> None:
    # 10.10 at 6% is 0.606 -> 0.61 and at 2.25% is 0.22725 -> 0.23: 0.84 in tax, where 8.25% of 10.10 is 0.83
    state_tax = {"title": "State", "rate": 0.06, "priceSet": usd("0.61")}
    county_tax = {"title": "County", "rate": 0.0225, "priceSet": usd("0.23")}
    order_id = create_order(
        sandbox,
        email="ada@example.com",
        lineItems=[{**line("1000", 1, "10.10"), "taxLines": [state_tax, county_tax]}],
        shippingLines=[
            {"title": "Ground", "priceSet": usd("5.05"), "taxLines": [{**state_tax, "priceSet": usd("0.30")}]}
        ],
    )
    assert ws.run("sync-orders", shop=shop).ok
    result = ws.run("create-sales-documents", shop=shop, order_ids=[order_id])
    assert result.ok and result.stats["created"] == 1, result.stats
    (doc,) = documents(ws, order_id)
    document = ws.erp.sales.get(doc["document_type"], doc["no"])
    taxes = {x.shopify_line_type: x.amount_including_tax - x.amount for x in document.lines}
    assert taxes == {"line_item": Decimal("0.84"), "shipping_line": Decimal("0.30")}
    assert sum((x.amount_including_tax for x in document.lines), Decimal(0)) == Decimal("16.29")
    assert erp_balance(ws, order_id) == shopify_current_total(sandbox, order_id) == Decimal("16.29")

    ws.erp.sales.release(doc["document_type"], doc["no"])
    posted = ws.erp.posting.post_order(doc["no"], ship=True, invoice=True) if doc["document_type"] == "order" else None
    if posted is not None:
        assert posted.ok, posted
        invoice = ws.erp.posted.invoices(shop_code=shop)
        mine = invoice[invoice["shopify_order_id"] == order_id]
        assert Decimal(mine["amount_including_tax"].iloc[0]) == Decimal("16.29"), "posting keeps Shopify's tax"


def test_an_unmappable_order_is_one_skipped_row_however_often_it_is_tried(
    ws: Any, shop: str, orders: dict[str, int]
) -> None:
    for _ in range(3):
        ws.run("create-sales-documents", shop=shop)
    skipped = state.skipped_records(ws.engine, shop=shop, report="create-sales-documents")
    mine = skipped[skipped["record_id"] == str(orders["unknown_sku"])]
    assert len(mine) == 1, mine
    assert int(mine["count"].iloc[0]) == 3
    assert mine["last_seen_at"].iloc[0] >= mine["created_at"].iloc[0]
    assert "NO-SUCH-SKU" in mine["reason"].iloc[0] or "no item" in mine["reason"].iloc[0]


def test_orders_cancelled_or_changed_after_sync_are_held_from_posting(ws: Any, shop: str, sandbox: Any) -> None:
    made = {
        name: create_order(sandbox, email="ada@example.com", lineItems=[line("1000", 2, "10.00")])
        for name in ("cancelled", "refunded", "untouched")
    }
    assert ws.run("sync-orders", shop=shop).ok
    assert ws.run("create-sales-documents", shop=shop, order_ids=list(made.values())).stats["created"] == 3
    body = sandbox.post(CANCEL, {"id": order_gid(made["cancelled"])}).json()
    assert not body["data"]["orderCancel"]["userErrors"], body
    refund(sandbox, made["refunded"], 0, 1)  # the lines changed in Shopify after the document was made

    dry = ws.run("batch-post-sales-orders", shop=shop, dry_run=True).changes
    assert set(dry[dry["status"] == "held"]["shopify_order_no"]) == {
        header(ws, made["cancelled"])["order_no"],
        header(ws, made["refunded"])["order_no"],
    }
    result = ws.run("batch-post-sales-orders", shop=shop)
    assert result.ok and result.stats["held"] == 2, result.stats
    docs = {name: documents(ws, order_id)[0] for name, order_id in made.items()}
    assert docs["untouched"]["posted"]
    assert not docs["cancelled"]["posted"] and "cancelled in Shopify" in docs["cancelled"]["posting_error"]
    assert not docs["refunded"]["posted"] and "changed in Shopify" in docs["refunded"]["posting_error"]

    # with refunds made credit memos, sync-orders brings the refunded order up to date and it posts;
    # the cancelled one stays held for a person
    ws.shops.set(shop, **AUTO)
    assert ws.run("sync-orders", shop=shop).stats["sales_documents_credit_memos_created"] == 1
    again = ws.run("batch-post-sales-orders", shop=shop)
    assert again.stats["held"] == 1, again.stats
    orders_posted = {
        name: [d["posted"] for d in documents(ws, order_id) if d["document_type"] == "order"]
        for name, order_id in made.items()
    }
    assert orders_posted == {"cancelled": [False], "refunded": [True], "untouched": [True]}


ADDRESS = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "company": "Analytical Engines Ltd",
    "address1": "12 St James's Square",
    "address2": "Floor 2",
    "city": "London",
    "zip": "SW1Y 4JH",
    "provinceCode": "LND",
    "countryCode": "GB",
    "phone": "+44 20 7946 0000",
}


def test_a_document_takes_every_address_field_of_the_order(ws: Any, shop: str, sandbox: Any) -> None:
    billing = {**ADDRESS, "company": "", "address1": "1 Bill Street", "city": "Leeds", "countryCode": "IE"}
    order_id = create_order(
        sandbox,
        email="ada@example.com",
        lineItems=[line("1000", 1, "10.00")],
        shippingAddress=ADDRESS,
        billingAddress=billing,
    )
    assert ws.run("sync-orders", shop=shop).ok
    assert (header(ws, order_id)["ship_to_country"], header(ws, order_id)["bill_to_country"]) == ("GB", "IE")
    assert ws.run("create-sales-documents", shop=shop, order_ids=[order_id]).stats["created"] == 1
    (doc,) = documents(ws, order_id)
    ship = {k: doc[f"ship_to_{k}"] for k in ("name", "address", "address_2", "city", "post_code", "county")}
    assert ship == {
        "name": "Analytical Engines Ltd",
        "address": "12 St James's Square",
        "address_2": "Floor 2",
        "city": "London",
        "post_code": "SW1Y 4JH",
        "county": "LND",
    }
    assert doc["ship_to_country_code"] == "GB"
    assert (doc["bill_to_name"], doc["bill_to_address"], doc["bill_to_city"]) == (
        "Ada Lovelace",
        "1 Bill Street",
        "Leeds",
    )
    assert doc["bill_to_country_code"] == "IE"


def test_a_gross_priced_order_makes_a_document_with_prices_including_tax(ws: Any, shop: str, sandbox: Any) -> None:
    # 2 x 12.50 including 25% VAT: 5.00 of the 25.00 is tax; Shopify's total is 25.00 + shipping 4.95
    vat = [{"title": "VAT", "rate": 0.25, "priceSet": usd("5.00")}]
    order_id = create_order(
        sandbox,
        email="ada@example.com",
        taxesIncluded=True,
        lineItems=[{**line("1000", 2, "12.50"), "taxLines": vat}],
        shippingLines=[
            {
                "title": "Post",
                "priceSet": usd("4.95"),
                "taxLines": [{"title": "VAT", "rate": 0.25, "priceSet": usd("0.99")}],
            }
        ],
    )
    assert shopify_current_total(sandbox, order_id) == Decimal("29.95"), "tax is in the prices, not on top"
    assert ws.run("sync-orders", shop=shop).ok
    assert header(ws, order_id)["taxes_included"]
    assert ws.run("create-sales-documents", shop=shop, order_ids=[order_id]).stats["created"] == 1
    (doc,) = documents(ws, order_id)
    assert doc["prices_including_tax"]
    document = ws.erp.sales.get(doc["document_type"], doc["no"])
    taxes = {x.shopify_line_type: x.amount_including_tax - x.amount for x in document.lines}
    assert taxes == {"line_item": Decimal("5.00"), "shipping_line": Decimal("0.99")}
    assert erp_balance(ws, order_id) == Decimal("29.95")


PRODUCT = """
mutation Product($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) {
    product { variants(first: 5) { nodes { id sku } } }
    userErrors { field message }
  }
}"""
EDIT_BEGIN = """
mutation Begin($id: ID!) {
  orderEditBegin(id: $id) { calculatedOrder { id lineItems(first: 20) { nodes { id } } } userErrors { field message } }
}"""
EDIT_ADD = """
mutation Add($id: ID!, $variantId: ID!, $quantity: Int!) {
  orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity) { userErrors { field message } }
}"""
EDIT_QUANTITY = """
mutation Quantity($id: ID!, $lineItemId: ID!, $quantity: Int!) {
  orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity) { userErrors { field message } }
}"""
EDIT_COMMIT = """
mutation Commit($id: ID!) { orderEditCommit(id: $id, notifyCustomer: false) { userErrors { field message } } }"""


def _variant(sandbox: Any, sku: str, price: str) -> str:
    """A product with one variant (``sku``) made with productSet; the variant's id."""
    product = {
        "title": f"Product {sku}",
        "productOptions": [{"name": "Title", "values": [{"name": "Default"}]}],
        "variants": [{"sku": sku, "price": price, "optionValues": [{"optionName": "Title", "name": "Default"}]}],
    }
    data = sandbox.post(PRODUCT, {"input": product}).json()["data"]["productSet"]
    assert not data["userErrors"], data["userErrors"]
    return str(data["product"]["variants"]["nodes"][0]["id"])


def _edit(
    sandbox: Any, order_id: int, *, add: tuple[str, int] | None = None, quantity: tuple[int, int] | None = None
) -> None:
    """An order edit the real way: begin, stage (add a variant, set a line's quantity), commit."""

    def call(document: str, variables: dict[str, Any], field: str) -> dict[str, Any]:
        body = sandbox.post(document, variables).json()
        assert "errors" not in body, body
        result = body["data"][field]
        assert not result["userErrors"], result["userErrors"]
        return dict(result)

    calculated = call(EDIT_BEGIN, {"id": order_gid(order_id)}, "orderEditBegin")["calculatedOrder"]
    if add is not None:
        call(EDIT_ADD, {"id": calculated["id"], "variantId": add[0], "quantity": add[1]}, "orderEditAddVariant")
    if quantity is not None:
        line = calculated["lineItems"]["nodes"][quantity[0]]["id"]
        call(
            EDIT_QUANTITY, {"id": calculated["id"], "lineItemId": line, "quantity": quantity[1]}, "orderEditSetQuantity"
        )
    call(EDIT_COMMIT, {"id": calculated["id"]}, "orderEditCommit")


def test_an_edit_after_the_document_is_a_conflict_that_says_what_changed(ws: Any, shop: str, sandbox: Any) -> None:
    cap = _variant(sandbox, "3000", "7.00")
    ws.erp.items.add("3000", description="Cap", unit_price=Decimal("7.00"))
    order_id = create_order(sandbox, email="ada@example.com", lineItems=[{**line("1000", 1, "10.00"), "title": "Mug"}])
    assert ws.run("sync-orders", shop=shop).ok
    assert ws.run("create-sales-documents", shop=shop, order_ids=[order_id]).stats["created"] == 1
    _edit(sandbox, order_id, add=(cap, 2), quantity=(0, 3))
    assert ws.run("sync-orders", shop=shop).stats["conflicts"] == 1
    stored = header(ws, order_id)
    assert stored["has_conflict"] and "edited in Shopify" in stored["conflict_reason"]
    assert "'Mug' quantity 1 -> 3" in stored["conflict_reason"], stored["conflict_reason"]
    assert "added (2)" in stored["conflict_reason"], stored["conflict_reason"]
    (doc,) = documents(ws, order_id)
    assert [x.quantity for x in ws.erp.sales.get(doc["document_type"], doc["no"]).lines] == [1], "left for a person"


def test_an_edit_before_the_document_simply_makes_the_edited_document(ws: Any, shop: str, sandbox: Any) -> None:
    order_id = create_order(
        sandbox, email="ada@example.com", lineItems=[line("1000", 1, "10.00"), line("2000", 1, "25.00")]
    )
    assert ws.run("sync-orders", shop=shop).ok
    _edit(sandbox, order_id, quantity=(1, 0))  # the hoodie is taken off the order
    _edit(sandbox, order_id, quantity=(0, 4))  # and four mugs instead of one
    assert ws.run("sync-orders", shop=shop).stats.get("conflicts", 0) == 0
    assert ws.run("create-sales-documents", shop=shop, order_ids=[order_id]).stats["created"] == 1
    (doc,) = documents(ws, order_id)
    lines = ws.erp.sales.get(doc["document_type"], doc["no"]).lines
    assert [(x.no, x.quantity) for x in lines] == [("1000", 4)]
    assert erp_balance(ws, order_id) == shopify_current_total(sandbox, order_id) == Decimal("40.00")
