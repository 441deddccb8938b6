"""Orders: Shopify orders into the order mirror (BC report 30104, "Shopify Sync Orders").

``sync-orders`` stages the orders updated since the cursor ("orders to import"), applies the request
filters, reads each order in full and writes it with its lines, shipping lines, tax lines, transactions,
fulfillment orders and refunds; an order already turned into a document is checked for conflicts
instead of being overwritten. When the shop card says so, it then runs create-sales-documents. It reads
the way that costs the shop least (docs/order-intake.md): batched pages for a few orders, bulk queries per
date window for a backlog, or one order a query (the baseline); all three fill the mirror alike.

Modules: ``sync_orders`` (the report), ``read_path`` (which way to read), ``batched`` and ``bulk_windows``
(the two readers), ``fetch`` (one order, and the further pages every reader shares), ``parse`` (JSON ->
rows, pure), ``filters``, ``conflicts``, ``mirror`` (the writes), ``freshness`` (is an order still as the
mirror says, before posting or shipping), ``actions`` (unlink a document, resolve a conflict).

Tables owned (``shopops.store.tables.orders``): ``shopify_order_to_import``, ``shopify_order``,
``shopify_order_line``, ``shopify_order_shipping_line``, ``shopify_order_tax_line``,
``shopify_order_transaction``, ``shopify_fulfillment_order``, ``shopify_fulfillment_order_line``,
``shopify_refund``, ``shopify_refund_line``; and ``bulk_read_window`` (``store.tables.sync_state``), the
windows of a bulk read in progress.
"""
