"""The ERP's sales documents before posting: orders, invoices and credit memos with their lines
(``documents``), the records they are read as (``records``), and how a new one is written (``creating``).

Tables owned (``shopops.store.tables.erp_documents``): ``erp_sales_header``, ``erp_sales_line``.
"""
