"""Chaos: every report on a seeded shop, two worker processes, the shop failing one request in ten, and
one worker killed with SIGKILL in the middle of a run.

In the end every report has finished, no entry is left in process, ERP and Shopify agree on orders,
lines, amounts and stock, and nothing was made twice: no duplicate document, line or fulfilment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

import shopops
from shopops.demo import PIPELINE
from shopops.demo_shop import CATEGORY, LOCATION, prepare_shop
from shopops.queue import Status
from shopops.sandbox import Sandbox
from shopops.store import tables as t

pytestmark = pytest.mark.slow
SHOP = "CHAOS"
TOKEN_ENV = "SHOPOPS_CHAOS_TOKEN"
LONG_RUNS = ("sync-orders", "sync-shipments", "sync-payouts", "sync-inventory")
FAULTS = ("http_500", "http_503", "internal_error", "reset")


def _num(gid: str) -> int:
    return int(str(gid).rsplit("/", 1)[-1])


def _worker(db_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shopops",
            "--db",
            db_url,
            "worker",
            "--threads",
            "2",
            "--heartbeat",
            "0.3",
            "--lost-after",
            "2",
            "--poll",
            "0.05",
            "--grace",
            "5",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_every_report_survives_faults_and_a_killed_worker(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox(seed="small", plan="plus") as box:
        monkeypatch.setenv(TOKEN_ENV, box.token)
        ws = shopops.open(db_url)
        prepare_shop(ws, SHOP, url=box.url, token_env=TOKEN_ENV)
        entries = [
            ws.queue.enqueue(name, shop=SHOP, category=CATEGORY, max_attempts=5, rerun_delay_s=0)
            for name in PIPELINE
            if name in ws.registry
        ]
        box.faults.kinds = FAULTS
        box.faults.rate = 0.10

        workers = [_worker(db_url), _worker(db_url)]
        killed: tuple[str, str] | None = None
        try:

            def long_run_in_process() -> bool:
                nonlocal killed
                for entry in ws.queue.entries(status="in_process").itertuples():
                    if entry.report in LONG_RUNS and entry.worker:
                        pid = int(str(entry.worker).split(":")[1])
                        victim = next((w for w in workers if w.pid == pid), None)
                        if victim is not None:
                            os.kill(victim.pid, signal.SIGKILL)
                            killed = (entry.report, entry.worker)
                            return True
                return False

            _wait(long_run_in_process, 120, "a long report in process to kill its worker")
            ids = [e.id for e in entries]
            _wait(
                lambda: all(ws.queue.get(i).status in (Status.FINISHED, Status.ERROR) for i in ids),
                300,
                "every report to end",
            )
        finally:
            for proc in workers:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in workers:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            box.faults.rate = 0.0

        assert killed is not None
        log = ws.queue.log()
        # every report finished, and the killed run is on record as lost, then done again
        for entry in entries:
            got = ws.queue.get(entry.id)
            assert got.status == Status.FINISHED, f"{got.report}: {got.status} {got.last_error}"
        lost = log[(log.report == killed[0]) & log.error.fillna("").str.contains("worker lost")]
        assert len(lost) >= 1, f"the killed {killed[0]} run is not logged as lost"
        assert ws.queue.entries(status="in_process").empty and ws.queue.log(status="in_process").empty

        shop_orders = {_num(o["id"]): o for o in box.state.table("Order").values()}
        line_items = {_num(li["id"]): li for li in box.state.table("LineItem").values()}
        with ws.engine.connect() as conn:
            mirror = {row.id: row for row in conn.execute(sa.select(t.shopify_order))}
            invoices = conn.execute(sa.select(t.erp_posted_invoice)).all()
            invoice_lines = conn.execute(sa.select(t.erp_posted_invoice_line)).all()
            headers = conn.execute(sa.select(t.erp_sales_header)).all()
            shipments = conn.execute(sa.select(t.erp_posted_shipment)).all()
            variants = conn.execute(sa.select(t.shopify_variant).where(t.shopify_variant.c.item_no.is_not(None))).all()
            mapped = (
                conn.execute(
                    sa.select(t.shop_location.c.location_id).where(t.shop_location.c.stock_calculation != "off")
                )
                .scalars()
                .all()
            )

        # orders: every open Shopify order is mirrored (the first sync takes open orders only, as in BC),
        # and each mirrored order is processed or marked with its reason
        open_orders = {oid for oid, o in shop_orders.items() if not o.get("closed")}
        assert open_orders and open_orders <= set(mirror), sorted(open_orders - set(mirror))[:10]
        for order in mirror.values():
            assert order.processed or (order.has_error and order.error_message), f"order {order.order_no}"
        processed = [o for o in mirror.values() if o.processed]
        assert len(processed) >= 0.9 * len(mirror)

        # no duplicate document: one sales document per order and type, one posted invoice per order
        assert not [
            k
            for k, n in Counter(
                (h.shopify_order_id, h.document_type) for h in headers if h.shopify_refund_id is None
            ).items()
            if n > 1
        ]
        per_order = Counter(i.shopify_order_id for i in invoices)
        assert max(per_order.values()) == 1

        # amounts: each posted invoice is its order's current total (a cent of tax rounding per line at most)
        lines_per_invoice = Counter(line.document_no for line in invoice_lines)
        for invoice in invoices:
            order = mirror[invoice.shopify_order_id]
            want = Decimal(order.current_total_amount)
            got_total = Decimal(invoice.amount_including_tax)
            assert abs(got_total - want) <= Decimal("0.01") * lines_per_invoice[invoice.no], (
                f"{order.order_no}: invoice {got_total} vs Shopify {want}"
            )

        # no duplicate line: one invoice line per Shopify order line
        keyed = Counter(
            (line.document_no, line.shopify_order_line_id) for line in invoice_lines if line.shopify_order_line_id
        )
        assert max(keyed.values(), default=1) == 1

        # no duplicate fulfilment: nothing fulfilled beyond what was ordered; fulfilment ids used once
        fulfilled: Counter[int] = Counter()
        for fulfillment in box.state.table("Fulfillment").values():
            for fli in fulfillment["_lineItems"]:
                fulfilled[_num(fli["lineItemId"])] += int(fli["quantity"])
        for line_id, quantity in fulfilled.items():
            assert quantity <= line_items[line_id]["quantity"], f"line {line_id} fulfilled {quantity} times"
        used = Counter(s.shopify_fulfillment_id for s in shipments if s.shopify_fulfillment_id > 0)
        assert max(used.values(), default=1) == 1

        # stock: Shopify's available at the mapped location is the ERP's available
        assert mapped, "no location was mapped"
        levels = {
            (_num(lv["itemId"]), _num(lv["locationId"])): lv["quantities"]["available"]
            for lv in box.state.table("InventoryLevel").values()
        }
        compared = 0
        for variant in variants:
            key = (int(variant.inventory_item_id or 0), int(mapped[0]))
            if key not in levels:
                continue
            erp = ws.erp.stock.available(variant.item_no, variant_code=variant.variant_code, location_code=LOCATION)
            assert levels[key] == max(int(erp), 0), f"{variant.sku}: Shopify {levels[key]} vs ERP {erp}"
            compared += 1
        assert compared > 0
        ws.close()
