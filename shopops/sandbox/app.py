"""The Sandbox: shops, tokens and buckets behind one loopback HTTP server.

See the package docstring for usage; this module holds :class:`Sandbox`, :class:`ShopHandle` and
:func:`serve`.
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests

from shopops.sandbox.engine.auth import ALL_SCOPES, Token, expand
from shopops.sandbox.engine.throttle import LeakyBucket, Plan, resolve_plan
from shopops.sandbox.http.faults import KINDS, FaultPlan
from shopops.sandbox.http.server import SERVED_VERSION, SandboxServer
from shopops.sandbox.state import seed as seeding
from shopops.sandbox.state import snapshot as snapshots
from shopops.sandbox.state.bulk_timing import BulkTiming, BulkTimingSpec, resolve_bulk_timing
from shopops.sandbox.state.store import ShopInfo, ShopState
from shopops.sandbox.webhooks.payloads import TABLE as SUBSCRIPTIONS
from shopops.sandbox.webhooks.payloads import notify, shop_payload

PlanSpec = str | Plan | tuple[float, float]


class ShopHandle:
    """One shop in a sandbox: its url, default token, in-memory ``state`` and buckets."""

    def __init__(self, sandbox: Sandbox, handle: str, state: ShopState, plan: Plan) -> None:
        self.sandbox = sandbox
        self.handle = handle
        self.state = state
        self.plan = plan
        self.tokens: list[str] = []
        self._buckets: dict[str, LeakyBucket] = {}
        self._lock = threading.Lock()
        state.webhooks.domain = f"{handle}.myshopify.com"
        state.webhooks.on_exhausted = self._drop_subscription

    def __repr__(self) -> str:
        return f"<ShopHandle {self.handle} at {self.url}, plan {self.plan.name}>"

    @property
    def url(self) -> str:
        """Base URL of the shop; the Admin API is ``{url}/admin/api/2026-07/graphql.json``."""
        return f"{self.sandbox.base_url}/shops/{self.handle}"

    @property
    def graphql_url(self) -> str:
        """The full Admin GraphQL endpoint of the served version."""
        return f"{self.url}/admin/api/{SERVED_VERSION}/graphql.json"

    @property
    def token(self) -> str:
        """The shop's first (all-scopes) access token."""
        return self.tokens[0]

    def add_token(self, scopes: Iterable[str] | None = None, value: str | None = None) -> str:
        """Issue another access token for this shop, optionally with limited scopes."""
        return self.sandbox.add_token(self.handle, scopes, value)

    def bucket(self, token: str) -> LeakyBucket:
        """The leaky bucket of one token on this shop (created full)."""
        with self._lock:
            bucket = self._buckets.get(token)
            if bucket is None:
                bucket = self._buckets[token] = LeakyBucket(self.plan)
            return bucket

    def set_plan(self, plan: PlanSpec) -> None:
        """Change the plan (restore rate and bucket size); buckets restart full."""
        with self._lock:
            self.plan = resolve_plan(plan)
            self._buckets.clear()

    @property
    def bulk_timing(self) -> BulkTiming:
        """How long this shop's bulk queries take (start delay, objects per second per operation)."""
        return self.state.bulk_timing

    def set_bulk_timing(self, timing: BulkTimingSpec) -> None:
        """Change the bulk query pace: ``"shopify"``, ``"instant"``, ``(delay_s, objects_per_s)`` or a
        :class:`BulkTiming`; operations started from now on take it."""
        self.state.bulk_timing = resolve_bulk_timing(timing)

    @property
    def client_secret(self) -> str:
        """The app's client secret: the key of every webhook's ``X-Shopify-Hmac-Sha256`` (settable)."""
        return self.state.webhooks.client_secret

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.state.webhooks.client_secret = value

    def set_webhook_timing(
        self, scale: float = 1.0, timeout_s: float | None = None, senders: int | None = None
    ) -> None:
        """Compress Shopify's retry schedule (8 tries over ~4 h) by ``scale``, e.g. 0.001 in tests;
        ``timeout_s`` is how long a receiver may take to answer (Shopify: 5 s); ``senders`` how many
        deliveries are in flight at once (1 until set; None keeps the current number), since Shopify
        delivers in parallel and a benchmark wants a slow receiver not to serialise everything."""
        self.state.webhooks.set_timing(scale, timeout_s, senders)

    def set_webhook_faults(self, drop: float = 0.0, duplicate: float = 0.0, seed: int = 0) -> None:
        """Drop a share of deliveries or send a share twice (same body and event id), seeded."""
        self.state.webhooks.set_faults(drop, duplicate, seed)

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Every delivery so far: topic, address, webhook and event ids, attempts, statuses, final status."""
        return self.state.webhooks.deliveries()

    def wait_webhooks_idle(self, timeout: float = 10.0) -> bool:
        """Block until no delivery is queued, due for a retry or in flight; False if ``timeout`` ran out."""
        return self.state.webhooks.wait_idle(timeout)

    def _drop_subscription(self, subscription_id: str) -> None:
        with self.state.lock:
            self.state.delete(subscription_id)

    def uninstall_app(self) -> None:
        """Simulate the merchant uninstalling the app: ``app/uninstalled`` is sent, then, as on Shopify,
        the app's webhook subscriptions are gone."""
        with self.state.lock:
            notify(self.state, "APP_UNINSTALLED", shop_payload(self.state))
            self.state.table(SUBSCRIPTIONS).clear()

    def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None, timeout: float = 30.0
    ) -> requests.Response:
        """Send one GraphQL request over HTTP (a convenience for notebooks and tests)."""
        return requests.post(
            self.graphql_url,
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": token or self.token},
            timeout=timeout,
        )


