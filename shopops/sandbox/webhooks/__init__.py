"""Webhooks of the sandbox: subscriptions (GraphQL), REST-style bodies, and signed delivery with retries.

``dispatch`` holds the per-shop queue and worker (:class:`~shopops.sandbox.webhooks.dispatch.WebhookHub`),
``payloads`` what each topic sends and :func:`~shopops.sandbox.webhooks.payloads.notify`, ``resolvers``
the subscription API. See docs/sandbox.md, section "Webhooks".
"""
