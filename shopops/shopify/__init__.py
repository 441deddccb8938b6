"""The Shopify Admin GraphQL API client: the one way shopops talks to Shopify.

    from shopops.shopify import ShopifyClient, operations
    client = ShopifyClient("https://demo.myshopify.com", token)      # api_version="2026-07"
    data = client.execute(operations.load("GetShop"))                # the `data` object
    for order in client.paginate(operations.load("GetOrderIds"), {"first": 250}, path=("orders",)):
        ...
    result = client.bulk.run_query(bulk_query)                       # bulk read, streamed JSONL
    client.stats                                                     # calls, cost, throttle waits, retries

Errors are typed (``shopops.shopify.errors``) and say what to do. The token never appears in a repr,
an exception or a log line. This package knows nothing of the ERP or the job queue.
"""

from __future__ import annotations

from shopops.shopify import errors, operations
from shopops.shopify.bulk import BulkResult, BulkRunner
from shopops.shopify.classify import find_user_errors
from shopops.shopify.client import ShopifyClient
from shopops.shopify.errors import ShopifyError, UserError
from shopops.shopify.paging import Page
from shopops.shopify.request_log import LogMode, RequestLogEntry
from shopops.shopify.retry import RetryPolicy
from shopops.shopify.stats import ClientStats
from shopops.shopify.throttle import ThrottlePacer
from shopops.shopify.transport import DEFAULT_API_VERSION

__all__ = [
    "DEFAULT_API_VERSION",
    "BulkResult",
    "BulkRunner",
    "ClientStats",
    "LogMode",
    "Page",
    "RequestLogEntry",
    "RetryPolicy",
    "ShopifyClient",
    "ShopifyError",
    "ThrottlePacer",
    "UserError",
    "errors",
    "find_user_errors",
    "operations",
]
