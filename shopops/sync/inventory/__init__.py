"""Inventory: ERP stock per mapped location -> Shopify (BC report 30102, "Sync Stock to Shopify").

``sync-inventory`` reads Shopify's locations and levels, computes each location's stock the way the shop
location says (on hand, available, projected) and sends absolute quantities with
``inventorySetQuantities``, 250 a call, idempotent.

Modules: ``sync_inventory`` (the report), ``locations`` (shop locations and their ERP filters),
``stock_calculation``, ``push``.

Tables owned (``shopops.store.tables.inventory``): ``shop_location``, ``shopify_inventory_level``.
"""
