"""Sales documents: mirrored orders become ERP documents, and are posted (BC reports 30103, 296, 297).

``create-sales-documents`` (30103) maps each unprocessed order's customer and items and creates a sales
order, or an invoice when the order is already fulfilled; refunds of processed orders become credit
memos. ``batch-post-sales-orders`` (296) ships and invoices, ``batch-post-sales-invoices`` (297) posts
invoices, each document on its own so that one failure stops nothing else.

Modules: ``create_sales_documents`` (the report), ``mapping`` (customer and item), ``planning`` (the
document an order becomes, pure), ``refunds`` (credit memos), ``batch_posting`` (296 and 297).

Tables owned: none of its own. It writes the ERP's sales documents through ``shopops.erp``
(``erp_sales_header``, ``erp_sales_line``) and marks the order mirror's rows processed.
"""
