"""The ERP side, modelled on Business Central: master data, stock, sales documents and posting.

``ws.erp`` is an :class:`Erp` on the workspace's database. Public API (what the reports build on)::

    from decimal import Decimal
    from shopops.erp import Erp, NewSalesLine

    erp = ws.erp                                   # or Erp(engine)
    erp.locations.add("MAIN", name="Main warehouse")
    erp.gl_accounts.add("6100", name="Shipping charges")
    erp.shipping_agents.add("DHL", name="DHL Express", internet_address="https://dhl.com/track?id=%1")
    erp.items.add("1000", description="Bicycle", unit_price=Decimal("499.00"))
    erp.items.add_variant("1000", "RED", "Red frame")
    erp.items.add_reference("1000", "5701234567890", variant_code="RED")      # barcode
    erp.items.find_by_reference("5701234567890")                               # -> ItemReference | None
    erp.customers.add("C0001", name="Ada Lovelace", email="ada@example.com")
    erp.customers.find_by_email("ADA@EXAMPLE.COM"); erp.customers.find_by_phone("+45 0012 3456")
    erp.tax_rates.set("DOMESTIC", "STANDARD", Decimal("25"))   # business group x item tax_group_code -> %

    erp.stock.set_quantity("1000", "MAIN", Decimal(10), variant_code="RED")   # a count
    erp.stock.adjust("1000", "MAIN", Decimal(-1), variant_code="RED")
    erp.stock.on_hand("1000", variant_code="RED", location_code="MAIN")       # also reserved/available/projected
    erp.stock.levels()                                                         # DataFrame

    doc = erp.sales.create("order", "C0001",
                           [NewSalesLine("item", "1000", Decimal(1), variant_code="RED", location_code="MAIN",
                                         shopify_line_type="line_item", shopify_order_line_id=11)],
                           shop_code="DEMO", shopify_order_id=5001, shopify_order_no="#1001",
                           shipping_agent_code="DHL", package_tracking_no="JD0001")
    erp.sales.release("order", doc.no)
    erp.sales.create_many([NewSalesDocument("order", "C0001", lines, header={...}), ...])   # DataFrame per doc
    erp.sales.find_shopify("DEMO", 5001)           # the order made from Shopify order 5001, or None
    erp.sales.documents("order")                   # DataFrame of unposted orders

    erp.posting.post_order(doc.no)                 # PostingResult(shipment_no=..., invoice_no=...)
    erp.posting.post_batch("order", shop_code="DEMO", status="released")     # DataFrame per document
    erp.posted.shipments_to_sync("DEMO")           # [PostedShipment] with fulfillment marker 0
    erp.posted.set_fulfillment_id("SSH000001", 123456789)   # or FULFILLMENT_ERROR (-1), _NOTHING_TO_FULFIL (-2)

    erp.load_items("items.csv"); erp.load_customers(df); erp.load_stock("stock.csv")   # -> LoadResult
    erp.load_tax_rates("tax_rates.csv")            # business_group, product_group, percent

Tables (shopops.store.tables): erp_no_series, erp_location, erp_gl_account, erp_shipping_agent,
erp_customer, erp_item, erp_item_variant, erp_item_reference, erp_tax_rate, erp_stock_entry, erp_sales_header,
erp_sales_line, erp_posted_shipment(+_line), erp_posted_invoice(+_line), erp_posted_credit_memo(+_line).
This package imports ``shopops.store`` (and ``shopops.errors``) only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from shopops.erp import loading
from shopops.erp.loading import LoadResult
from shopops.erp.master.customers import Customer, Customers
from shopops.erp.master.items import Item, ItemReference, Items, ItemVariant
from shopops.erp.master.setup import GLAccount, GLAccounts, Location, Locations, ShippingAgent, ShippingAgents
from shopops.erp.master.tax_rates import TaxRate, TaxRates
from shopops.erp.posting.engine import Posting, PostingError, PostingResult
from shopops.erp.posting.posted import (
    FULFILLMENT_ERROR,
    FULFILLMENT_NOT_SYNCED,
    FULFILLMENT_NOTHING_TO_FULFIL,
    PostedDocument,
    PostedDocuments,
    PostedLine,
    PostedShipment,
)
from shopops.erp.sales.documents import Sales
from shopops.erp.sales.records import DocumentExists, NewSalesDocument, NewSalesLine, SalesDocument, SalesLine
from shopops.erp.stock import Stock
from shopops.erp.validation import FieldError


class Erp:
    """The ERP on one database: master data, stock, sales documents, posting and posted documents."""

    def __init__(self, engine: Engine, *, prevent_negative_inventory: bool = False) -> None:
        self.engine = engine
        self.items = Items(engine)
        self.customers = Customers(engine)
        self.locations = Locations(engine)
        self.gl_accounts = GLAccounts(engine)
        self.shipping_agents = ShippingAgents(engine)
        self.tax_rates = TaxRates(engine)
        self.stock = Stock(engine)
        self.sales = Sales(engine)
        self.posting = Posting(engine, prevent_negative_inventory=prevent_negative_inventory)
        self.posted = PostedDocuments(engine)

    # --- loading ------------------------------------------------------------------------------------

    def load_items(self, source: pd.DataFrame | str | Path) -> LoadResult:
        """Items from a DataFrame or CSV; bad rows are reported, good rows load (see shopops.erp.loading)."""
        return loading.load_items(self.engine, source)

    def load_customers(self, source: pd.DataFrame | str | Path) -> LoadResult:
        """Customers from a DataFrame or CSV; bad rows are reported, good rows load."""
        return loading.load_customers(self.engine, source)

    def load_stock(self, source: pd.DataFrame | str | Path, *, document_no: str = "") -> LoadResult:
        """Stock counts from a DataFrame or CSV; the differences to on hand are posted."""
        return loading.load_stock(self.engine, source, document_no=document_no)

    def load_tax_rates(self, source: pd.DataFrame | str | Path) -> LoadResult:
        """Tax rates (business_group, product_group, percent) from a DataFrame or CSV; bad rows are reported."""
        return loading.load_tax_rates(self.engine, source)

    def __repr__(self) -> str:
        return f"<ERP: {len(self.items)} items, {len(self.customers)} customers, {len(self.locations)} locations>"


__all__ = [
    "FULFILLMENT_ERROR",
    "FULFILLMENT_NOTHING_TO_FULFIL",
    "FULFILLMENT_NOT_SYNCED",
    "Customer",
    "Customers",
    "DocumentExists",
    "Erp",
    "FieldError",
    "GLAccount",
    "GLAccounts",
    "Item",
    "ItemReference",
    "ItemVariant",
    "Items",
    "LoadResult",
    "Location",
    "Locations",
    "NewSalesDocument",
    "NewSalesLine",
    "PostedDocument",
    "PostedDocuments",
    "PostedLine",
    "PostedShipment",
    "Posting",
    "PostingError",
    "PostingResult",
    "Sales",
    "SalesDocument",
    "SalesLine",
    "ShippingAgent",
    "ShippingAgents",
    "Stock",
    "TaxRate",
    "TaxRates",
]
