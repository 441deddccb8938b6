"""Every table shopops keeps, in one MetaData, each in the module of the domain that owns it.

Alembic migrations must agree with these tables (a test checks). ``from shopops.store import tables as t``
then ``t.shopify_order`` reads any of them.
"""

from __future__ import annotations

from shopops.store.tables.base import NAMING, metadata
from shopops.store.tables.customers import LAST_UPDATED_BY, shopify_customer
from shopops.store.tables.erp_documents import (
    SALES_DOCUMENT_STATUSES,
    SALES_DOCUMENT_TYPES,
    SALES_LINE_TYPES,
    erp_posted_credit_memo,
    erp_posted_credit_memo_line,
    erp_posted_invoice,
    erp_posted_invoice_line,
    erp_posted_shipment,
    erp_posted_shipment_line,
    erp_sales_header,
    erp_sales_line,
)
from shopops.store.tables.erp_master import (
    ITEM_TYPES,
    REFERENCE_TYPES,
    STOCK_ENTRY_TYPES,
    erp_customer,
    erp_gl_account,
    erp_item,
    erp_item_picture,
    erp_item_reference,
    erp_item_variant,
    erp_location,
    erp_no_series,
    erp_price_list_line,
    erp_shipping_agent,
    erp_stock_entry,
    erp_tax_rate,
)
from shopops.store.tables.images import shopify_media_link
from shopops.store.tables.inventory import (
    INVENTORY_QUANTITY_NAMES,
    STOCK_CALCULATIONS,
    shop_location,
    shopify_inventory_level,
)
from shopops.store.tables.orders import (
    ORDER_IMPORT_ACTIONS,
    shopify_fulfillment_order,
    shopify_fulfillment_order_line,
    shopify_order,
    shopify_order_line,
    shopify_order_shipping_line,
    shopify_order_tax_line,
    shopify_order_to_import,
    shopify_order_transaction,
    shopify_refund,
    shopify_refund_line,
)
from shopops.store.tables.payouts import shopify_balance_transaction, shopify_dispute, shopify_payout
from shopops.store.tables.products import shopify_product, shopify_variant
from shopops.store.tables.queue import (
    ENTRY_STATUSES,
    LOG_STATUSES,
    job_queue_category,
    job_queue_entry,
    job_queue_log_entry,
    job_queue_worker,
)
from shopops.store.tables.shops import shop
from shopops.store.tables.sync_state import bulk_read_window, skipped_record, sync_cursor
from shopops.store.tables.webhooks import WEBHOOK_EVENT_STATUSES, webhook_event, webhook_trigger

__all__ = [
    "ENTRY_STATUSES",
    "INVENTORY_QUANTITY_NAMES",
    "ITEM_TYPES",
    "LAST_UPDATED_BY",
    "LOG_STATUSES",
    "NAMING",
    "ORDER_IMPORT_ACTIONS",
    "REFERENCE_TYPES",
    "SALES_DOCUMENT_STATUSES",
    "SALES_DOCUMENT_TYPES",
    "SALES_LINE_TYPES",
    "STOCK_CALCULATIONS",
    "STOCK_ENTRY_TYPES",
    "WEBHOOK_EVENT_STATUSES",
    "bulk_read_window",
    "erp_customer",
    "erp_gl_account",
    "erp_item",
    "erp_item_picture",
    "erp_item_reference",
    "erp_item_variant",
    "erp_location",
    "erp_no_series",
    "erp_posted_credit_memo",
    "erp_posted_credit_memo_line",
    "erp_posted_invoice",
    "erp_posted_invoice_line",
    "erp_posted_shipment",
    "erp_posted_shipment_line",
    "erp_price_list_line",
    "erp_sales_header",
    "erp_sales_line",
    "erp_shipping_agent",
    "erp_stock_entry",
    "erp_tax_rate",
    "job_queue_category",
    "job_queue_entry",
    "job_queue_log_entry",
    "job_queue_worker",
    "metadata",
    "shop",
    "shop_location",
    "shopify_balance_transaction",
    "shopify_customer",
    "shopify_dispute",
    "shopify_fulfillment_order",
    "shopify_fulfillment_order_line",
    "shopify_inventory_level",
    "shopify_media_link",
    "shopify_order",
    "shopify_order_line",
    "shopify_order_shipping_line",
    "shopify_order_tax_line",
    "shopify_order_to_import",
    "shopify_order_transaction",
    "shopify_payout",
    "shopify_product",
    "shopify_refund",
    "shopify_refund_line",
    "shopify_variant",
    "skipped_record",
    "sync_cursor",
    "webhook_event",
    "webhook_trigger",
]
