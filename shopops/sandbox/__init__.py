"""A local Shopify-compatible Admin GraphQL API for the demo, rehearsals and tests.

Usage::

    from shopops.sandbox import Sandbox
    with Sandbox(seed="small", plan="standard") as shop:     # a free loopback port
        shop.url        # http://127.0.0.1:PORT/shops/demo
        shop.token      # shpat_...  (send as X-Shopify-Access-Token)
        shop.post("{ shop { name } }").json()
        shop.state      # the in-memory ShopState (tables of dicts) for assertions
        other = shop.add_shop("eu", seed="tiny", plan="plus", currency="EUR")
        other.url, other.token, other.state

From the command line: ``python -m shopops.sandbox --port 8080 --plan standard --seed small``.

How shops are told apart: **by path prefix**. Each shop lives under ``/shops/{handle}``, so a client
builds ``{url}/admin/api/2026-07/graphql.json`` from the shop's url exactly as it would from
``https://{handle}.myshopify.com``. Every token belongs to exactly one shop; a token sent to another
shop's path gets 401. The bare path ``/admin/api/{version}/graphql.json`` also works and picks the
shop from the token.

Plans and buckets: ``plan="standard"`` (100 points/s, bucket 2,000), ``"advanced"`` (200/4,000),
``"plus"`` (1,000/20,000), or ``plan=(restore_rate, bucket_size)`` for a custom (tiny) bucket, one
bucket per shop and token; ``ShopHandle.set_plan`` changes it later. Faults: ``fault_rate=0.1,
faults=("http_500", "http_503", "internal_error", "slow", "reset"), fault_seed=7``. Scopes:
``Sandbox(scopes=[...])`` for the default token, or ``box.shop.add_token(["read_products"])`` (on a
:class:`ShopHandle`) for another one; ``write_x`` implies ``read_x``. Seeds: "empty", "tiny", "small",
"medium", "large" or a dict of counts (see :mod:`shopops.sandbox.state.seed`). Snapshots:
``Sandbox(snapshot="rehearsal.json")`` loads the file when present and saves it on close.

Bulk queries take time as on Shopify: a start delay, then a rate in objects per second per operation
(``bulk_timing="shopify"``, the default: 1 s and 1,000 objects/s; docs/sandbox.md says why).
``Sandbox(bulk_timing="instant")`` (tests, the demo), ``(delay_s, objects_per_s)``, or
``ShopHandle.set_bulk_timing(...)`` later; ``SHOPOPS_SANDBOX_BULK_TIMING`` sets the default of every shop.

Limits and errors, as Shopify answers them: 401 with the string body for a wrong token; GraphQL errors
at HTTP 200 for syntax/validation (``undefinedField``), ACCESS_DENIED (partial data), THROTTLED,
MAX_COST_EXCEEDED (requested cost over 1,000), MAX_PAGE_SIZE_EXCEEDED (``first``/``last`` over 250,
a code of the sandbox's choosing), MAX_INPUT_SIZE_EXCEEDED (input lists over 250);
``extensions.cost`` on every GraphQL answer. Mutations that 2026-07 makes idempotent
(inventorySetQuantities, inventoryActivate, refundCreate) need ``@idempotent(key:)``.

Webhooks as Shopify sends them: subscribe with ``webhookSubscriptionCreate`` (orders/create, orders/updated,
orders/edited, orders/cancelled, refunds/create, app/uninstalled); deliveries are signed with
``shop.client_secret``, sent from a background queue and retried 8 times over ~4 h
(``shop.set_webhook_timing(scale=0.001)`` compresses that; ``senders=4`` sends four at once);
``shop.set_webhook_faults(drop=, duplicate=, seed=)``, ``shop.webhook_deliveries()`` (with each try's
duration and the queued/delivered times), ``shop.wait_webhooks_idle()``; docs/sandbox.md, "Webhooks".

API versions: 2026-01, 2026-04, 2026-07, 2026-10 and unstable are "supported"; any other version
falls forward to 2026-01 (reported in ``X-Shopify-API-Version``). The schema served is always the
pruned 2026-07 one (``schema.graphql``, made by ``scripts/prune_schema.py``).
"""

from __future__ import annotations

from shopops.sandbox.app import Sandbox, ShopHandle, serve
from shopops.sandbox.engine.throttle import PLANS, Plan
from shopops.sandbox.http.faults import FaultPlan
from shopops.sandbox.state.bulk_timing import BULK_TIMINGS, BulkTiming
from shopops.sandbox.state.store import ShopState

__all__ = ["BULK_TIMINGS", "PLANS", "BulkTiming", "FaultPlan", "Plan", "Sandbox", "ShopHandle", "ShopState", "serve"]
