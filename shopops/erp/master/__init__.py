"""The ERP's master data: items with variants and references, customers, setup records (locations,
G/L accounts, carriers), tax rates (BC's VAT Posting Setup) and item pictures.

Tables owned (``shopops.store.tables.erp_master``): ``erp_item``, ``erp_item_variant``,
``erp_item_reference``, ``erp_customer``, ``erp_location``, ``erp_gl_account``, ``erp_shipping_agent``,
``erp_tax_rate``, ``erp_item_picture``, ``erp_price_list_line``.
"""
