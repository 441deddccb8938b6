"""A shop ready to sync end to end: ERP master data, the shop card, the initial import and the mappings.

What an implementation consultant sets up on day one, in code, so that the demo, the runbooks and the
chaos test start from the same place::

    prepare_shop(ws, "DEMO", url=sandbox.url, token_env="SHOPOPS_TOKEN_DEMO")

It adds the shop (background syncs on, category SHOPIFY), creates the ERP's location, G/L accounts,
shipping agent and web customer template, imports Shopify's products as items (BC's initial import:
sync-products from Shopify with auto-created items, run in the foreground), counts stock for every
item, and maps the shop's first active location to the ERP location with stock calculation
"available". The card then points product sync to Shopify, so later runs only push ERP changes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import select

from shopops.store import tables as t
from shopops.sync.inventory.locations import refresh_shop_locations, set_shop_location
from shopops.workspace import Workspace

CATEGORY = "SHOPIFY"
LOCATION = "MAIN"
CUSTOMER_TEMPLATE = "WEB"
ACCOUNTS = {
    "shipping_charges_account": ("6100", "Shipping charges"),
    "tip_account": ("6110", "Tips"),
    "sold_gift_card_account": ("2450", "Gift cards sold"),
    "cash_roundings_account": ("6199", "Cash roundings"),
    "refund_account": ("6190", "Refunds"),
    "refund_account_non_restock": ("6195", "Refunds, not restocked"),
}
ORDER_CARD: dict[str, Any] = {
    "auto_create_orders": True,
    "create_invoices_from_orders": True,
    "customer_import": "with_order_import",
    "customer_mapping": "by_email_phone",
    "auto_create_unknown_customers": True,
    "customer_template": CUSTOMER_TEMPLATE,
    "default_customer_no": CUSTOMER_TEMPLATE,
    "order_location_code": LOCATION,
    "return_refund_process": "auto_create",
    "return_location": LOCATION,
    **{field: no for field, (no, _) in ACCOUNTS.items()},
}
# the sandbox's (and many real shops') SKUs are unique per variant: each variant maps to its own item
SKU_MAPPING = "item_no"


def prepare_erp(ws: Workspace) -> None:
    """The ERP master data the order flow needs (idempotent)."""
    erp = ws.erp
    erp.locations.upsert(LOCATION, name="Main warehouse")
    for no, name in ACCOUNTS.values():
        erp.gl_accounts.upsert(no, name=name)
    erp.shipping_agents.upsert("DHL", name="DHL Express", internet_address="https://www.dhl.com/track?id=%1")
    erp.customers.upsert(CUSTOMER_TEMPLATE, name="Web shop customers")


def prepare_shop(ws: Workspace, shop: str, *, url: str, token_env: str, stock: int = 25) -> pd.DataFrame:
    """Set the shop up from scratch or again; returns the shop's locations after mapping."""
    prepare_erp(ws)
    card: dict[str, Any] = {
        **ORDER_CARD,
        "category": CATEGORY,
        "sku_mapping": SKU_MAPPING,
        "sync_item": "from_shopify",
        "auto_create_unknown_items": True,
        "shopify_can_update_items": True,
        "can_update_shopify_products": False,
    }
    if shop in ws.shops:
        ws.shops.set(shop, url=url, token_env=token_env, **card)
    else:
        ws.shops.add(shop, url=url, token_env=token_env, **card)
    imported = ws.run("sync-products", shop=shop, background=False)
    if not imported.ok:
        raise RuntimeError(f"the initial product import failed: {imported.error}")
    ws.shops.set(shop, sync_item="to_shopify", shopify_can_update_items=False, can_update_shopify_products=True)
    count_stock(ws, Decimal(stock))
    locations = refresh_shop_locations(ws, shop)
    active = locations[locations.active.astype(bool)] if "active" in locations else locations
    if len(active):
        set_shop_location(
            ws.engine,
            shop,
            int(active.iloc[0].location_id),
            erp_location_filter=LOCATION,
            stock_calculation="available",
        )
    return refresh_shop_locations(ws, shop)


def count_stock(ws: Workspace, quantity: Decimal) -> int:
    """Count ``quantity`` of every item and variant at the main location (a stocktake); how many counted."""
    with ws.engine.connect() as conn:
        items = list(conn.execute(select(t.erp_item.c.no)).scalars())
        variants = conn.execute(select(t.erp_item_variant.c.item_no, t.erp_item_variant.c.code)).all()
    with_variants = {item_no for item_no, _ in variants}
    counted = 0
    for item_no, code in variants:
        ws.erp.stock.set_quantity(item_no, LOCATION, quantity, variant_code=code)
        counted += 1
    for item_no in items:
        if item_no not in with_variants:
            ws.erp.stock.set_quantity(item_no, LOCATION, quantity)
            counted += 1
    return counted
