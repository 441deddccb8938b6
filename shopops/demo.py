"""``shopops demo``: the whole loop on embedded defaults, SQLite and a local sandbox shop.

It starts a seeded sandbox shop, creates ``./shopops-demo.db``, sets up the shop card and a recurring
schedule, queues every sync report for the shop (background syncs, as the shop card says), works the
queue with two runner threads and a progress bar, and prints what each report did.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from shopops.demo_shop import CATEGORY, prepare_shop
from shopops.queue import Recurrence, Status
from shopops.workspace import Workspace, open_workspace

DEMO_DB = "shopops-demo.db"
TOKEN_ENV = "SHOPOPS_DEMO_TOKEN"
SHOP = "DEMO"
PLAN = "plus"  # the sandbox's rate limit: a Plus shop, so the whole day fits in about a minute


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# a day's work in the order the data flows: catalog out, orders in, documents, posting, fulfilment, money
PIPELINE = (
    "check-connection",
    "sync-products",
    "sync-customers",
    "sync-orders",
    "create-sales-documents",
    "batch-post-sales-orders",
    "batch-post-sales-invoices",
    "sync-shipments",
    "sync-inventory",
    "sync-images",
    "sync-payouts",
)


def shop_reports(ws: Workspace) -> list[str]:
    """The pipeline's reports this installation has, in order."""
    return [name for name in PIPELINE if name in ws.registry]


def schedule(ws: Workspace) -> list[dict[str, Any]]:
    """The demo's recurring entries, on hold, as ``ws.queue.enqueue`` keyword arguments: every report of the
    pipeline every 15 minutes on weekdays, and a nightly queue self-test. schedule.example.toml declares the
    same entries as a schedule file (a test holds the two together)."""
    every_15 = Recurrence(every_minutes=15, weekdays="Mon-Fri", between=("06:00", "22:00"), tz="Europe/Copenhagen")
    entries: list[dict[str, Any]] = [
        {
            "report": name,
            "shop": SHOP,
            "category": CATEGORY,
            "max_attempts": 3,
            "rerun_delay_s": 60,
            "on_hold": True,
            "recurrence": every_15,
            "description": f"{name} every 15 minutes on weekdays",
        }
        for name in shop_reports(ws)
    ]
    entries.append(
        {
            "report": "noop",
            "recurrence": Recurrence(date_formula="<1D>", at="02:00", tz="UTC"),
            "on_hold": True,
            "description": "nightly queue self-test",
        }
    )
    return entries


def set_up(ws: Workspace, url: str) -> list[Any]:
    """The demo shop set up as on day one (initial import, mappings), and a schedule (on hold)."""
    prepare_shop(ws, SHOP, url=url, token_env=TOKEN_ENV)
    ws.shops.set(SHOP, logging_mode="error_only")
    return [ws.queue.enqueue(entry.pop("report"), **entry) for entry in schedule(ws)]


def queue_now(ws: Workspace) -> list[Any]:
    """What an analyst's run-now buttons would queue: the day's pipeline, one entry per report, in the
    shop's category so they run one after the other, plus a few queue self-tests in parallel."""
    entries = [ws.run(name, shop=SHOP) for name in shop_reports(ws)]
    entries += [ws.queue.enqueue("noop", description="queue self-test") for _ in range(10)]
    return entries


def work(ws: Workspace, total: int, threads: int) -> float:
    """Run the queue until idle, showing a bar of finished entries; the seconds it took."""
    started = time.monotonic()
    worker = ws.queue.worker(concurrency=threads, until_idle=True).start()
    bar = tqdm(total=total, desc="job queue", unit="entry")
    try:
        while not worker.wait(0.2):
            bar.n = min(total, worker.runs)
            bar.refresh()
        bar.n = min(total, worker.runs)
        bar.refresh()
    finally:
        bar.close()
        worker.stop(grace_s=0)
    return time.monotonic() - started


WRITTEN = ("created", "updated", "posted", "sales_documents_created", "credit_memos_created", "items_created")


