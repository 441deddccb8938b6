"""Order sums to the cent, with prices that include tax and prices that do not (issue 12).

Every expected amount here is worked out by hand from the inputs (the arithmetic is in the comments):
``taxesIncluded`` means the line and shipping prices already hold their taxes, the tax lines are the
part of the price ``price * rate / (1 + rate)``, and the total adds no tax on top. Roundings are to
the cent, half up, on each tax line.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from . import documents as docs
from .conftest import Client


def _usd(amount: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "USD"}}


def _vat(rate: str = "0.25", price: str | None = None, title: str = "VAT") -> dict[str, Any]:
    tax: dict[str, Any] = {"title": title, "rate": rate}
    if price is not None:
        tax["priceSet"] = _usd(price)
    return tax


def _lines(taxed: bool = True) -> list[dict[str, Any]]:
    taxes = [_vat()] if taxed else []
    return [
        {"title": "Chair", "sku": "CH-1", "quantity": 2, "priceSet": _usd("125.00"), "taxLines": taxes},
        {"title": "Lamp", "sku": "LA-1", "quantity": 3, "priceSet": _usd("19.99"), "taxLines": taxes},
    ]


def _shipping(tax: dict[str, Any] | None = None, price: str = "49.00") -> list[dict[str, Any]]:
    return [{"title": "Freight", "priceSet": _usd(price), "taxLines": [tax] if tax else []}]


def _create(client: Client, order: dict[str, Any]) -> dict[str, Any]:
    result = client.data(docs.ORDER_CREATE, {"order": {"financialStatus": "PAID", **order}})["orderCreate"]
    assert result["userErrors"] == []
    return _sums(client, result["order"]["id"])


def _sums(client: Client, order_id: str) -> dict[str, Any]:
    order: dict[str, Any] = client.data(docs.ORDER_SUMS, {"id": order_id})["order"]
    return order


def _amount(value: dict[str, Any]) -> Decimal:
    return Decimal(value["shopMoney"]["amount"])


def _order_amounts(order: dict[str, Any]) -> dict[str, Decimal]:
    names = (
        "subtotalPriceSet",
        "totalTaxSet",
        "totalPriceSet",
        "currentSubtotalPriceSet",
        "currentTotalTaxSet",
        "currentTotalPriceSet",
        "totalDiscountsSet",
        "currentTotalDiscountsSet",
        "totalShippingPriceSet",
        "currentShippingPriceSet",
    )
    return {name: _amount(order[name]) for name in names}


def _expect(
    subtotal: str, tax: str, total: str, discounts: str = "0.00", shipping: str = "0.00", current_shipping: str = ""
) -> dict[str, Decimal]:
    """The sums of an order nothing has been returned from: the current ones equal the original ones."""
    return {
        "subtotalPriceSet": Decimal(subtotal),
        "totalTaxSet": Decimal(tax),
        "totalPriceSet": Decimal(total),
        "currentSubtotalPriceSet": Decimal(subtotal),
        "currentTotalTaxSet": Decimal(tax),
        "currentTotalPriceSet": Decimal(total),
        "totalDiscountsSet": Decimal(discounts),
        "currentTotalDiscountsSet": Decimal(discounts),
        "totalShippingPriceSet": Decimal(shipping),
        "currentShippingPriceSet": Decimal(current_shipping or shipping),
    }


def _line_taxes(order: dict[str, Any]) -> list[list[str]]:
    return [[t["priceSet"]["shopMoney"]["amount"] for t in line["taxLines"]] for line in order["lineItems"]["nodes"]]


def test_taxes_included_rate_only_taxes_are_the_part_of_the_price(client: Client) -> None:
    order = _create(client, {"taxesIncluded": True, "lineItems": _lines(), "shippingLines": _shipping(_vat())})
    assert order["taxesIncluded"] is True
    # chair 2 x 125.00 = 250.00 holds 250 * .25 / 1.25 = 50.00; lamp 3 x 19.99 = 59.97 holds 11.994 -> 11.99;
    # freight 49.00 holds 9.80; the total is what the customer was charged: 250.00 + 59.97 + 49.00
    assert _line_taxes(order) == [["50.00"], ["11.99"]]
    assert order["shippingLines"]["nodes"][0]["taxLines"][0]["priceSet"]["shopMoney"]["amount"] == "9.80"
    assert _order_amounts(order) == _expect("309.97", "71.79", "358.97", shipping="49.00")
    assert [(t["title"], t["rate"], t["priceSet"]["shopMoney"]["amount"]) for t in order["taxLines"]] == [
        ("VAT", 0.25, "71.79")
    ]
    # the deprecated scalar twins say the same
    assert (order["subtotalPrice"], order["totalTax"], order["totalPrice"], order["totalShippingPrice"]) == (
        "309.97",
        "71.79",
        "358.97",
        "49.00",
    )
    assert order["displayFinancialStatus"] == "PAID"
    assert _amount(order["totalOutstandingSet"]) == 0


def test_taxes_excluded_rate_only_taxes_come_on_top(client: Client) -> None:
    order = _create(client, {"lineItems": _lines(), "shippingLines": _shipping(_vat())})
    assert order["taxesIncluded"] is False
    # 250.00 * .25 = 62.50; 59.97 * .25 = 14.9925 -> 14.99; 49.00 * .25 = 12.25; total 309.97 + 49.00 + 89.74
    assert _line_taxes(order) == [["62.50"], ["14.99"]]
    assert _order_amounts(order) == _expect("309.97", "89.74", "448.71", shipping="49.00")


def test_taxes_included_with_a_percentage_code_and_untaxed_shipping(client: Client) -> None:
    order = _create(
        client,
        {
            "taxesIncluded": True,
            "lineItems": _lines(),
            "shippingLines": _shipping(),
            "discountCode": {"itemPercentageDiscountCode": {"code": "TEN", "percentage": 10}},
        },
    )
    # 10% off: chair 250.00 - 25.00 = 225.00 holds 45.00; lamp 59.97 - 6.00 (5.997) = 53.97 holds 10.794 -> 10.79
    lines = order["lineItems"]["nodes"]
    assert [_amount(ln["totalDiscountSet"]) for ln in lines] == [Decimal("25.00"), Decimal("6.00")]
    assert [_amount(ln["discountedTotalSet"]) for ln in lines] == [Decimal("225.00"), Decimal("53.97")]
    assert _line_taxes(order) == [["45.00"], ["10.79"]]
    assert _order_amounts(order) == _expect("278.97", "55.79", "327.97", discounts="31.00", shipping="49.00")
    assert _amount(order["cartDiscountAmountSet"]) == Decimal("31.00")


def test_taxes_excluded_with_a_fixed_code_and_priced_shipping_tax(client: Client) -> None:
    order = _create(
        client,
        {
            "lineItems": _lines(),
            "shippingLines": _shipping(_vat(price="12.25")),
            "discountCode": {"itemFixedDiscountCode": {"code": "EIGHTEEN", "amountSet": _usd("18.00")}},
        },
    )
    # 18.00 off the lines, taxed after the discount: 291.97 * .25 comes to 72.99 over the two lines
    # (232.00 -> 58.00 and 59.97 -> 14.99 as the sandbox allocates it; 235.48 -> 58.87 and 56.49 -> 14.12 spread
    # over both lines), and the shipping tax as given, 12.25
    lines = order["lineItems"]["nodes"]
    assert sum(_amount(ln["totalDiscountSet"]) for ln in lines) == Decimal("18.00")
    assert sum(Decimal(t) for taxes in _line_taxes(order) for t in taxes) == Decimal("72.99")
    assert _order_amounts(order) == _expect("291.97", "85.24", "426.21", discounts="18.00", shipping="49.00")


def test_taxes_included_with_free_shipping(client: Client) -> None:
    order = _create(
        client,
        {
            "taxesIncluded": True,
            "lineItems": _lines()[:1],
            "shippingLines": _shipping(_vat()),
            "discountCode": {"freeShippingDiscountCode": {"code": "FREESHIP"}},
        },
    )
    ship = order["shippingLines"]["nodes"][0]
    # the freight is discounted to nothing, and so is its tax; the shipping price stays what it was
    assert (_amount(ship["originalPriceSet"]), _amount(ship["discountedPriceSet"])) == (Decimal("49.00"), 0)
    assert ship["taxLines"][0]["priceSet"]["shopMoney"]["amount"] == "0.00"
    expected = _expect("250.00", "50.00", "250.00", discounts="49.00", shipping="49.00", current_shipping="0.00")
    assert _order_amounts(order) == expected


def test_order_level_tax_lines_are_split_across_the_taxable_lines(client: Client) -> None:
    gift_card = {"title": "Gift card", "quantity": 1, "priceSet": _usd("25.00"), "giftCard": True}
    included = _create(
        client, {"taxesIncluded": True, "lineItems": [*_lines(taxed=False), gift_card], "taxLines": [_vat()]}
    )
    # each taxable line holds its part (50.00 and 11.99); a gift card is not taxed
    assert _line_taxes(included) == [["50.00"], ["11.99"], []]
    assert _order_amounts(included) == _expect("334.97", "61.99", "334.97")
    priced = _create(client, {"lineItems": _lines(taxed=False), "taxLines": [_vat("0.05", "15.50", "GST")]})
    # 15.50 in proportion to 250.00 : 59.97 -> 12.5012 -> 12.50 and the rest, 3.00
    assert _line_taxes(priced) == [["12.50"], ["3.00"]]
    assert _order_amounts(priced) == _expect("309.97", "15.50", "325.47")
    both = client.data(docs.ORDER_CREATE, {"order": {"lineItems": _lines(), "taxLines": [_vat()]}})["orderCreate"]
    assert both["order"] is None and both["userErrors"][0]["field"] == ["order", "taxLines"]


def test_two_included_taxes_share_the_price_between_them(client: Client) -> None:
    line = {
        "title": "Desk",
        "quantity": 1,
        "priceSet": _usd("114.98"),
        "taxLines": [_vat("0.05", title="GST"), _vat("0.09975", title="QST")],
    }
    order = _create(client, {"taxesIncluded": True, "lineItems": [line]})
    # 114.98 = 100.00 net + 5% GST + 9.975% QST: 114.98 * .05 / 1.14975 = 5.0002 -> 5.00,
    # 114.98 * .09975 / 1.14975 = 9.9755 -> 9.98
    assert _line_taxes(order) == [["5.00", "9.98"]]
    assert _order_amounts(order) == _expect("114.98", "14.98", "114.98")


def _refund(client: Client, order: dict[str, Any], refund: dict[str, Any]) -> dict[str, Any]:
    result = client.data(docs.REFUND_AMOUNTS, {"key": str(uuid.uuid4()), "input": {"orderId": order["id"], **refund}})
    assert result["refundCreate"]["userErrors"] == []
    created: dict[str, Any] = result["refundCreate"]["refund"]
    return created


def _money_back(order: dict[str, Any], amount: str) -> list[dict[str, Any]]:
    return [{"orderId": order["id"], "amount": amount, "gateway": "manual", "kind": "REFUND"}]


def test_refund_of_a_taxes_included_order_returns_gross_amounts(client: Client) -> None:
    order = _create(
        client,
        {
            "taxesIncluded": True,
            "lineItems": _lines(),
            "shippingLines": _shipping(_vat()),
            "discountCode": {"itemPercentageDiscountCode": {"code": "TEN", "percentage": 10}},
        },
    )
    # freight 49.00 holds 9.80: tax 45.00 + 10.79 + 9.80; total 278.97 + 49.00
    assert (_amount(order["totalTaxSet"]), _amount(order["totalPriceSet"])) == (Decimal("65.59"), Decimal("327.97"))
    lamp = order["lineItems"]["nodes"][1]
    refund = _refund(
        client,
        order,
        {
            "refundLineItems": [{"lineItemId": lamp["id"], "quantity": 1, "restockType": "NO_RESTOCK"}],
            "shipping": {"fullRefund": True},
            "transactions": _money_back(order, "66.99"),
        },
    )
    [item] = refund["refundLineItems"]["nodes"]
    # one lamp of three: 53.97 / 3 = 17.99 with its tax inside, which is 10.79 less what stays with two (7.19)
    assert (_amount(item["priceSet"]), _amount(item["subtotalSet"]), _amount(item["totalTaxSet"])) == (
        Decimal("17.99"),
        Decimal("17.99"),
        Decimal("3.60"),
    )
    [ship] = refund["refundShippingLines"]["nodes"]
    assert (_amount(ship["subtotalAmountSet"]), _amount(ship["taxAmountSet"])) == (Decimal("49.00"), Decimal("9.80"))
    after = _sums(client, order["id"])
    # before returns nothing moves; after returns: 278.97 - 17.99, tax 65.59 - 3.60 - 9.80, total 327.97 - 66.99
    assert _amount(after["totalPriceSet"]) == Decimal("327.97")
    assert _amount(after["currentSubtotalPriceSet"]) == Decimal("260.98")
    assert _amount(after["currentTotalTaxSet"]) == Decimal("52.19")
    assert _amount(after["currentShippingPriceSet"]) == 0
    assert _amount(after["currentTotalPriceSet"]) == Decimal("260.98")
    assert _amount(after["currentTotalDiscountsSet"]) == Decimal("29.00")  # 25.00 + two thirds of 6.00
    assert (_amount(after["totalRefundedSet"]), _amount(after["totalOutstandingSet"])) == (Decimal("66.99"), 0)
    assert after["displayFinancialStatus"] == "PARTIALLY_REFUNDED"


def test_refund_of_a_taxes_excluded_order_returns_net_amounts_and_their_tax(client: Client) -> None:
    order = _create(client, {"lineItems": _lines(), "shippingLines": _shipping(_vat())})
    chair = order["lineItems"]["nodes"][0]
    refund = _refund(
        client,
        order,
        {"refundLineItems": [{"lineItemId": chair["id"], "quantity": 1}], "transactions": _money_back(order, "156.25")},
    )
    [item] = refund["refundLineItems"]["nodes"]
    assert (_amount(item["subtotalSet"]), _amount(item["totalTaxSet"])) == (Decimal("125.00"), Decimal("31.25"))
    after = _sums(client, order["id"])
    # 448.71 - 125.00 - 31.25; tax 89.74 - 31.25
    assert _amount(after["currentTotalPriceSet"]) == Decimal("292.46")
    assert _amount(after["currentTotalTaxSet"]) == Decimal("58.49")
    assert _amount(after["currentSubtotalPriceSet"]) == Decimal("184.97")
    # money back without anything returned (an appeasement) leaves the current total, and owes nothing
    _refund(client, order, {"transactions": _money_back(order, "10.00")})
    appeased = _sums(client, order["id"])
    assert _amount(appeased["currentTotalPriceSet"]) == Decimal("292.46")
    assert (_amount(appeased["totalRefundedSet"]), _amount(appeased["totalOutstandingSet"])) == (Decimal("166.25"), 0)


def test_a_refund_takes_off_each_tax_line_as_the_current_tax_lines_count_it(client: Client) -> None:
    """Two tax lines on one line: each keeps its own share of the current quantity, so the refund line's tax
    is exactly what the order's current total tax drops by (found by the order-to-cash property test)."""
    line = {
        "title": "Case",
        "quantity": 5,
        "priceSet": _usd("132.04"),
        "taxLines": [_vat("0.06", "39.61", "State"), _vat("0.1", "66.02", "County")],
    }
    order = _create(client, {"lineItems": [line]})
    assert _amount(order["currentTotalPriceSet"]) == Decimal("765.83")  # 660.20 + 39.61 + 66.02
    item = order["lineItems"]["nodes"][0]
    # one of five: 39.61 * 4/5 = 31.688 -> 31.69 and 66.02 * 4/5 = 52.816 -> 52.82 stay, 84.51 of 105.63;
    # the whole tax's four fifths (84.504 -> 84.50) would take off a cent more than the tax lines drop by
    refund = _refund(
        client,
        order,
        {
            "refundLineItems": [{"lineItemId": item["id"], "quantity": 1, "restockType": "NO_RESTOCK"}],
            "transactions": _money_back(order, "153.16"),
        },
    )
    [back] = refund["refundLineItems"]["nodes"]
    assert (_amount(back["subtotalSet"]), _amount(back["totalTaxSet"])) == (Decimal("132.04"), Decimal("21.12"))
    after = _sums(client, order["id"])
    assert _amount(after["currentTotalTaxSet"]) == Decimal("84.51")
    assert _amount(after["currentTotalPriceSet"]) == Decimal("612.67") == Decimal("765.83") - Decimal("153.16")
