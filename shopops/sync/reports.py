"""The reports that ship with shopops, in one explicit list.

A workspace registers these (``ReportRegistry.register_builtins``); importing a report module registers
nothing. Teams add their own with ``@shopops.report`` in modules named by ``$SHOPOPS_PLUGINS`` or the
``shopops.reports`` entry-point group.
"""

from __future__ import annotations

from shopops.sync.builtin import check_connection, noop, pause
from shopops.sync.customers.export import add_customers
from shopops.sync.customers.sync_customers import sync_customers
from shopops.sync.images.sync_images import sync_images
from shopops.sync.inventory.sync_inventory import sync_inventory
from shopops.sync.orders.sync_orders import sync_orders
from shopops.sync.payouts.sync_payouts import sync_payouts
from shopops.sync.products.sync_products import sync_products
from shopops.sync.registry import ReportSpec, spec_of
from shopops.sync.runbooks.report import runbook
from shopops.sync.sales_documents.batch_posting import batch_post_sales_invoices, batch_post_sales_orders
from shopops.sync.sales_documents.create_sales_documents import create_sales_documents
from shopops.sync.shipments.sync_shipments import sync_shipments

BUILTIN_REPORTS: tuple[ReportSpec, ...] = tuple(
    spec_of(fn)
    for fn in (
        # order to cash, in the order a day runs them
        sync_orders,
        create_sales_documents,
        batch_post_sales_orders,
        batch_post_sales_invoices,
        sync_shipments,
        sync_payouts,
        # catalog
        sync_products,
        sync_inventory,
        sync_images,
        sync_customers,
        add_customers,
        # tools
        check_connection,
        runbook,
        noop,
        pause,
    )
)
"""Every built-in report, by BC's order-to-cash flow first, then the catalog, then the tools."""

__all__ = ["BUILTIN_REPORTS"]
