"""Webhooks: order -> sales document latency through the receiver and a waiting worker, a burst of
deliveries with drops and duplicates reconciled, and a flood of bad requests; next to polling.

    python bench/webhooks.py                                # SQLite and PostgreSQL, everything (~10 min)
    python bench/webhooks.py --backend sqlite --orders 50 --burst-orders 100 --baseline-orders 0   # quick
    python bench/webhooks.py --pg-url postgresql://postgres@127.0.0.1:5432/postgres

Per backend (a fresh SQLite file, or a scratch PostgreSQL database), as ops would deploy it:

- the sandbox (this process, plan ``plus``; 4 webhook senders, as Shopify delivers in parallel), the demo
  shop's ERP set up with ``prepare_shop``, its card auto-creating documents and allowing background syncs;
- ``shopops webhooks serve`` as a process (PostgreSQL: ``--workers 2`` on one socket), subscribed with
  ``webhooks.subscriptions.register`` (the real mutations); ``shopops worker`` as a process waiting on the
  queue; orders made with ``orderCreate`` through another token (its own API bucket).

1. Latency: ``--orders`` orders one after another; from just before ``orderCreate`` to the moment the
   sales document is in the ERP (the database polled every 5 ms). Also each delivery's acknowledgement.
2. Burst: ``--burst-orders`` orders, each created and changed twice (``orderUpdate``; the creates over the
   first half, each change a quarter of the span after the last), over
   ``--burst-seconds``: 4 deliveries an order (orders/create and orders/updated on create, orders/updated
   on each change); a tenth dropped and a tenth duplicated by the sandbox. Printed: the deliveries and their
   acknowledgement p50/p95/max, the runs the events became, the orders the ERP is behind on once the
   queue is idle, what the reconciliation run counted as ``missed_by_webhooks``, and whether every order is
   in the mirror once with one sales document.
3. Bad input: ``--bad`` requests with a wrong, missing or truncated signature, an oversized or malformed
   body, an unknown shop or topic, no event id; every answer's status against the expected one, the
   events and entries before and after, and /health after.
4. Baseline (SQLite): webhooks off (every delivery dropped), a recurring sync-orders every minute, the
   same worker; ``--baseline-orders`` orders at random times over ``--baseline-minutes``.

Benchmarks print figures and ratios; they never pass or fail.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
import sqlalchemy as sa

import shopops
from shopops.demo_shop import prepare_shop
from shopops.sandbox import Sandbox
from shopops.store import tables as t
from shopops.webhooks import subscriptions

SHOP = "DEMO"
TOKEN_ENV = "SHOPOPS_BENCH_TOKEN"
SECRET_ENV = f"SHOPOPS_WEBHOOK_SECRET_{SHOP}"
LATENCY_GOALS = (1.0, 3.0)  # p50, p95 seconds
ACK_GOAL_MS = 50.0
ORDER_CREATE = """
mutation Create($order: OrderCreateOrderInput!) {
  orderCreate(order: $order) { order { id updatedAt } userErrors { field message } } }"""
ORDER_UPDATE = """
mutation Update($input: OrderInput!) { orderUpdate(input: $input) { order { id updatedAt } userErrors { message } } }"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def store(backend: str, admin_url: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="shopops-webhooks-") as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    import psycopg

    name = f"bench_webhooks_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Processes:
    """The receiver and the worker as processes of their own group, stopped on exit."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen[bytes], Any]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        proc = subprocess.Popen(
            [sys.executable, "-m", "shopops", *args], stdout=out, stderr=out, env=env, start_new_session=True
        )
        self.procs.append((name, proc, out))
        return proc

    def alive(self, name: str) -> bool:
        return any(n == name and p.poll() is None for n, p, _ in self.procs)

    def stop(self) -> None:
        for _name, proc, out in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            out.close()
        self.procs.clear()


class Bench:
    """One backend's setup: database, sandbox, receiver, worker."""

    def __init__(self, backend: str, url: str, box: Sandbox, procs: Processes, args: argparse.Namespace) -> None:
        self.backend, self.url, self.box, self.procs, self.args = backend, url, box, procs, args
        self.ws = shopops.open(url)
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}/webhooks"
        self.storefront = box.shop.add_token()  # the shop's own traffic: another bucket than the app's
        self.env = {**os.environ, TOKEN_ENV: box.token, SECRET_ENV: box.shop.client_secret}
        os.environ.update({TOKEN_ENV: box.token, SECRET_ENV: box.shop.client_secret})
        # the catalog's first variants that are goods (a gift card sold is a liability, not an item line)
        goods = [
            v["id"]
            for v in box.state.table("ProductVariant").values()
            if not (box.state.get(v.get("productId"), "Product") or {}).get("isGiftCard")
        ]
        self.variants = goods[:40]
        self.session = requests.Session()

    # --- setup ---------------------------------------------------------------------------------------

    def set_up(self) -> None:
        prepare_shop(self.ws, SHOP, url=self.box.url, token_env=TOKEN_ENV)
        self.ws.shops.set(SHOP, allow_background_sync=True, auto_create_orders=True)
        first = self.ws.run("sync-orders", shop=SHOP, background=False)  # the seed's orders and the cursor
        log(f"first sync-orders: {first.status}, {first.stats.get('created', 0)} orders")
        workers = ["--workers", "2"] if self.backend == "pg" else []
        self.procs.start(
            "receiver", ["--db", self.url, "webhooks", "serve", "--port", str(self.port), *workers], self.env
        )
        deadline = time.monotonic() + 60
        while not self.healthy():
            if time.monotonic() > deadline:
                raise SystemExit("the receiver did not start")
            time.sleep(0.1)
        result = subscriptions.register(self.ws, SHOP, self.address)
        log(f"register: {result.summary()}")
        self.procs.start("worker", ["--db", self.url, "worker", "--threads", "2"], self.env)
        time.sleep(2)

    def handling(self) -> dict[str, Any]:
        """The receiver's own time from a delivery's body to its answer, over its latest deliveries (one
        process's, when several serve)."""
        try:
            answer = self.session.get(f"http://127.0.0.1:{self.port}/health", timeout=5).json()
        except (requests.RequestException, ValueError):
            return {"n": 0}
        return dict(answer.get("handling_ms") or {"n": 0})

    def healthy(self) -> bool:
        try:
            return self.session.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    # --- Shopify side --------------------------------------------------------------------------------

    def gql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        answer = requests.post(
            self.box.shop.graphql_url,
            json={"query": query, "variables": variables},
            headers={"X-Shopify-Access-Token": self.storefront},
            timeout=30,
        )
        body = answer.json()
        if "errors" in body:
            raise RuntimeError(body["errors"])
        return dict(body["data"])

    def create_order(self, n: int) -> int:
        variant = self.variants[n % len(self.variants)]
        order = {"email": f"bench{n}@example.com", "lineItems": [{"variantId": variant, "quantity": 1 + n % 3}]}
        made = self.gql(ORDER_CREATE, {"order": order})["orderCreate"]
        if made["userErrors"]:
            raise RuntimeError(made["userErrors"])
        return int(made["order"]["id"].rsplit("/", 1)[1])

    def update_order(self, order_id: int, note: str) -> None:
        changed = self.gql(ORDER_UPDATE, {"input": {"id": f"gid://shopify/Order/{order_id}", "note": note}})
        if changed["orderUpdate"]["userErrors"]:
            raise RuntimeError(changed["orderUpdate"]["userErrors"])

    # --- ERP side ------------------------------------------------------------------------------------

    def count(self, query: Any) -> int:
        with self.ws.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def has_document(self, order_id: int) -> bool:
        H = t.erp_sales_header
        return bool(self.count(sa.select(sa.func.count()).select_from(H).where(H.c.shopify_order_id == order_id)))

    def idle(self) -> bool:
        Q, E = t.job_queue_entry, t.webhook_event
        busy = self.count(
            sa.select(sa.func.count())
            .select_from(Q)
            .where(Q.c.report == "sync-orders", Q.c.status.in_(("ready", "in_process", "waiting")), ~Q.c.recurring)
        )
        pending = self.count(sa.select(sa.func.count()).select_from(E).where(E.c.status.in_(("pending", "claimed"))))
        return busy == 0 and pending == 0

    def webhook_runs(self) -> int:
        """sync-orders runs the receiver queued (their entries say "from webhooks")."""
        L = t.job_queue_log_entry
        query = sa.select(sa.func.count()).select_from(L)
        return self.count(query.where(L.c.report == "sync-orders", L.c.description.like("%from webhooks%")))

    def webhook_work(self, skip: int) -> dict[str, float]:
        """The webhook runs after the first ``skip``: orders read, API points, seconds running."""
        L = t.job_queue_log_entry
        query = (
            sa.select(L.c.stats, L.c.api_cost, L.c.started_at, L.c.ended_at)
            .where(L.c.report == "sync-orders", L.c.description.like("%from webhooks%"))
            .order_by(L.c.id)
            .offset(skip)
        )
        out = {"read": 0.0, "points": 0.0, "seconds": 0.0}
        with self.ws.engine.connect() as conn:
            for stats, cost, started, ended in conn.execute(query):
                out["read"] += (stats or {}).get("read", 0)
                out["points"] += cost or 0.0
                out["seconds"] += (ended - started).total_seconds() if ended and started else 0.0
        return out

    # --- 1. latency ----------------------------------------------------------------------------------

    def latency(self, count: int) -> tuple[list[float], list[float]]:
        start_deliveries = len(self.box.shop.webhook_deliveries())
        out: list[float] = []
        for n in range(count):
            t0 = time.time()
            order_id = self.create_order(n)
            while not self.has_document(order_id):
                if time.time() - t0 > 60:
                    log(f"order {order_id}: no document after 60 s")
                    break
                time.sleep(0.005)
            out.append(time.time() - t0)
            time.sleep(random.uniform(0.0, 0.2))
        self.box.shop.wait_webhooks_idle(60)
        acks = [
            d["durations_ms"][-1] for d in self.box.shop.webhook_deliveries()[start_deliveries:] if d["durations_ms"]
        ]
        return out, acks

    # --- 2. burst ------------------------------------------------------------------------------------

    def burst(self, orders: int, seconds: float) -> dict[str, Any]:
        shop = self.box.shop
        before = len(shop.webhook_deliveries())
        runs_before = self.webhook_runs()
        shop.set_webhook_faults(drop=0.1, duplicate=0.1, seed=11)
        made: list[int] = []
        lock = threading.Lock()
        started = time.time()

        # creates over the first half of the span, each order's two changes a quarter and a half of the span
        # after its create: every change is its own event, so a dropped one leaves the ERP behind until the
        # reconciliation run (changes made back to back would be read together by one run)
        ids: dict[int, int] = {}
        plan = sorted(
            (seconds / 2 * n / orders + offset, step, n)
            for n in range(orders)
            for step, offset in enumerate((0.0, seconds / 4, seconds / 2))
        )

        def act(step: int, n: int) -> None:
            if step == 0:
                ids[n] = self.create_order(10_000 + n)
                with lock:
                    made.append(ids[n])
                return
            while n not in ids:
                time.sleep(0.01)
            self.update_order(ids[n], "packed" if step == 1 else "packed, gift wrap")

        with ThreadPoolExecutor(8) as pool:
            futures = []
            for moment, step, n in plan:
                time.sleep(max(0.0, started + moment - time.time()))
                futures.append(pool.submit(act, step, n))
            for future in futures:
                future.result()
        made_s = time.time() - started
        shop.wait_webhooks_idle(300)
        sent_s = time.time() - started
        handling = self.handling()
        shop.set_webhook_faults()
        deadline = time.time() + 600
        while not self.idle() and time.time() < deadline:
            time.sleep(0.2)
        drained_s = time.time() - started
        deliveries = shop.webhook_deliveries()[before:]
        statuses = Counter(d["status"] for d in deliveries)
        acks = [ms for d in deliveries for ms in d["durations_ms"]]
        behind = self.behind(made)
        runs = self.webhook_runs() - runs_before
        work = self.webhook_work(runs_before)
        reconcile = self.ws.run("sync-orders", shop=SHOP, background=False)
        once = self.exactly_once(made)
        return {
            "orders": orders,
            "made_s": made_s,
            "sent_s": sent_s,
            "drained_s": drained_s,
            "deliveries": len(deliveries),
            "statuses": dict(statuses),
            "duplicates": sum(1 for d in deliveries if d["duplicate"]),
            "acks": acks,
            "handling": handling,
            "runs": runs,
            "work": work,
            "behind": behind,
            "missed": reconcile.stats.get("missed_by_webhooks"),
            "reconcile": reconcile,
            **once,
        }

    def behind(self, order_ids: list[int]) -> int:
        """Orders the ERP's mirror does not hold as Shopify has them now (missing or older)."""
        orders_t = t.shopify_order
        with self.ws.engine.connect() as conn:
            held = dict(
                conn.execute(
                    sa.select(orders_t.c.id, orders_t.c.shopify_updated_at).where(orders_t.c.shop_code == SHOP)
                ).all()
            )
        out = 0
        for order_id in order_ids:
            now = self.box.state.get(f"gid://shopify/Order/{order_id}", "Order")["updatedAt"]
            stored = held.get(order_id)
            if stored is None or stored.isoformat().replace("+00:00", "Z") < now.replace(".000Z", "Z"):
                out += 1
        return out

    def exactly_once(self, order_ids: list[int]) -> dict[str, Any]:
        orders_t, H = t.shopify_order, t.erp_sales_header
        with self.ws.engine.connect() as conn:
            mirrored = Counter(conn.execute(sa.select(orders_t.c.id).where(orders_t.c.shop_code == SHOP)).scalars())
            docs = Counter(conn.execute(sa.select(H.c.shopify_order_id).where(H.c.shop_code == SHOP)).scalars())
        return {
            "in_mirror_once": sum(1 for i in order_ids if mirrored[i] == 1),
            "one_document": sum(1 for i in order_ids if docs[i] == 1),
            "duplicate_documents": sum(1 for n in docs.values() if n > 1),
        }

    # --- 3. bad input --------------------------------------------------------------------------------

    def bad_input(self, count: int) -> dict[str, Any]:
        secret = self.box.shop.client_secret
        domain = f"{self.box.shop.handle}.myshopify.com"

        def sign(raw: bytes) -> str:
            return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()

        def headers(raw: bytes, **extra: str) -> dict[str, str]:
            base = {
                "X-Shopify-Topic": "orders/create",
                "X-Shopify-Hmac-Sha256": sign(raw),
                "X-Shopify-Shop-Domain": domain,
                "X-Shopify-Event-Id": f"bad-{random.random()}",
                "Content-Type": "application/json",
            }
            base.update(extra)
            return {k: v for k, v in base.items() if v != "-"}

        body = json.dumps({"id": 42, "updated_at": "2026-12-04T10:00:00Z"}).encode()
        kinds: dict[str, tuple[int, Callable[[], tuple[bytes, dict[str, str]]]]] = {
            "wrong signature": (401, lambda: (body, headers(body, **{"X-Shopify-Hmac-Sha256": sign(b"other")}))),
            "missing signature": (401, lambda: (body, headers(body, **{"X-Shopify-Hmac-Sha256": "-"}))),
            "truncated body": (401, lambda: (body[:-7], headers(body))),
            "oversized body": (413, lambda: (b" " * (3 * 1024 * 1024), headers(body))),
            "malformed body": (400, lambda: (b"{id: 42,", headers(b"{id: 42,"))),
            "unknown shop": (404, lambda: (body, headers(body, **{"X-Shopify-Shop-Domain": "nobody.myshopify.com"}))),
            "unknown topic": (400, lambda: (body, headers(body, **{"X-Shopify-Topic": "products/delete"}))),
            "no event id": (400, lambda: (body, headers(body, **{"X-Shopify-Event-Id": "-"}))),
        }
        names = list(kinds)
        plan = [names[i % len(names)] for i in range(count)]
        # a tenth as many oversized ones (3 MB each): the point is the refusal, not the loopback's bandwidth
        plan = [k for i, k in enumerate(plan) if k != "oversized body" or i % 80 < 8]
        while len(plan) < count:
            plan.append("wrong signature")
        E, Q = t.webhook_event, t.job_queue_entry
        before = (
            self.count(sa.select(sa.func.count()).select_from(E)),
            self.count(sa.select(sa.func.count()).select_from(Q)),
        )

        def send(kind: str) -> tuple[str, int]:
            raw, head = kinds[kind][1]()
            try:
                return kind, requests.post(self.address, data=raw, headers=head, timeout=30).status_code
            except requests.ConnectionError:
                return kind, -1

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(send, plan))
        after = (
            self.count(sa.select(sa.func.count()).select_from(E)),
            self.count(sa.select(sa.func.count()).select_from(Q)),
        )
        right = Counter(kind for kind, status in answers if status == kinds[kind][0])
        sent = Counter(kind for kind, _ in answers)
        return {
            "sent": len(answers),
            "right": sum(right.values()),
            "by_kind": {k: (sent[k], right[k], kinds[k][0]) for k in names},
            "before": before,
            "after": after,
            "healthy": self.healthy() and self.procs.alive("receiver"),
        }

    # --- 4. polling baseline -------------------------------------------------------------------------

    def baseline(self, count: int, minutes: float) -> list[float]:
        """Polling as before webhooks: no address on the card (so no reconciliation overlap), none delivered."""
        self.box.shop.set_webhook_faults(drop=1.0)
        self.ws.shops.set(SHOP, webhook_address="")
        self.ws.run("sync-orders", shop=SHOP, background=False)  # the cursor at now
        self.ws.queue.enqueue(
            "sync-orders",
            shop=SHOP,
            category="SHOPIFY",
            recurrence=shopops.Recurrence(every_minutes=1),
            description="sync-orders every minute (polling baseline)",
        )
        span = minutes * 60
        start = time.time()
        times = sorted(random.uniform(0, span) for _ in range(count))
        made: list[tuple[int, float]] = []
        for at in times:
            time.sleep(max(0.0, start + at - time.time()))
            t0 = time.time()
            made.append((self.create_order(20_000 + len(made)), t0))
        deadline = time.time() + 150
        while time.time() < deadline and not all(self.has_document(order_id) for order_id, _ in made):
            time.sleep(1)
        # when each document was made (its created_at, written by the worker on this host's clock)
        H = t.erp_sales_header
        with self.ws.engine.connect() as conn:
            rows = conn.execute(sa.select(H.c.shopify_order_id, H.c.created_at).where(H.c.shop_code == SHOP))
            made_at = {order_id: created.timestamp() for order_id, created in rows}
        return [made_at[order_id] - t0 if order_id in made_at else float("nan") for order_id, t0 in made]

    def close(self) -> None:
        self.ws.close()


