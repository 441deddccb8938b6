"""Order to cash: how orders come in from Shopify (each read path, API points an order), and how fast the ERP
makes and posts documents.

    python bench/order_to_cash.py                      # everything: ~20 minutes
    python bench/order_to_cash.py --quick              # a smoke run in a few minutes
    python bench/order_to_cash.py --local-only --orders 1000   # no sandbox: the ERP and the report only

One printout; benchmarks print figures and ratios, they never pass or fail.

1. **Intake (API-bound), bench/order_intake.py.** On a standard-plan sandbox (100 points/s, bucket 2,000):
   the same ~200 open orders read by the per-order reader (the baseline, as Business Central reads), by
   batched pages and by ``auto`` (which takes a bulk query for a backlog like this), side by side: orders/s,
   actual and requested points an order, calls, peak RSS, and whether the three mirrors are equal. Goals:
   <= 15 points an order and >= 6 orders/s. Then a backlog of ``--backlog`` (50,000) open orders read in bulk:
   wall time (goal < 10 minutes), peak RSS (goal <= 300 MB), windows, operations and objects, and the mirror's
   checksum against a batched read of the same orders. Then ``kill -9`` in the middle of a bulk read and a
   rerun: the saved operations resumed, every order imported once.
2. **Documents (local).** On another fresh SQLite database, ``--orders`` sales orders with realistic
   lines (three item lines at two locations with Shopify line ids, a shipping G/L line) are made with
   ``ws.erp.sales.create`` (one transaction each, as a report makes them) and then posted (ship +
   invoice) with ``ws.erp.posting.post_batch``; the same documents are made again on a third database
   with ``ws.erp.sales.create_many`` (the batch API). Goal: >= 1,000 documents/s. SQL statements per
   document are counted for each. When a report named ``create-sales-documents`` is registered, it is
   also timed (``--local-only``) on ``--orders`` orders written straight into the order mirror
   (customers by e-mail, items by SKU, a shipping line, 25% tax).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import order_intake  # bench/order_intake.py, beside this script
from sqlalchemy import event, insert

import shopops
from shopops.erp import NewSalesDocument, NewSalesLine
from shopops.sandbox import PLANS
from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync import REGISTRY

SHOP = "BENCH"
TOKEN_ENV = "SHOPOPS_BENCH_TOKEN"
DOCUMENTS_GOAL = 1000.0


def setup_erp(ws: Any) -> None:
    """Master data for realistic documents: locations, a customer, items, a shipping account and agent."""
    erp = ws.erp
    erp.locations.add("MAIN", name="Main warehouse")
    erp.locations.add("STORE", name="Copenhagen store")
    erp.gl_accounts.add("6100", name="Shipping charges")
    erp.shipping_agents.add("DHL", name="DHL", internet_address="https://dhl.example/track?id=%1")
    for i in range(20):
        erp.customers.add(f"C{i:04}", name=f"Customer {i}", email=f"c{i}@example.com")
    for i in range(50):
        erp.items.add(f"I{i:04}", description=f"Item {i}", unit_price=Decimal("19.95") + i)


class StatementCounter:
    """Counts the SQL statements an engine runs (an executemany counts once: one round trip)."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


def bench_documents(n: int) -> list[NewSalesDocument]:
    """``n`` realistic sales orders: three item lines at two locations with Shopify line ids, shipping."""
    docs = []
    for k in range(n):
        lines = [
            NewSalesLine(
                "item",
                f"I{(k + j) % 50:04}",
                Decimal(1 + (k + j) % 3),
                location_code="MAIN" if j < 2 else "STORE",
                tax_percent=Decimal(25),
                shopify_line_type="line_item",
                shopify_order_line_id=10_000_000 + k * 10 + j,
            )
            for j in range(3)
        ]
        lines.append(
            NewSalesLine(
                "gl_account",
                "6100",
                Decimal(1),
                unit_price=Decimal("4.95"),
                description="Standard shipping",
                shopify_line_type="shipping_line",
                shopify_order_line_id=20_000_000 + k,
            )
        )
        header = {
            "shop_code": SHOP,
            "shopify_order_id": 5_000_000 + k,
            "shopify_order_no": f"#{100000 + k}",
            "shipping_agent_code": "DHL",
            "package_tracking_no": f"JD{k:08}",
        }
        docs.append(NewSalesDocument("order", f"C{k % 20:04}", lines, header=header))
    return docs