def summary(ws: Workspace) -> pd.DataFrame:
    """Per report: runs, records read and written, API cost, seconds, errors (failed runs, plus records
    marked failed or skipped with a reason)."""
    columns = ["report", "runs", "records", "written", "api_cost", "seconds", "errors"]
    log = ws.queue.log()
    if log.empty:
        return pd.DataFrame(columns=columns)

    def stat(stats: Any, *names: str) -> int:
        if not isinstance(stats, dict):
            return 0
        return sum(int(stats.get(n) or 0) for n in names if isinstance(stats.get(n), int | float))

    log = log.assign(
        records=log.stats.map(lambda s: stat(s, "read")),
        written=log.stats.map(lambda s: stat(s, *WRITTEN)),
        errors=log.stats.map(lambda s: stat(s, "failed", "skipped")) + (log.status == "error").astype(int),
    )
    table = log.groupby("report", sort=False).agg(
        runs=("id", "count"),
        records=("records", "sum"),
        written=("written", "sum"),
        api_cost=("api_cost", "sum"),
        seconds=("duration_s", "sum"),
        errors=("errors", "sum"),
    )
    order = {name: i for i, name in enumerate(PIPELINE)}
    table = table.reset_index().sort_values("report", key=lambda r: r.map(lambda n: order.get(n, len(order))))
    return table[columns].round({"api_cost": 1, "seconds": 2})


def run_demo(
    db_path: str = DEMO_DB, seed: str = "small", threads: int = 2, echo: Callable[[str], None] = print
) -> pd.DataFrame:
    """Run the demo end to end and return the summary table."""
    from shopops.sandbox import Sandbox

    path = Path(db_path)
    _fresh(path)
    echo(f"Starting a sandbox shop (seed {seed!r}) and a new workspace in {path} ...")
    # bulk queries at once, not at Shopify's pace (a second's start delay, 1,000 objects/s): the catalog and
    # inventory syncs would otherwise add seconds to a demo that should take about a minute
    with Sandbox(seed=seed, plan=PLAN, bulk_timing="instant") as sandbox:
        os.environ[TOKEN_ENV] = sandbox.token  # the token lives in the environment, never in the database
        ws = open_workspace(str(path))
        try:
            schedule = set_up(ws, sandbox.url)
            echo(
                f"Shop {SHOP} at {sandbox.url} ({PLAN} plan): products imported as items, stock counted, "
                f"first location mapped; background syncs on, category {CATEGORY}."
            )
            echo(f"Schedule: {len(schedule)} recurring entries (on hold; `shopops queue ready ID` starts one).")
            entries = queue_now(ws)
            echo(f"Queued {len(entries)} entries; working them with {threads} threads ...")
            seconds = work(ws, len(entries), threads)
            table = summary(ws)
            frame = ws.queue.entries()
            stuck = frame[frame.status == Status.IN_PROCESS.value]
            echo("")
            echo(table.to_string(index=False))
            echo("")
            failed_runs = int((ws.queue.log().status == "error").sum())
            echo(
                f"{len(entries)} entries in {seconds:.1f}s; {failed_runs} failed runs; "
                f"{int(table.errors.sum())} records passed over with their reason (skipped-record log); "
                f"{len(stuck)} left in process."
            )
        finally:
            ws.close()
    for line in where_next(path):
        echo(line)
    return table


def where_next(path: Path) -> list[str]:
    """The demo's last lines: what to look at next, and exactly how to open the notebooks."""
    here = Path("notebooks").is_dir()
    lab = "shopops lab" if here else "shopops lab PATH/TO/notebooks"
    rows = [
        (f"shopops --db {path} queue list", "the entries, recurring ones on hold"),
        (f"shopops --db {path} queue log", "every run, with its stats and API cost"),
        (f"shopops --db {path} scheduler", "run the schedule (after `queue ready ID`)"),
        ("shopops sandbox --port 8080", "a sandbox shop to rehearse on"),
        (lab, "the notebooks in JupyterLab: prints the address to open"),
    ]
    width = max(len(command) for command, _ in rows) + 2
    lines = ["", "Where next:", *(f"  {command:<{width}}{what}" for command, what in rows)]
    lines.append(
        "  (as root, plain `jupyter lab notebooks/` refuses to start without --allow-root; `shopops lab` adds it)"
    )
    return lines