def show_latency(label: str, values: list[float], acks: list[float]) -> None:
    p50, p95 = pct(values, 0.5), pct(values, 0.95)
    goal50, goal95 = LATENCY_GOALS
    print(
        f"  {label}: {len(values)} orders, order -> sales document p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms (goal p50 <= {goal50:.0f} s: ratio {goal50 / p50:.1f}; "
        f"p95 <= {goal95:.0f} s: ratio {goal95 / p95:.1f})"
    )
    if acks:
        print(f"    deliveries acknowledged: p50 {pct(acks, 0.5):.1f} ms, p95 {pct(acks, 0.95):.1f} ms ({len(acks)})")


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    procs = Processes()
    with store(backend, args.pg_url) as url, Sandbox(seed="small", plan="plus") as box:
        box.shop.set_bulk_timing("instant")
        box.shop.set_webhook_timing(senders=4)
        bench = Bench(backend, url, box, procs, args)
        try:
            log(f"{backend}: setting up")
            bench.set_up()
            if args.orders:
                log(f"{backend}: latency over {args.orders} orders")
                figures["latency"], figures["latency_acks"] = bench.latency(args.orders)
                show_latency(f"{backend} webhooks", figures["latency"], figures["latency_acks"])
                quiet = bench.ws.run("sync-orders", shop=SHOP, background=False)
                print(
                    "    reconciliation after the latency run: missed_by_webhooks "
                    f"{quiet.stats.get('missed_by_webhooks')}"
                )
            if args.burst_orders:
                log(f"{backend}: burst of {args.burst_orders} orders in {args.burst_seconds:.0f} s")
                b = bench.burst(args.burst_orders, args.burst_seconds)
                figures["burst"] = b
                acks = b["acks"]
                print(
                    f"  {backend} burst: {b['deliveries']} deliveries ({b['statuses']}, {b['duplicates']} duplicates) "
                    f"for {b['orders']} orders; orders made in {b['made_s']:.1f} s, "
                    f"all delivered by {b['sent_s']:.1f} s, "
                    f"queue idle at {b['drained_s']:.1f} s"
                )
                print(
                    f"    acknowledged: p50 {pct(acks, 0.5):.1f} ms, p95 {pct(acks, 0.95):.1f} ms, "
                    f"max {max(acks):.1f} ms "
                    f"(goal p95 <= {ACK_GOAL_MS:.0f} ms: ratio {ACK_GOAL_MS / pct(acks, 0.95):.1f}); "
                    f"{b['runs']} sync-orders runs from webhooks"
                )
                h = b["handling"]
                if h.get("n"):
                    print(
                        f"    the receiver's own time, body to answer (its latest {h['n']}): p50 {h['p50']:.1f} ms, "
                        f"p95 {h['p95']:.1f} ms, max {h['max']:.1f} ms"
                    )
                w = b["work"]
                print(
                    f"    the runs read {w['read']:.0f} orders in {w['seconds']:.1f} s of running, "
                    f"{w['points']:.0f} API points ({w['points'] / max(w['read'], 1):.1f} an order)"
                )
                print(
                    f"    ERP behind on {b['behind']} orders when the queue was idle; reconciliation found "
                    f"missed_by_webhooks {b['missed']} ({'equal' if b['behind'] == b['missed'] else 'DIFFERENT'}); "
                    f"in the mirror once: {b['in_mirror_once']}/{b['orders']}, one document: "
                    f"{b['one_document']}/{b['orders']}, orders with more than one document: {b['duplicate_documents']}"
                )
            if args.bad:
                log(f"{backend}: {args.bad} bad requests")
                bad = bench.bad_input(args.bad)
                figures["bad"] = bad
                print(
                    f"  {backend} bad input: {bad['right']}/{bad['sent']} refused with the right status; events and "
                    f"entries {bad['before']} before, {bad['after']} after; receiver healthy after: {bad['healthy']}"
                )
                for kind, (sent, right, status) in bad["by_kind"].items():
                    print(f"    {kind:18} {right:4}/{sent:<4} answered {status}")
            if args.baseline_orders and backend in args.baseline_backends.split(","):
                log(f"{backend}: polling baseline, {args.baseline_orders} orders over {args.baseline_minutes} min")
                figures["baseline"] = bench.baseline(args.baseline_orders, args.baseline_minutes)
                show_latency(f"{backend} polling every minute", figures["baseline"], [])
        finally:
            procs.stop()
            bench.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "pg", "both"), default="both")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--burst-orders", type=int, default=500)
    parser.add_argument("--burst-seconds", type=float, default=20.0)
    parser.add_argument("--bad", type=int, default=1000)
    parser.add_argument("--baseline-orders", type=int, default=30)
    parser.add_argument("--baseline-minutes", type=float, default=2.5)
    parser.add_argument("--baseline-backends", default="sqlite")
    args = parser.parse_args()
    random.seed(7)
    backends = ["sqlite", "pg"] if args.backend == "both" else [args.backend]
    print(f"bench/webhooks.py on {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}")
    results = {b: run_backend(b, args) for b in backends}
    print("summary")
    for backend, figures in results.items():
        if "latency" in figures:
            show_latency(backend, figures["latency"], figures["latency_acks"])
        if "baseline" in figures and "latency" in figures:
            base, fast = pct(figures["baseline"], 0.5), pct(figures["latency"], 0.5)
            print(
                f"  {backend}: polling every minute p50 {base:.1f} s against webhooks {fast:.2f} s: "
                f"{base / fast:.0f}x sooner"
            )


if __name__ == "__main__":
    main()
