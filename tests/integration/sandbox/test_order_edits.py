"""Order editing over HTTP: orderEditBegin, orderEditAddVariant, orderEditSetQuantity, orderEditCommit
(issue 12). Prices are set by the test (a product of its own), so every amount is worked out by hand."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client

PRICES = {"A": "10.00", "B": "7.50", "C": "12.40"}


@pytest.fixture
def variants(client: Client, sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    """Three variants of a fresh product, priced A 10.00, B 7.50, C 12.40, 20 of each in stock."""
    location = next(iter(sandbox.state.table("Location").values()))["id"]
    tag = uuid.uuid4().hex[:8]
    payload = {
        "title": f"Edit chair {tag}",
        "handle": f"edit-chair-{tag}",
        "productOptions": [{"name": "Model", "values": [{"name": name} for name in PRICES]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Model", "name": name}],
                "sku": f"ED-{tag}-{name}",
                "price": price,
                "inventoryQuantities": [{"locationId": location, "name": "available", "quantity": 20}],
            }
            for name, price in PRICES.items()
        ],
    }
    result = client.data(docs.PRODUCT_SET, {"input": payload})["productSet"]
    assert result["userErrors"] == []
    by_price = {v["price"]: v for v in result["product"]["variants"]["nodes"]}
    return {name: by_price[price] for name, price in PRICES.items()}


def _order(client: Client, variants: dict[str, Any], included: bool = False, **extra: Any) -> dict[str, Any]:
    """A paid order of 3 x A and 2 x B with 25% VAT on the lines."""
    vat = [{"title": "VAT", "rate": "0.25"}]
    order = {
        "financialStatus": "PAID",
        "taxesIncluded": included,
        "lineItems": [
            {"variantId": variants["A"]["id"], "quantity": 3, "taxLines": vat},
            {"variantId": variants["B"]["id"], "quantity": 2, "taxLines": vat},
        ],
        **extra,
    }
    result = client.data(docs.ORDER_CREATE, {"order": order})["orderCreate"]
    assert result["userErrors"] == []
    return _sums(client, result["order"]["id"])


def _sums(client: Client, order_id: str) -> dict[str, Any]:
    order: dict[str, Any] = client.data(docs.ORDER_SUMS, {"id": order_id})["order"]
    return order


def _amount(value: dict[str, Any]) -> Decimal:
    return Decimal(value["shopMoney"]["amount"])


def _begin(client: Client, order_id: str) -> dict[str, Any]:
    result = client.data(docs.ORDER_EDIT_BEGIN, {"id": order_id})["orderEditBegin"]
    assert result["userErrors"] == []
    calculated: dict[str, Any] = result["calculatedOrder"]
    return calculated


def _stage(client: Client, document: str, **variables: Any) -> dict[str, Any]:
    field = "orderEditAddVariant" if document is docs.ORDER_EDIT_ADD_VARIANT else "orderEditSetQuantity"
    result: dict[str, Any] = client.data(document, variables)[field]
    return result


def _num(global_id: str) -> str:
    return global_id.rsplit("/", 1)[1]


def _fo_lines(client: Client, order_id: str) -> dict[str, list[tuple[int, int]]]:
    """Per order line: (total, remaining) of each fulfillment order line of it."""
    detail = client.data(docs.ORDER_DETAIL, {"id": order_id})["order"]
    out: dict[str, list[tuple[int, int]]] = {}
    for fo in detail["fulfillmentOrders"]["nodes"]:
        for item in fo["lineItems"]["nodes"]:
            out.setdefault(item["lineItem"]["id"], []).append((item["totalQuantity"], item["remainingQuantity"]))
    return out


def test_begin_stage_and_commit_an_edit(client: Client, sandbox: Sandbox, variants: dict[str, Any]) -> None:
    order = _order(client, variants)
    # 3 x 10.00 + 2 x 7.50 = 45.00, VAT 7.50 + 3.75 = 11.25
    assert _amount(order["totalPriceSet"]) == Decimal("56.25")
    line_a, line_b = order["lineItems"]["nodes"]
    stamp = order["updatedAt"]

    result = client.data(docs.ORDER_EDIT_BEGIN, {"id": order["id"]})["orderEditBegin"]
    calculated = result["calculatedOrder"]
    assert calculated["id"].startswith("gid://shopify/CalculatedOrder/") and calculated["committed"] is False
    assert result["orderEditSession"]["id"] == f"gid://shopify/OrderEditSession/{_num(calculated['id'])}"
    assert calculated["originalOrder"]["id"] == order["id"]
    assert [(ln["id"], ln["quantity"], ln["editableQuantity"]) for ln in calculated["lineItems"]["nodes"]] == [
        (f"gid://shopify/CalculatedLineItem/{_num(line_a['id'])}", 3, 3),
        (f"gid://shopify/CalculatedLineItem/{_num(line_b['id'])}", 2, 2),
    ]
    assert _amount(calculated["totalPriceSet"]) == Decimal("56.25")

    added = _stage(client, docs.ORDER_EDIT_ADD_VARIANT, id=calculated["id"], variantId=variants["C"]["id"], quantity=2)
    assert added["userErrors"] == []
    new_line = added["calculatedLineItem"]
    assert new_line["id"].startswith("gid://shopify/CalculatedLineItem/") and new_line["quantity"] == 2
    assert (new_line["variant"]["id"], _amount(new_line["originalUnitPriceSet"])) == (
        variants["C"]["id"],
        Decimal("12.40"),
    )
    # 56.25 + 2 x 12.40 with the order's 25% VAT on top (24.80 + 6.20)
    assert [ln["id"] for ln in added["calculatedOrder"]["addedLineItems"]["nodes"]] == [new_line["id"]]
    assert _amount(added["calculatedOrder"]["totalPriceSet"]) == Decimal("87.25")

    lowered = _stage(
        client,
        docs.ORDER_EDIT_SET_QUANTITY,
        id=result["orderEditSession"]["id"],  # the session's ID works as well as the calculated order's
        lineItemId=calculated["lineItems"]["nodes"][0]["id"],
        quantity=1,
        restock=True,
    )
    assert lowered["userErrors"] == []
    assert (lowered["calculatedLineItem"]["quantity"], lowered["calculatedLineItem"]["restocking"]) == (1, True)
    removed = _stage(
        client,
        docs.ORDER_EDIT_SET_QUANTITY,
        id=calculated["id"],
        lineItemId=calculated["lineItems"]["nodes"][1]["id"],
        quantity=0,
    )
    staged = removed["calculatedOrder"]
    # A 1 x 10.00 (VAT: a third of 7.50), B gone, C 24.80 + 6.20: 34.80 + 8.70; the customer paid 56.25
    assert (_amount(staged["subtotalPriceSet"]), _amount(staged["totalPriceSet"])) == (
        Decimal("34.80"),
        Decimal("43.50"),
    )
    assert _amount(staged["totalOutstandingSet"]) == Decimal("-12.75")
    assert staged["subtotalLineItemsQuantity"] == 3

    changes = client.data(docs.CALCULATED_ORDER, {"id": calculated["id"]})["node"]["stagedChanges"]["nodes"]
    assert sorted((c["__typename"], c.get("delta") or c.get("quantity")) for c in changes) == [
        ("OrderStagedChangeAddVariant", 2),
        ("OrderStagedChangeDecrementItem", 2),
        ("OrderStagedChangeDecrementItem", 2),
    ]
    before_commit = _sums(client, order["id"])  # nothing changes before the commit
    assert before_commit["edited"] is False and _amount(before_commit["currentTotalPriceSet"]) == Decimal("56.25")
    item = sandbox.state.get(sandbox.state.get(variants["A"]["id"])["inventoryItemId"])
    available = sum(sandbox.state.get(lv)["quantities"]["available"] for lv in item["_levels"].values())

    committed = client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"], "staffNote": "customer called"})
    payload = committed["orderEditCommit"]
    assert payload["userErrors"] == [] and payload["successMessages"]
    edited = _sums(client, order["id"])
    assert edited["edited"] is True and edited["updatedAt"] > stamp
    lines = {ln["id"]: ln for ln in edited["lineItems"]["nodes"]}
    assert (lines[line_a["id"]]["quantity"], lines[line_a["id"]]["currentQuantity"]) == (3, 1)
    assert (lines[line_b["id"]]["quantity"], lines[line_b["id"]]["currentQuantity"]) == (2, 0)
    added_id = f"gid://shopify/LineItem/{_num(new_line['id'])}"
    assert (lines[added_id]["quantity"], lines[added_id]["currentQuantity"], lines[added_id]["sku"]) == (
        2,
        2,
        variants["C"]["sku"],
    )
    assert [t["priceSet"]["shopMoney"]["amount"] for t in lines[added_id]["taxLines"]] == ["6.20"]
    assert _amount(edited["currentSubtotalPriceSet"]) == Decimal("34.80")
    assert _amount(edited["currentTotalTaxSet"]) == Decimal("8.70")
    assert _amount(edited["currentTotalPriceSet"]) == Decimal("43.50")
    assert _amount(edited["originalTotalPriceSet"]) == Decimal("56.25")
    assert _amount(edited["totalOutstandingSet"]) == Decimal("-12.75")
    assert edited["currentSubtotalLineItemsQuantity"] == 3
    # fulfillment orders follow: A's line is down to 1, B's to 0, C's is new (on a fulfillment order of its own)
    fo_lines = _fo_lines(client, order["id"])
    assert fo_lines[line_a["id"]] == [(1, 1)] and fo_lines[line_b["id"]] == [(0, 0)] and fo_lines[added_id] == [(2, 2)]
    # the two A's taken off were restocked
    assert sum(sandbox.state.get(lv)["quantities"]["available"] for lv in item["_levels"].values()) == available + 2
    again = client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"]})["orderEditCommit"]
    assert again["order"] is None and again["userErrors"][0]["field"] == ["id"]


def test_raising_a_line_keeps_its_line_and_adds_to_its_fulfillment_order(
    client: Client, variants: dict[str, Any]
) -> None:
    order = _order(client, variants)
    line_a = order["lineItems"]["nodes"][0]
    calculated = _begin(client, order["id"])
    raised = _stage(
        client,
        docs.ORDER_EDIT_SET_QUANTITY,
        id=calculated["id"],
        lineItemId=calculated["lineItems"]["nodes"][0]["id"],
        quantity=5,
    )
    assert raised["calculatedLineItem"]["quantity"] == 5
    changes = client.data(docs.CALCULATED_ORDER, {"id": calculated["id"]})["node"]["stagedChanges"]["nodes"]
    assert changes == [{"__typename": "OrderStagedChangeIncrementItem", "delta": 2, "lineItem": {"id": line_a["id"]}}]
    client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"]})
    edited = _sums(client, order["id"])
    line = edited["lineItems"]["nodes"][0]
    assert (line["id"], line["quantity"], line["currentQuantity"]) == (line_a["id"], 5, 5)
    # 5 x 10.00 + 2 x 7.50 = 65.00, VAT 12.50 + 3.75; the customer paid 56.25 and owes 25.00 more
    assert _amount(edited["currentTotalPriceSet"]) == Decimal("81.25")
    assert _amount(edited["totalOutstandingSet"]) == Decimal("25.00")
    assert edited["displayFinancialStatus"] == "PARTIALLY_PAID"
    assert _fo_lines(client, order["id"])[line_a["id"]] == [(5, 5)]


def test_added_variant_on_a_taxes_included_order_holds_its_tax(client: Client, variants: dict[str, Any]) -> None:
    order = _order(client, variants, included=True)
    # 30.00 + 15.00 holding 6.00 + 3.00
    assert (_amount(order["totalPriceSet"]), _amount(order["totalTaxSet"])) == (Decimal("45.00"), Decimal("9.00"))
    calculated = _begin(client, order["id"])
    _stage(client, docs.ORDER_EDIT_ADD_VARIANT, id=calculated["id"], variantId=variants["C"]["id"], quantity=1)
    client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"]})
    edited = _sums(client, order["id"])
    # 12.40 holds 12.40 * .25 / 1.25 = 2.48; no tax on top
    assert _amount(edited["currentTotalPriceSet"]) == Decimal("57.40")
    assert _amount(edited["currentTotalTaxSet"]) == Decimal("11.48")
    assert _amount(edited["currentSubtotalPriceSet"]) == Decimal("57.40")


def test_quantity_cannot_go_below_what_is_fulfilled(client: Client, variants: dict[str, Any]) -> None:
    order = _order(client, variants)
    detail = client.data(docs.ORDER_DETAIL, {"id": order["id"]})["order"]
    fo = detail["fulfillmentOrders"]["nodes"][0]
    fo_line_a = next(i for i in fo["lineItems"]["nodes"] if i["lineItem"]["id"] == order["lineItems"]["nodes"][0]["id"])
    shipped = client.data(
        docs.FULFILLMENT_CREATE,
        {
            "fulfillment": {
                "lineItemsByFulfillmentOrder": [
                    {
                        "fulfillmentOrderId": fo["id"],
                        "fulfillmentOrderLineItems": [{"id": fo_line_a["id"], "quantity": 2}],
                    }
                ]
            }
        },
    )["fulfillmentCreate"]
    assert shipped["userErrors"] == []
    calculated = _begin(client, order["id"])
    calc_a = calculated["lineItems"]["nodes"][0]
    assert (calc_a["quantity"], calc_a["editableQuantity"]) == (3, 1)
    too_low = _stage(client, docs.ORDER_EDIT_SET_QUANTITY, id=calculated["id"], lineItemId=calc_a["id"], quantity=1)
    assert too_low["calculatedLineItem"] is None
    assert too_low["userErrors"][0]["field"] == ["quantity"] and "fulfilled" in too_low["userErrors"][0]["message"]
    to_two = _stage(client, docs.ORDER_EDIT_SET_QUANTITY, id=calculated["id"], lineItemId=calc_a["id"], quantity=2)
    assert to_two["userErrors"] == [] and to_two["calculatedLineItem"]["editableQuantity"] == 0
    client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"]})
    # the fulfillment order line of A: 2 ordered and both fulfilled, nothing left to fulfil
    assert _fo_lines(client, order["id"])[order["lineItems"]["nodes"][0]["id"]] == [(2, 0)]
    # staged to 0, then fulfilled before the commit: the commit is refused
    later = _begin(client, order["id"])
    calc_b = later["lineItems"]["nodes"][1]
    assert (
        _stage(client, docs.ORDER_EDIT_SET_QUANTITY, id=later["id"], lineItemId=calc_b["id"], quantity=0)["userErrors"]
        == []
    )
    fo_line_b = next(i for i in fo["lineItems"]["nodes"] if i["lineItem"]["id"] == order["lineItems"]["nodes"][1]["id"])
    one_b = {"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": [{"id": fo_line_b["id"], "quantity": 1}]}
    assert (
        client.data(docs.FULFILLMENT_CREATE, {"fulfillment": {"lineItemsByFulfillmentOrder": [one_b]}})[
            "fulfillmentCreate"
        ]["userErrors"]
        == []
    )
    stale = client.data(docs.ORDER_EDIT_COMMIT, {"id": later["id"]})["orderEditCommit"]
    assert stale["order"] is None and "fulfilled" in stale["userErrors"][0]["message"]
    assert _sums(client, order["id"])["lineItems"]["nodes"][1]["currentQuantity"] == 2


def test_cancelled_and_closed_orders_cannot_be_edited(client: Client, variants: dict[str, Any]) -> None:
    cancelled = _order(client, variants)
    client.data(docs.ORDER_CANCEL, {"orderId": cancelled["id"], "restock": True})
    refused = client.data(docs.ORDER_EDIT_BEGIN, {"id": cancelled["id"]})["orderEditBegin"]
    assert refused["calculatedOrder"] is None and refused["userErrors"][0]["field"] == ["id"]
    assert "cancel" in refused["userErrors"][0]["message"]
    answered = _sums(client, cancelled["id"])
    assert answered["merchantEditable"] is False
    assert answered["merchantEditableErrors"] == [refused["userErrors"][0]["message"]]

    order = _order(client, variants)
    calculated = _begin(client, order["id"])  # begun while open ...
    client.data(docs.ORDER_CLOSE, {"id": order["id"]})
    closed = client.data(docs.ORDER_EDIT_BEGIN, {"id": order["id"]})["orderEditBegin"]
    assert closed["calculatedOrder"] is None and "closed" in closed["userErrors"][0]["message"]
    late = client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"]})["orderEditCommit"]  # ... committed once closed
    assert late["order"] is None and late["userErrors"]
    client.data(docs.ORDER_OPEN, {"id": order["id"]})
    assert _sums(client, order["id"])["merchantEditable"] is True
    assert client.data(docs.ORDER_EDIT_COMMIT, {"id": calculated["id"]})["orderEditCommit"]["userErrors"] == []
    missing = client.data(docs.ORDER_EDIT_BEGIN, {"id": "gid://shopify/Order/1"})["orderEditBegin"]
    assert missing["calculatedOrder"] is None and missing["userErrors"][0]["field"] == ["id"]


def test_staging_mistakes_are_user_errors(client: Client, variants: dict[str, Any]) -> None:
    order = _order(client, variants)
    calculated = _begin(client, order["id"])
    cid = calculated["id"]

    def add(**kw: Any) -> dict[str, Any]:
        return _stage(client, docs.ORDER_EDIT_ADD_VARIANT, id=cid, **kw)

    assert add(variantId=variants["C"]["id"], quantity=0)["userErrors"][0]["field"] == ["quantity"]
    assert add(variantId="gid://shopify/ProductVariant/1", quantity=1)["userErrors"][0]["field"] == ["variantId"]
    duplicate = add(variantId=variants["A"]["id"], quantity=1)
    assert duplicate["calculatedLineItem"] is None and duplicate["userErrors"][0]["field"] == ["variantId"]
    allowed = add(variantId=variants["A"]["id"], quantity=1, allowDuplicates=True)
    assert allowed["userErrors"] == [] and allowed["calculatedLineItem"]["quantity"] == 1
    # an added line set to 0 leaves the edit
    gone = _stage(
        client, docs.ORDER_EDIT_SET_QUANTITY, id=cid, lineItemId=allowed["calculatedLineItem"]["id"], quantity=0
    )
    assert gone["userErrors"] == [] and gone["calculatedOrder"]["addedLineItems"]["nodes"] == []
    negative = _stage(
        client, docs.ORDER_EDIT_SET_QUANTITY, id=cid, lineItemId=calculated["lineItems"]["nodes"][0]["id"], quantity=-1
    )
    assert negative["userErrors"][0]["field"] == ["quantity"]
    stranger = _stage(
        client, docs.ORDER_EDIT_SET_QUANTITY, id=cid, lineItemId=order["lineItems"]["nodes"][0]["id"], quantity=1
    )
    assert stranger["userErrors"][0]["field"] == ["lineItemId"]  # a LineItem ID is not a CalculatedLineItem ID
    unknown = _stage(
        client,
        docs.ORDER_EDIT_ADD_VARIANT,
        id="gid://shopify/CalculatedOrder/1",
        variantId=variants["C"]["id"],
        quantity=1,
    )
    assert unknown["userErrors"][0]["field"] == ["id"]
    committed = client.data(docs.ORDER_EDIT_COMMIT, {"id": cid})["orderEditCommit"]
    assert committed["userErrors"] == []
    # an edit with nothing staged still commits, and the order is unchanged but marked edited
    assert _amount(committed["order"]["currentTotalPriceSet"]) == Decimal("56.25")
