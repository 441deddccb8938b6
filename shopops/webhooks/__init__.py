"""Shopify webhooks for shopops: the receiver (HMAC, dedupe, coalescing into queue entries) and subscriptions.

``app`` serves the receiver (``shopops webhooks serve``) and ``intake`` does its work per delivery: checks,
the event recorded once, one pending sync-orders entry per shop, which reads just the orders the events
named. ``subscriptions`` subscribes a shop's order topics at the receiver's address through the Admin API
(``shopops webhooks register|list|delete``) and keeps the shop card's Webhooks group in step. Modules are
imported by name (``from shopops.webhooks import subscriptions``); this file imports none of them, so that
importing the package costs nothing.
"""

from __future__ import annotations