def documents(ws: Any, n: int) -> dict[str, float]:
    """Create ``n`` sales orders one by one with the ERP API, then post them all; documents/s for each."""
    setup_erp(ws)
    docs = bench_documents(n)
    counter = StatementCounter(ws.engine)
    started = time.perf_counter()
    for doc in docs:
        ws.erp.sales.create(doc.document_type, doc.customer_no, doc.lines, **doc.header)
    created_s = time.perf_counter() - started
    created_statements, counter.count = counter.count, 0
    started = time.perf_counter()
    result = ws.erp.posting.post_batch("order", shop_code=SHOP)
    posted_s = time.perf_counter() - started
    posted = int((result["status"] == "posted").sum())
    return {
        "created": n,
        "created_per_s": n / created_s if created_s else 0.0,
        "created_statements": created_statements / n if n else 0.0,
        "posted": posted,
        "posted_per_s": posted / posted_s if posted_s else 0.0,
        "posted_statements": counter.count / posted if posted else 0.0,
        "errors": int((result["status"] == "error").sum()),
    }


def documents_in_batches(ws: Any, n: int) -> dict[str, float]:
    """Create the same ``n`` orders with ``sales.create_many`` (savepoints in shared transactions)."""
    setup_erp(ws)
    docs = bench_documents(n)
    counter = StatementCounter(ws.engine)
    started = time.perf_counter()
    result = ws.erp.sales.create_many(docs)
    seconds = time.perf_counter() - started
    made = int((result["status"] == "created").sum())
    return {
        "created": made,
        "created_per_s": made / seconds if seconds else 0.0,
        "statements": counter.count / n if n else 0.0,
        "errors": int((result["status"] == "error").sum()),
    }


def seed_orders(ws: Any, n: int) -> None:
    """Write ``n`` unprocessed orders straight into the order mirror (no API), for create-sales-documents."""
    setup_erp(ws)
    ws.shops.set(SHOP, sku_mapping="item_no", shipping_charges_account="6100", order_location_code="MAIN")
    now = utcnow()
    orders, lines, shipping, taxes = [], [], [], []
    for k in range(n):
        order_id = 7_000_000 + k
        orders.append(
            {
                "shop_code": SHOP,
                "id": order_id,
                "order_no": f"#{200000 + k}",
                "shopify_created_at": now,
                "email": f"c{k % 20}@example.com",
                "currency_code": "DKK",
                "taxes_included": False,
                "discount_amount": Decimal(0),
                "imported_at": now,
            }
        )
        for j in range(3):
            line_id = 80_000_000 + k * 10 + j
            lines.append(
                {
                    "shop_code": SHOP,
                    "id": line_id,
                    "order_id": order_id,
                    "position": j,
                    "sku": f"I{(k + j) % 50:04}",
                    "title": f"Item {(k + j) % 50}",
                    "quantity": 1 + j,
                    "current_quantity": 1 + j,
                    "unit_price": Decimal("19.95"),
                    "discount_amount": Decimal(0),
                }
            )
            taxes.append(
                {"shop_code": SHOP, "order_id": order_id, "source": "line", "source_id": line_id, "position": j,
                 "rate": "0.25"}
            )  # fmt: skip
        shipping.append(
            {
                "shop_code": SHOP,
                "order_id": order_id,
                "position": 0,
                "shipping_line_id": 90_000_000 + k,
                "title": "Standard",
                "amount": Decimal("4.95"),
                "discounted_amount": Decimal("4.95"),
            }
        )
    with ws.engine.begin() as conn:
        for table, rows in (
            (t.shopify_order, orders),
            (t.shopify_order_line, lines),
            (t.shopify_order_shipping_line, shipping),
            (t.shopify_order_tax_line, taxes),
        ):
            conn.execute(insert(table), rows)


