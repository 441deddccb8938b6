"""Orders made the real way in a sandbox shop (orderCreate, refundCreate), the ERP they map to, and
reading the mirror back: what the sales-document tests share."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from shopops.shopify import operations
from shopops.store import tables as t
from shopops.sync.orders.parse import order_gid
from shopops.sync.values import shopify_id

SETTINGS: dict[str, Any] = {
    "allow_background_sync": False,
    "sku_mapping": "item_no_variant_code",
    "default_customer_no": "C-WEB",
    "shipping_charges_account": "6100",
    "tip_account": "6200",
    "sold_gift_card_account": "2900",
    "refund_account": "8000",
    "refund_account_non_restock": "8100",
    "order_location_code": "MAIN",
}


CANCEL = """
mutation Cancel($id: ID!) {
  orderCancel(orderId: $id, reason: CUSTOMER, refund: false, restock: false, notifyCustomer: false) {
    userErrors { field message }
  }
}"""


REFUND = """
mutation Refund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } }
}"""


def post(shop: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = shop.post(query, variables).json()
    assert "errors" not in body, body
    return dict(body["data"])


def usd(value: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": value, "currencyCode": "USD"}}


def line(sku: str, qty: int, price: str, *, tax: str | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"title": f"Item {sku}", "sku": sku, "quantity": qty, "priceSet": usd(price)}
    spec["requiresShipping"] = True
    if tax is not None:
        spec["taxLines"] = [{"title": "VAT", "rate": 0.25, "priceSet": usd(tax)}]
    return {**spec, **extra}


def create_order(shop: Any, **order: Any) -> int:
    """An order made the real way (orderCreate); its numeric id."""
    data = post(shop, operations.load("OrderCreate"), {"order": order})["orderCreate"]
    assert not data["userErrors"], data["userErrors"]
    return int(shopify_id(data["order"]["id"]) or 0)


def refund(shop: Any, order_id: int, position: int, qty: int, **extra: Any) -> None:
    """A refund of ``qty`` of the order's line at ``position`` (refundCreate)."""
    line_id = shop.state.get(order_gid(order_id), "Order")["lineItemIds"][position]
    body = {"orderId": order_gid(order_id), "refundLineItems": [{"lineItemId": line_id, "quantity": qty}], **extra}
    data = post(shop, REFUND, {"input": body, "key": f"r-{uuid.uuid4()}"})["refundCreate"]
    assert not data["userErrors"], data["userErrors"]


def seed_erp(ws: Any) -> None:
    """Items, variants, barcodes, accounts, locations and customers matching the orders' SKUs."""
    erp = ws.erp
    for code in ("MAIN", "RET"):
        erp.locations.add(code, name=code)
    for no, name in (
        ("6100", "Shipping"),
        ("6200", "Tips"),
        ("2900", "Gift cards"),
        ("8000", "Refunds"),
        ("8100", "Refunds, not restocked"),
    ):
        erp.gl_accounts.add(no, name=name)
    erp.items.add("1000", description="Mug", unit_price=Decimal("10.00"))
    erp.items.add("2000", description="Hoodie", unit_price=Decimal("25.00"))
    erp.items.add_variant("2000", "XL", "Extra large")
    erp.items.add_reference("2000", "5701234567890", variant_code="XL")
    erp.customers.add("C-ADA", name="Ada Lovelace", email="ada@example.com")
    erp.customers.add("C-WEB", name="Web shop customer")


def rows(ws: Any, table: sa.Table, **where: Any) -> list[dict[str, Any]]:
    query = sa.select(table).where(*(table.c[k] == v for k, v in where.items()))
    with ws.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def header(ws: Any, order_id: int) -> dict[str, Any]:
    return rows(ws, t.shopify_order, id=order_id)[0]


def documents(ws: Any, order_id: int, shop: str | None = None) -> list[dict[str, Any]]:
    """The ERP's sales headers of a Shopify order (of ``shop`` when the workspace holds several)."""
    where = {"shopify_order_id": order_id, **({"shop_code": shop} if shop else {})}
    return rows(ws, t.erp_sales_header, **where)


def erp_balance(ws: Any, order_id: int, shop: str | None = None) -> Decimal:
    """What the ERP says the customer owes for an order: its document less its credit memos."""
    total = Decimal(0)
    for doc in documents(ws, order_id, shop):
        lines = ws.erp.sales.get(doc["document_type"], doc["no"]).lines
        amount = sum((x.amount_including_tax for x in lines), Decimal(0))
        total += -amount if doc["document_type"] == "credit_memo" else amount
    return total
