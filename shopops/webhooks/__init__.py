"""Webhooks: the receiver (HMAC, dedupe, coalescing into queue entries) and the shop's subscriptions.

``shopops webhooks serve`` runs the receiver (:mod:`shopops.webhooks.app`, the checks and the queueing in
:mod:`shopops.webhooks.intake`); the sync-orders run it queues reads just the orders the events named.
"""
