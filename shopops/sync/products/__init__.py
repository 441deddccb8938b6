"""Products: ERP items <-> Shopify products and variants, with prices (BC report 30108, "Sync Products").

``sync-products`` imports products changed in Shopify into ERP items, or exports items as whole
products (``productSet``), prices from the ERP price list converted between gross and net, changes
found by hash so that a quiet rerun sends nothing.

Modules: ``sync_products`` (the report), ``importing``, ``exporting``, ``mirror`` (products and
variants as last seen or sent), ``prices``, ``variants`` (which ERP item and variant a Shopify variant is).

Tables owned (``shopops.store.tables.products``): ``shopify_product``, ``shopify_variant``. Prices come
from ``erp_price_list_line`` and tax rates from ``erp_tax_rate`` (both the ERP's).
"""