def create_sales_documents(ws: Any) -> str:
    """Time the create-sales-documents report, when someone has registered it, on the imported orders."""
    if "create-sales-documents" not in REGISTRY:
        return "create-sales-documents is not registered in this build: not timed"
    started = time.perf_counter()
    try:
        result = ws.run("create-sales-documents", shop=SHOP, background=False)
    except Exception as exc:  # someone else's report: show why it could not run, do not stop the bench
        return f"create-sales-documents could not run: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    made = int(result.stats.get("created", 0))
    return (
        f"create-sales-documents: {result.status}, {made} documents in {seconds:.1f}s = "
        f"{made / seconds if seconds else 0:.0f} documents/s (goal {DOCUMENTS_GOAL:.0f}; stats {dict(result.stats)})"
    )


def local_report(work: Path, n: int) -> str:
    """create-sales-documents on ``n`` orders seeded into a fresh SQLite database (no sandbox)."""
    ws = shopops.open(f"sqlite:///{work}/report.db")
    ws.shops.add(SHOP, url="https://bench.myshopify.com", token_env=TOKEN_ENV, allow_background_sync=False)
    seed_orders(ws, n)
    counter = StatementCounter(ws.engine)
    line = create_sales_documents(ws)
    ws.close()
    return f"{line}; {counter.count / n if n else 0:.1f} statements/order"


def print_documents(work: Path, n: int) -> None:
    """Part 2: documents via the ERP API, one by one and in batches, with ratios to the goal."""
    print(f"== documents: {n} sales orders on SQLite via the ERP API")
    erp_ws = shopops.open(f"sqlite:///{work}/erp.db")
    erp_ws.shops.add(SHOP, url="https://bench.myshopify.com", token_env=TOKEN_ENV, allow_background_sync=False)
    d = documents(erp_ws, n)
    erp_ws.close()
    print(
        f"   created {d['created']} one by one (sales.create) at {d['created_per_s']:.0f} documents/s, "
        f"{d['created_statements']:.1f} statements/document (ratio to goal {d['created_per_s'] / DOCUMENTS_GOAL:.2f})"
    )
    print(
        f"   posted {d['posted']} ({d['errors']} errors) at {d['posted_per_s']:.0f} documents/s, "
        f"{d['posted_statements']:.1f} statements/document (ratio to goal {d['posted_per_s'] / DOCUMENTS_GOAL:.2f})"
    )
    batch_ws = shopops.open(f"sqlite:///{work}/erp_batch.db")
    b = documents_in_batches(batch_ws, n)
    batch_ws.close()
    print(
        f"   created {b['created']} ({b['errors']} errors) in batches (sales.create_many) at "
        f"{b['created_per_s']:.0f} documents/s, {b['statements']:.1f} statements/document "
        f"(ratio to goal {b['created_per_s'] / DOCUMENTS_GOAL:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000, help="sales documents to create and post")
    parser.add_argument("--increments", type=int, default=250, help="orders seeded for the increments (~200 open)")
    parser.add_argument("--backlog", type=int, default=50_000, help="open orders of the backlog read in bulk")
    parser.add_argument("--kill-orders", type=int, default=10_000, help="open orders of the kill -9 run")
    parser.add_argument("--plan", default="standard", choices=sorted(PLANS))
    parser.add_argument("--quick", action="store_true", help="500 documents, a 5,000-order backlog")
    parser.add_argument(
        "--local-only",
        action="store_true",
        help="skip the sandbox; time the ERP API and create-sales-documents on --orders seeded orders",
    )
    args = parser.parse_args()
    if args.quick:
        args.orders, args.backlog, args.kill_orders = 500, 5_000, 2_000
    work = Path(tempfile.mkdtemp(prefix="shopops-bench-"))
    if not args.local_only:
        order_intake.increments(work, args.increments, args.plan)
        order_intake.backlog(work, args.backlog, args.plan)
        order_intake.kill_and_resume(work, args.kill_orders, args.plan)
    print_documents(work, args.orders)
    if args.local_only:
        print(f"== create-sales-documents on {args.orders} orders seeded into the mirror")
        print(f"   {local_report(work, args.orders)}")
    print(f"   databases kept in {work}")


if __name__ == "__main__":
    main()
