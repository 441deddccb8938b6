"""sync-shipments against the sandbox, on SQLite and PostgreSQL: posted shipments become Shopify
fulfillments per location with tracking and the shop's notify flag; -1 / -2 markers and the skipped-record
log; reruns, reset, dry run, and a fulfillmentCreate whose answer never comes.

Sales orders are made here with the ERP API (not create-sales-documents) for orders imported by
sync-orders, and posted with ``post_order`` to get the posted shipments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.erp import NewSalesLine
from shopops.sandbox import FaultPlan, Sandbox
from shopops.shopify import ShopifyClient, operations
from shopops.shopify.request_log import RequestLogEntry
from shopops.shopify.retry import RetryPolicy
from shopops.store import tables as t
from shopops.sync import RunContext, state
from shopops.sync.orders.parse import order_gid
from shopops.sync.shipments import api as shipment_api
from shopops.sync.shipments.sync_shipments import reset_shipment, sync_shipments
from shopops.sync.values import shopify_id
from tests.integration.sync.sales_documents.shopify_orders import CANCEL

SHOP = "SBX"
MAIN, STORE = "gid://shopify/Location/1001", "gid://shopify/Location/1002"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="tiny", plan="plus") as box:
        yield box


def create_order(sandbox: Any, **order: Any) -> int:
    """An order made the real way (orderCreate); its numeric id."""
    body = sandbox.post(operations.load("OrderCreate"), {"order": order}).json()
    assert "errors" not in body and not body["data"]["orderCreate"]["userErrors"], body
    return int(shopify_id(body["data"]["orderCreate"]["order"]["id"]) or 0)


@pytest.fixture(scope="module")
def variants(sandbox: Any) -> tuple[str, str]:
    """Two variants: one shipped from the main warehouse, one from the store only (so an order with
    both gets one fulfillment order per location)."""
    st = sandbox.state
    levels = list(st.table("InventoryLevel").values())
    stocked = {(lv["itemId"], lv["locationId"]) for lv in levels}
    at_both = sorted({i for i, _loc in stocked if (i, MAIN) in stocked and (i, STORE) in stocked})
    variant_of = {v["inventoryItemId"]: v["id"] for v in st.table("ProductVariant").values()}
    main_item = next(i for i in sorted(variant_of) if (i, MAIN) in stocked and i != at_both[0])
    with st.lock:
        for lv in levels:
            if lv["itemId"] == at_both[0]:
                lv["quantities"]["available"] = 0 if lv["locationId"] == MAIN else 1000
            elif lv["itemId"] == main_item and lv["locationId"] == MAIN:
                lv["quantities"]["available"] = 1000
    return variant_of[main_item], variant_of[at_both[0]]


@pytest.fixture
def shop(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.add_token("demo"))  # a token, and so a cost bucket, per test
    ws.shops.add(SHOP, url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False)
    erp = ws.erp
    erp.locations.add("MAIN", name="Main warehouse")
    erp.customers.add("C0001", name="Ada Lovelace", email="ada@example.com")
    erp.items.add("1000", description="Bicycle", unit_price=Decimal("10.00"))
    erp.shipping_agents.add(
        "DHL", name="DHL", internet_address="https://dhl.example/track?id=%1", shopify_tracking_company="DHL Express"
    )
    return SHOP


def ship(
    ws: Any, sandbox: Any, lines: list[dict[str, Any]], *, shipped: list[int] | None = None, tracking: str = "JD0001"
) -> tuple[int, str]:
    """An order made in Shopify, imported by sync-orders, ordered in the ERP and shipped (``shipped``
    units per line; all by default). Returns the Shopify order id and the posted shipment no."""
    order_id = create_order(sandbox, email="s@example.com", lineItems=lines)
    assert ws.run("sync-orders", shop=SHOP).ok
    mirror = sorted(rows(ws, t.shopify_order_line, order_id=order_id), key=lambda r: r["position"])
    assert len(mirror) == len(lines)
    doc = ws.erp.sales.create(
        "order",
        "C0001",
        [
            NewSalesLine(
                "item",
                "1000",
                Decimal(m["quantity"]),
                location_code="MAIN",
                shopify_line_type="line_item",
                shopify_order_line_id=m["id"],
            )
            for m in mirror
        ],
        shop_code=SHOP,
        shopify_order_id=order_id,
        shopify_order_no=f"#{order_id}",
        shipping_agent_code="DHL",
        package_tracking_no=tracking,
    )
    quantities = None
    if shipped is not None:
        quantities = {line.line_no: Decimal(q) for line, q in zip(doc.lines, shipped, strict=True)}
    result = ws.erp.posting.post_order(doc.no, invoice=False, quantities=quantities)
    assert result.shipment_no
    return order_id, result.shipment_no


def rows(ws: Any, table: sa.Table, **where: Any) -> list[dict[str, Any]]:
    query = sa.select(table).where(*(table.c[k] == v for k, v in where.items()))
    with ws.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def fulfillments(sandbox: Any, order_id: int) -> list[dict[str, Any]]:
    order = sandbox.state.get(order_gid(order_id), "Order")
    return [sandbox.state.get(g, "Fulfillment") for g in order["fulfillmentIds"]]


def marker(ws: Any, no: str) -> int:
    return int(ws.erp.posted.shipment(no).shopify_fulfillment_id)


def run(ws: Any, sandbox: Any, *, log: list[RequestLogEntry] | None = None, **params: Any) -> tuple[RunContext, Any]:
    """Run the report here with a client we control (request log, short timeout, fast retries)."""
    client = ShopifyClient(
        sandbox.url,
        ws.shops[SHOP].token,
        timeout=(2.0, 0.5),
        retry=RetryPolicy.fast(),
        log_mode="all" if log is not None else "errors",
        log_sink=log.append if log is not None else None,
    )
    ctx = RunContext(
        engine=ws.engine,
        shop=ws.shops[SHOP],
        params=params,
        dry_run=bool(params.get("dry_run")),
        report="sync-shipments",
        client_factory=lambda: client,
    )
    return ctx, sync_shipments(ctx, params)


def line(variant: str, quantity: int) -> dict[str, Any]:
    return {"variantId": variant, "quantity": quantity}


def test_partial_shipment_fulfils_what_was_shipped_with_tracking(
    ws: Any, shop: str, sandbox: Any, variants: tuple[str, str]
) -> None:
    order_id, no = ship(ws, sandbox, [line(variants[0], 3)], shipped=[2])
    result = ws.run("sync-shipments", shop=shop)
    assert result.ok, result.error
    assert result.stats["created"] == 1 and result.api_cost > 0
    [made] = fulfillments(sandbox, order_id)
    assert made["totalQuantity"] == 2 and made["locationId"] == MAIN
    assert made["trackingInfo"] == [
        {"company": "DHL Express", "number": "JD0001", "url": "https://dhl.example/track?id=JD0001"}
    ]
    assert marker(ws, no) == shopify_id(made["id"])
    fo = sandbox.state.get(sandbox.state.get(order_gid(order_id), "Order")["fulfillmentOrderIds"][0])
    assert fo["status"] == "IN_PROGRESS" and fo["_lineItems"][0]["remainingQuantity"] == 1


def test_two_locations_make_two_fulfillments(ws: Any, shop: str, sandbox: Any, variants: tuple[str, str]) -> None:
    order_id, no = ship(ws, sandbox, [line(variants[0], 1), line(variants[1], 2)])
    result = ws.run("sync-shipments", shop=shop)
    assert result.ok and result.stats["created"] == 2
    made = fulfillments(sandbox, order_id)
    assert sorted((f["locationId"], f["totalQuantity"]) for f in made) == [(MAIN, 1), (STORE, 2)]
    assert all(f["trackingInfo"][0]["number"] == "JD0001" for f in made)
    assert marker(ws, no) in {shopify_id(f["id"]) for f in made}
    assert sandbox.state.get(order_gid(order_id), "Order")["displayFulfillmentStatus"] == "FULFILLED"


@pytest.mark.parametrize("notify", [True, False])
def test_notify_flag_follows_the_shop_card(
    ws: Any, shop: str, sandbox: Any, variants: tuple[str, str], notify: bool
) -> None:
    ws.shops.set(shop, send_shipping_confirmation=notify)
    ship(ws, sandbox, [line(variants[0], 1)], tracking="")
    log: list[RequestLogEntry] = []
    ctx, _ = run(ws, sandbox, log=log)
    sent = [e for e in log if e.operation == "FulfillmentCreate"]
    assert len(sent) == 1 and ctx.stats["created"] == 1
    variables = json.loads(sent[0].request.split("variables: ", 1)[1])
    assert variables["fulfillment"]["notifyCustomer"] is notify
    assert "trackingInfo" not in variables["fulfillment"], "no tracking no.: no trackingInfo (as BC)"


def test_nothing_left_to_fulfil_is_minus_two_and_skipped(
    ws: Any, shop: str, sandbox: Any, variants: tuple[str, str]
) -> None:
    order_id = create_order(sandbox, email="f@example.com", lineItems=[line(variants[0], 1)])
    assert ws.run("sync-orders", shop=SHOP).ok
    line_id = rows(ws, t.shopify_order_line, order_id=order_id)[0]["id"]
    with sandbox.state.lock:  # fulfilled in Shopify by someone else before the ERP shipment is synced
        from shopops.sandbox.resolvers.fulfillments import fulfil_all

        fulfil_all(sandbox.state, sandbox.state.get(order_gid(order_id), "Order"), {})
    doc = ws.erp.sales.create(
        "order",
        "C0001",
        [NewSalesLine("item", "1000", 1, location_code="MAIN", shopify_order_line_id=line_id)],
        shop_code=SHOP,
        shopify_order_id=order_id,
    )
    no = ws.erp.posting.post_order(doc.no).shipment_no
    result = ws.run("sync-shipments", shop=shop)
    assert result.ok and result.stats["nothing_to_fulfil"] == 1 and result.stats["skipped"] == 1
    assert marker(ws, no) == -2 and len(fulfillments(sandbox, order_id)) == 1
    skipped = state.skipped_records(ws.engine, shop, "sync-shipments")
    assert list(skipped["record_id"]) == [no] and "nothing left to fulfil" in skipped["reason"][0]


def test_user_error_is_minus_one_with_shopifys_message_and_the_run_goes_on(
    ws: Any, shop: str, sandbox: Any, variants: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_order, bad = ship(ws, sandbox, [line(variants[0], 1)])
    good_order, good = ship(ws, sandbox, [line(variants[0], 1)])
    real = shipment_api.read_fulfillment_orders

    fo = sandbox.state.get(sandbox.state.get(order_gid(bad_order), "Order")["fulfillmentOrderIds"][0])

    def stale(client: Any, gid: str) -> Any:  # a stale view of the bad order: it went on hold meanwhile
        lines = real(client, gid)
        if gid == order_gid(bad_order):
            with sandbox.state.lock:
                fo["status"] = "ON_HOLD"
        return lines

    monkeypatch.setattr(shipment_api, "read_fulfillment_orders", stale)
    ctx, _ = run(ws, sandbox, shipment_no=f"{bad},{good}")
    assert ctx.stats["failed"] == 1 and ctx.stats["created"] == 1
    assert marker(ws, bad) == -1 and not fulfillments(sandbox, bad_order)
    assert marker(ws, good) > 0 and len(fulfillments(sandbox, good_order)) == 1
    skipped = state.skipped_records(ws.engine, shop, "sync-shipments")
    assert list(skipped["record_id"]) == [bad]
    assert "unfulfillable status= on_hold" in skipped["reason"][0]


def test_rerun_never_fulfils_twice_and_reset_then_rerun(
    ws: Any, shop: str, sandbox: Any, variants: tuple[str, str]
) -> None:
    order_id, no = ship(ws, sandbox, [line(variants[0], 2)], shipped=[1])
    assert ws.run("sync-shipments", shop=shop).stats["created"] == 1
    again = ws.run("sync-shipments", shop=shop)
    assert again.ok and again.stats.get("read", 0) == 0 and len(fulfillments(sandbox, order_id)) == 1
    with pytest.raises(Exception, match="cannot be reset"):
        reset_shipment(ws, no)

    # a -2 shipment (its Shopify order line was fulfilled meanwhile), then reset and rerun: still -2, no fulfillment
    order2 = create_order(sandbox, email="r@example.com", lineItems=[line(variants[0], 1)])
    assert ws.run("sync-orders", shop=SHOP).ok
    line_id = rows(ws, t.shopify_order_line, order_id=order2)[0]["id"]
    doc = ws.erp.sales.create(
        "order",
        "C0001",
        [NewSalesLine("item", "1000", 1, location_code="MAIN", shopify_order_line_id=line_id)],
        shop_code=SHOP,
        shopify_order_id=order2,
    )
    no2 = ws.erp.posting.post_order(doc.no).shipment_no
    fo = sandbox.state.get(sandbox.state.get(order_gid(order2), "Order")["fulfillmentOrderIds"][0])
    with sandbox.state.lock:
        fo["status"] = "ON_HOLD"  # on hold in Shopify: nothing can be fulfilled now
    assert ws.run("sync-shipments", shop=shop).stats["nothing_to_fulfil"] == 1 and marker(ws, no2) == -2
    assert ws.run("sync-shipments", shop=shop).stats.get("read", 0) == 0, "a marked shipment is not taken again"
    with sandbox.state.lock:
        fo["status"] = "OPEN"  # released
    reset_shipment(ws, no2)
    assert marker(ws, no2) == 0
    result = ws.run("sync-shipments", shop=shop)
    assert result.stats["created"] == 1 and len(fulfillments(sandbox, order2)) == 1
    assert marker(ws, no2) == shopify_id(fulfillments(sandbox, order2)[0]["id"])


def test_dry_run_writes_nothing(ws: Any, shop: str, sandbox: Any, variants: tuple[str, str]) -> None:
    order_id, no = ship(ws, sandbox, [line(variants[0], 1), line(variants[1], 1)])
    result = ws.run("sync-shipments", shop=shop, dry_run=True)
    assert result.ok, result.error
    changes = result.changes
    assert changes is not None and list(changes["shipment_no"]) == [no, no]
    assert set(changes["action"]) == {"create"} and set(changes["location_id"]) == {MAIN, STORE}
    assert set(changes["tracking_number"]) == {"JD0001"} and changes["quantity"].sum() == 2
    assert marker(ws, no) == 0 and not fulfillments(sandbox, order_id)
    assert state.skipped_records(ws.engine, shop).empty


class _FaultOnce(FaultPlan):
    """Injects ``kind`` into the ``at``-th request from now, and nothing else."""

    def __init__(self, kind: str, at: int, slow_seconds: float = 1.0) -> None:
        super().__init__(rate=0.0, kinds=(kind,), slow_seconds=slow_seconds)
        self.kind, self.left = kind, at

    def draw(self) -> str | None:
        self.left -= 1
        return self.kind if self.left == 0 else None


@pytest.mark.parametrize(("fault", "how"), [("slow", "found_after_timeout"), ("http_503", "resent_after_timeout")])
def test_unknown_outcome_is_settled_before_sending_again(
    ws: Any, shop: str, sandbox: Any, variants: tuple[str, str], monkeypatch: pytest.MonkeyPatch, fault: str, how: str
) -> None:
    """The answer to fulfillmentCreate never comes: applied (slow, the client timed out) -> its id is
    found; not applied (503 before it ran) -> sent once more. Never two fulfillments."""
    order_id, no = ship(ws, sandbox, [line(variants[0], 2)], shipped=[1])
    monkeypatch.setattr(shipment_api, "SETTLE_SECONDS", 1.5)
    previous = sandbox.faults
    sandbox.faults = _FaultOnce(fault, at=3)  # 1: the orders still as mirrored?, 2: fulfillment orders, 3: create
    try:
        ctx, _ = run(ws, sandbox)
    finally:
        sandbox.faults = previous
    assert ctx.stats["unknown_outcomes"] == 1 and ctx.stats["created"] == 1, dict(ctx.stats)
    [made] = fulfillments(sandbox, order_id)
    assert made["totalQuantity"] == 1 and marker(ws, no) == shopify_id(made["id"])
    assert ctx.stats[how] == 1


def test_an_order_cancelled_after_posting_is_not_fulfilled_and_says_why(
    ws: Any, shop: str, sandbox: Any, variants: tuple[str, str]
) -> None:
    cancelled_order, cancelled = ship(ws, sandbox, [line(variants[0], 1)])
    kept_order, kept = ship(ws, sandbox, [line(variants[0], 1)])
    body = sandbox.post(CANCEL, {"id": order_gid(cancelled_order)}).json()
    assert not body["data"]["orderCancel"]["userErrors"], body
    result = ws.run("sync-shipments", shop=shop)
    assert result.ok and result.stats["held"] == 1 and result.stats["created"] == 1, result.stats
    assert not fulfillments(sandbox, cancelled_order) and len(fulfillments(sandbox, kept_order)) == 1
    assert marker(ws, cancelled) == -1, "a cancelled order's shipment waits for a person"
    assert marker(ws, kept) == shopify_id(fulfillments(sandbox, kept_order)[0]["id"])
    skipped = state.skipped_records(ws.engine, shop)
    assert "cancelled in Shopify" in skipped[skipped["record_id"] == cancelled]["reason"].iloc[0]
    assert ws.run("sync-shipments", shop=shop).stats.get("created", 0) == 0, "and it is not tried again"
