"""The Admin API client a report uses for its shop, made from the shop's URL, token and log mode."""

from __future__ import annotations

from typing import Any

from shopops.shops import Shop

LOG_MODES = {"error_only": "errors", "all": "all", "disabled": "off"}


def client_for(shop: Shop) -> Any:
    """A ShopifyClient for ``shop``; the token is read from its source now, and kept only in memory."""
    from shopops.shopify import ShopifyClient

    return ShopifyClient(shop.url, shop.token, log_mode=LOG_MODES[shop.settings.logging_mode])
