"""The order-to-cash reports, registered by importing this module: create-sales-documents (30103, with
refunds to credit memos), batch-post-sales-orders (296) and batch-post-sales-invoices (297)."""

from __future__ import annotations

from shopops.sync import batch_posting, create_sales_documents, orders_actions, refunds

__all__ = ["batch_posting", "create_sales_documents", "orders_actions", "refunds"]