class Sandbox:
    """A local Shopify-compatible Admin API: ``with Sandbox(seed="small") as shop: shop.url, shop.token``.

    Arguments: ``seed`` (size name or dict of counts, None for an empty shop), ``plan`` (name or
    ``(restore_rate, bucket_size)``), ``port`` (0 = a free one), ``handle`` of the first shop,
    ``snapshot`` (JSON file loaded at start when present and written at close), ``fault_rate`` /
    ``faults`` / ``fault_seed`` / ``slow_seconds`` (seeded fault injection), ``scopes`` of the
    default token, ``rng_seed`` (the data generator's seed), ``bulk_timing`` of every shop added (a
    :class:`BulkTiming` spec; None = ``SHOPOPS_SANDBOX_BULK_TIMING`` or Shopify's pace, see docs/sandbox.md).
    """

    def __init__(
        self,
        seed: str | dict[str, int] | None = "small",
        plan: PlanSpec = "standard",
        port: int = 0,
        host: str = "127.0.0.1",
        handle: str = "demo",
        snapshot: str | Path | None = None,
        fault_rate: float = 0.0,
        faults: Iterable[str] = KINDS,
        fault_seed: int = 0,
        slow_seconds: float = 1.5,
        scopes: Iterable[str] | None = None,
        rng_seed: int = 42,
        currency: str = "USD",
        bulk_timing: BulkTimingSpec | None = None,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the sandbox listens on loopback only")
        self.host = host
        self.port = port
        self.shops: dict[str, ShopHandle] = {}
        self.tokens: dict[str, Token] = {}
        self.faults = FaultPlan(fault_rate, fault_seed, tuple(faults), slow_seconds)
        self.snapshot_path = Path(snapshot) if snapshot else None
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None
        self._default = handle
        self.bulk_timing = None if bulk_timing is None else resolve_bulk_timing(bulk_timing)
        if self.snapshot_path is not None and self.snapshot_path.exists():
            snapshots.load(self, self.snapshot_path)
        if handle not in self.shops:
            self.add_shop(handle, seed=seed, plan=plan, scopes=scopes, rng_seed=rng_seed, currency=currency)

    # -- shops and tokens -------------------------------------------------------------------------
    def add_shop(
        self,
        handle: str,
        seed: str | dict[str, int] | None = "tiny",
        plan: PlanSpec = "standard",
        token: str | None = None,
        scopes: Iterable[str] | None = None,
        rng_seed: int = 42,
        currency: str = "USD",
        state: ShopState | None = None,
        bulk_timing: BulkTimingSpec | None = None,
    ) -> ShopHandle:
        """Add a shop (served at ``/shops/{handle}``) with its own data, plan, token and bulk timing (None:
        the sandbox's ``bulk_timing``, else ``SHOPOPS_SANDBOX_BULK_TIMING``, else Shopify's pace)."""
        if handle in self.shops:
            raise ValueError(f"shop {handle!r} already exists")
        if state is None:
            state = ShopState(
                ShopInfo(
                    handle=handle,
                    name=f"{handle.title()} Sandbox Shop",
                    currency=currency,
                    plan=resolve_plan(plan).name,
                )
            )
            if seed is not None:
                seeding.seed_shop(state, seed, rng_seed)
        timing = bulk_timing if bulk_timing is not None else self.bulk_timing
        if timing is not None:
            state.bulk_timing = resolve_bulk_timing(timing)
        shop = ShopHandle(self, handle, state, resolve_plan(plan))
        self.shops[handle] = shop
        self.add_token(handle, scopes, token)
        return shop

    def add_token(self, handle: str, scopes: Iterable[str] | None = None, value: str | None = None) -> str:
        """Issue a token for a shop; ``scopes`` None means every scope the sandbox knows."""
        shop = self.shops[handle]
        if value is None:
            digest = hashlib.sha256(f"{handle}:{len(shop.tokens)}".encode()).hexdigest()[:32]
            value = f"shpat_{digest}"
        granted = ALL_SCOPES if scopes is None else expand(frozenset(scopes))
        self.tokens[value] = Token(value, handle, granted)
        shop.tokens.append(value)
        return value

    def token_for(self, value: str | None) -> Token | None:
        """The token record of a header value, None when unknown."""
        return self.tokens.get(value) if value else None

    @property
    def shop(self) -> ShopHandle:
        """The first (default) shop."""
        return self.shops[self._default]

    @property
    def url(self) -> str:
        """The default shop's base URL (``http://127.0.0.1:PORT/shops/demo``)."""
        return self.shop.url

    @property
    def token(self) -> str:
        """The default shop's token."""
        return self.shop.token

    @property
    def state(self) -> ShopState:
        """The default shop's in-memory state (lock it with ``state.lock`` when changing it)."""
        return self.shop.state

    @property
    def graphql_url(self) -> str:
        """The default shop's Admin GraphQL endpoint."""
        return self.shop.graphql_url

    def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None, timeout: float = 30.0
    ) -> requests.Response:
        """POST a GraphQL document to the default shop."""
        return self.shop.post(query, variables, token, timeout)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        return f"http://{self.host}:{self.port}"

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> Sandbox:
        """Start serving in a background thread (port 0 picks a free port)."""
        if self._server is not None:
            return self
        self._server = SandboxServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"shopops-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the current thread until interrupted (the CLI's mode)."""
        self._server = SandboxServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()
            self._server = None
            self.save()

    def save(self, path: str | Path | None = None) -> Path | None:
        """Write every shop to the snapshot JSON (``path`` or the one given at construction)."""
        target = Path(path) if path else self.snapshot_path
        if target is None:
            return None
        snapshots.save(self, target)
        return target

    def close(self) -> None:
        """Stop serving, close the socket, stop every shop's webhook deliveries (what is still queued is
        abandoned) and write the snapshot if one was configured."""
        for shop in self.shops.values():
            shop.state.webhooks.close()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.save()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        shops = ", ".join(self.shops)
        return f"<Sandbox {self.base_url} shops: {shops}>"


