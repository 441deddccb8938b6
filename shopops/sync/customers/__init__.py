"""Customers: Shopify customers <-> ERP customers (BC reports 30100 and 30112).

``sync-customers`` imports customers as the shop card says and exports linked ERP customers that
changed; ``add-customers-to-shopify`` creates Shopify customers for ERP customers. Matching is exact
(e-mail, phone), never "similar", and an echo of our own change is not imported back.

Modules: ``sync_customers`` (the report), ``matching``, ``mirror``, ``export``.

Tables owned (``shopops.store.tables.customers``): ``shopify_customer``.
"""
