"""Posting, as BC does it: ship and invoice sales orders, post invoices and credit memos, one document at
a time (``engine``); what posting writes (``writes``); posted documents, read-only (``posted``).

Tables owned (``shopops.store.tables.erp_documents``): ``erp_posted_shipment``, ``erp_posted_invoice``,
``erp_posted_credit_memo`` and their lines; stock entries (``erp_stock_entry``) are the ERP's stock.
"""
