"""Shipments: posted ERP shipments become Shopify fulfillments (BC report 30109, "Sync Shipments").

``sync-shipments`` plans which fulfillment-order lines each posted shipment fulfils, one fulfillment per
location, and sends them with tracking.

Modules: ``sync_shipments`` (the report), ``plan`` (no I/O), ``api`` (the Shopify calls).

Tables owned: none of its own. It reads ``erp_posted_shipment`` and the order mirror's fulfillment
orders and marks each shipment with the fulfillment it became.
"""
