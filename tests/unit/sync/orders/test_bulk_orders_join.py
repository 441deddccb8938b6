"""The bulk read's JSONL join, as a property: random order trees written the way Shopify writes a bulk
result (every connection node on its own line with ``__parentId``, lists inline), the lines split apart and
interleaved in any order Shopify may use (a child after its parent, the nodes of one connection in their
order), joined back: every order comes back whole, in the shape a normal query answers."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.shopify.bulk import BulkResult
from shopops.sync.orders import bulk_windows
from shopops.sync.orders.parse import parse_order

ids = iter(range(1, 10**9))


def gid(kind: str) -> str:
    return f"gid://shopify/{kind}/{next(ids)}"


def money(amount: str) -> dict[str, Any]:
    return {
        "shopMoney": {"amount": amount, "currencyCode": "EUR"},
        "presentmentMoney": {"amount": amount, "currencyCode": "EUR"},
    }


@st.composite
def order_tree(draw: st.DrawFn) -> dict[str, Any]:
    """One order as a normal query answers it (connections as nodes lists)."""
    lines = [
        {
            "id": gid("LineItem"),
            "sku": draw(st.sampled_from(["A", "B", "C", None])),
            "quantity": draw(st.integers(1, 9)),
            "originalUnitPriceSet": money(f"{draw(st.integers(0, 99999)) / 100:.2f}"),
            "taxLines": [{"title": "VAT", "rate": 0.25, "priceSet": money("1.00")}],
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    fos = [
        {
            "id": gid("FulfillmentOrder"),
            "status": draw(st.sampled_from(["OPEN", "CLOSED"])),
            "assignedLocation": {"location": {"id": "gid://shopify/Location/1"}},
            "lineItems": {
                "nodes": [
                    {"id": gid("FulfillmentOrderLineItem"), "lineItem": {"id": line["id"]}, "totalQuantity": 1}
                    for line in lines[: draw(st.integers(0, len(lines)))]
                ]
            },
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {
        "id": gid("Order"),
        "name": f"#{next(ids)}",
        "totalPriceSet": money("10.00"),
        "transactions": [{"id": gid("OrderTransaction"), "kind": "SALE", "amountSet": money("10.00")}],
        "refunds": [{"id": gid("Refund"), "totalRefundedSet": money("1.00")}] if draw(st.booleans()) else [],
        "lineItems": {"nodes": lines},
        "shippingLines": {
            "nodes": [{"id": gid("ShippingLine"), "title": "Post"} for _ in range(draw(st.integers(0, 2)))]
        },
        "fulfillmentOrders": {"nodes": fos},
    }


def jsonl(orders: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """The lines of a bulk result in one order Shopify may write them in."""
    groups: dict[tuple[str | None, str], list[dict[str, Any]]] = {}

    def emit(node: dict[str, Any], parent: str | None, kind: str) -> None:
        line = {k: v for k, v in node.items() if not (isinstance(v, dict) and "nodes" in v)}
        if parent is not None:
            line["__parentId"] = parent
        groups.setdefault((parent, kind), []).append(line)
        for key, value in node.items():
            if isinstance(value, dict) and "nodes" in value:
                for child in value["nodes"]:
                    emit(dict(child), node["id"], key)

    for order in orders:
        emit(order, None, "orders")
    out: list[dict[str, Any]] = []
    written: set[str | None] = {None}
    while groups:  # any group whose parent is written may go next; a group keeps its own order
        ready = [key for key in groups if key[0] in written]
        key = rng.choice(ready)
        line = groups[key].pop(0)
        if not groups[key]:
            del groups[key]
        out.append(line)
        written.add(line.get("id"))
    return out


def result(lines: list[dict[str, Any]]) -> BulkResult:
    def stream(url: str) -> Iterator[bytes]:
        for line in lines:
            yield json.dumps(line).encode()

    return BulkResult(
        "gid://shopify/BulkOperation/1", "COMPLETED", None, len(lines), None, "http://x/r.jsonl", None, stream
    )


def api_shape(order: dict[str, Any]) -> dict[str, Any]:
    """What the join must give back: each connection complete, with pageInfo saying so."""
    done = {"hasNextPage": False, "endCursor": None}
    out = json.loads(json.dumps(order))
    for key in ("lineItems", "shippingLines", "fulfillmentOrders"):
        out[key]["pageInfo"] = done
    for fo in out["fulfillmentOrders"]["nodes"]:
        fo["lineItems"]["pageInfo"] = done
    return dict(out)


@settings(max_examples=60, deadline=None)
@given(orders=st.lists(order_tree(), min_size=0, max_size=8), seed=st.integers(0, 2**32 - 1))
def test_any_shopify_order_of_lines_joins_back_to_the_same_orders(orders: list[dict[str, Any]], seed: int) -> None:
    lines = jsonl(orders, random.Random(seed))
    joined = [bulk_windows._shape(o) for o in result(lines).objects(children=bulk_windows.CHILDREN)]
    assert joined == [api_shape(o) for o in orders]


def test_joined_orders_parse_like_the_ones_a_query_answers() -> None:
    order = {
        "id": "gid://shopify/Order/7",
        "name": "#7",
        "totalPriceSet": money("10.00"),
        "lineItems": {"nodes": [{"id": "gid://shopify/LineItem/1", "quantity": 2}]},
        "shippingLines": {"nodes": []},
        "fulfillmentOrders": {
            "nodes": [
                {
                    "id": "gid://shopify/FulfillmentOrder/3",
                    "status": "OPEN",
                    "assignedLocation": {"location": {"id": "gid://shopify/Location/9"}},
                    "lineItems": {
                        "nodes": [
                            {
                                "id": "gid://shopify/FulfillmentOrderLineItem/4",
                                "lineItem": {"id": "gid://shopify/LineItem/1"},
                            }
                        ]
                    },
                }
            ]
        },
    }
    lines = jsonl([order], random.Random(1))
    joined = next(result(lines).objects(children=bulk_windows.CHILDREN))
    assert parse_order(bulk_windows._shape(joined)) == parse_order(api_shape(order))
    assert parse_order(api_shape(order)).lines[0]["location_id"] == 9