def serve(
    port: int = 8080,
    plan: str = "standard",
    seed: str | None = "small",
    snapshot: str | Path | None = None,
    fault_rate: float = 0.0,
    handle: str = "demo",
    host: str = "127.0.0.1",
    fault_seed: int = 0,
    rng_seed: int = 42,
    announce: bool = True,
    bulk_timing: BulkTimingSpec | None = None,
) -> None:
    """Run a sandbox in the foreground until Ctrl-C; what ``shopops sandbox`` calls."""
    box = Sandbox(
        seed=seed,
        plan=plan,
        port=port,
        host=host,
        handle=handle,
        snapshot=snapshot,
        fault_rate=fault_rate,
        fault_seed=fault_seed,
        rng_seed=rng_seed,
        bulk_timing=bulk_timing,
    )
    if announce:
        counts = ", ".join(f"{n} {k}" for k, n in box.state.counts().items())
        print(
            f"shopops sandbox: shop {handle!r} at http://{host}:{port}/shops/{handle} "
            f"(Admin API {{url}}/admin/api/{SERVED_VERSION}/graphql.json)",
            flush=True,
        )
        pace = box.shop.bulk_timing
        print(f"  token: {box.token}  plan: {plan}  data: {counts}", flush=True)
        print(
            f"  bulk queries: {pace.name} pace, start delay {pace.start_delay:g} s, "
            f"{pace.objects_per_second:g} objects/s per operation",
            flush=True,
        )
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C, so that the snapshot is written
    with contextlib.suppress(KeyboardInterrupt):
        box.serve_forever()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
