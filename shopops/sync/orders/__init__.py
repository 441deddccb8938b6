"""Orders: Shopify orders into the order mirror (BC report 30104, "Shopify Sync Orders").

``sync-orders`` stages the orders updated since the cursor ("orders to import"), applies the request
filters, reads each order in full and writes it with its lines, shipping lines, tax lines, transactions,
fulfillment orders and refunds; an order already turned into a document is checked for conflicts
instead of being overwritten. When the shop card says so, it then runs create-sales-documents.

Modules: ``sync_orders`` (the report), ``fetch`` (the reads), ``parse`` (JSON -> rows, pure),
``filters``, ``conflicts``, ``mirror`` (the writes), ``actions`` (unlink a document, resolve a conflict).

Tables owned (``shopops.store.tables.orders``): ``shopify_order_to_import``, ``shopify_order``,
``shopify_order_line``, ``shopify_order_shipping_line``, ``shopify_order_tax_line``,
``shopify_order_transaction``, ``shopify_fulfillment_order``, ``shopify_fulfillment_order_line``,
``shopify_refund``, ``shopify_refund_line``.
"""
