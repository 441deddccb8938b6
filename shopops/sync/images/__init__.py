"""Images: ERP item and variant pictures <-> Shopify product and variant media (BC report 30107).

``sync-images`` moves pictures in the direction the shop card says, by content hash, with echo
suppression: a picture that came from Shopify is not sent back.

Modules: ``sync_images`` (the report), ``transfer`` (staged uploads, downloads, media links).

Tables owned (``shopops.store.tables.images``): ``shopify_media_link``. The pictures themselves are the
ERP's ``erp_item_picture``.
"""
