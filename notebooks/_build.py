"""Writes the notebooks in this folder (``python notebooks/_build.py``); edit here, then rebuild.

Every notebook starts with the same ``parameters`` cell (papermill) and set-up cell: a local sandbox
shop, or a real one whose token is in an environment variable, added to the workspace at ``db``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

PARAMETERS = """\
db = "shopops-notebooks.db"  # SQLite file, or any SQLAlchemy URL
use_sandbox = True  # True: a local sandbox shop (no network); False: the real shop at shop_url
shop = "DEMO"  # the shop's code in shopops
shop_url = ""  # https://<shop>.myshopify.com when use_sandbox is False
token_env = "SHOPOPS_TOKEN_DEMO"  # the environment variable that holds the token (never the token itself)"""

SETUP = """\
import os

import shopops

box = None
if use_sandbox:
    from shopops.sandbox import Sandbox

    # Shopify Plus rate limits (1000 points/s, as in 05 and 06): the first sync-orders of the seeded
    # orders takes seconds; on the standard plan's 100 points/s it would wait two minutes for the bucket
    box = Sandbox(seed="small", plan="plus").start()  # serves in a background thread until box.close()
    shop_url = box.url
    os.environ[token_env] = box.token  # into the environment, never onto the screen or into the database
elif not os.environ.get(token_env):
    raise RuntimeError(f"export {token_env}=<the shop's Admin API access token> before starting Jupyter")

ws = shopops.open(db)
if shop in ws.shops:
    ws.shops.set(shop, url=shop_url, token_env=token_env)
else:
    ws.shops.add(shop, url=shop_url, token_env=token_env)
ws.shops[shop]"""

TEARDOWN = """\
ws.close()
if box is not None:
    box.close()"""


def code(source: str, *tags: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def md(source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(source)


def notebook(
    title: str, intro: str, *cells: nbformat.NotebookNode, parameters: str = PARAMETERS, setup: str = SETUP
) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        md(f"# {title}\n\n{intro}"),
        md("## Parameters\n\nChange them here, or pass them with papermill / `shopops runbook run NB -p NAME VALUE`."),
        code(parameters, "parameters"),
        md("## Workspace and shop"),
        code(setup),
        *cells,
        md("## Done\n\nClose the workspace (and the sandbox, if this notebook started one)."),
        code(TEARDOWN),
    ]
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:02d}"  # stable ids: a rebuild changes only what changed
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


GETTING_STARTED = notebook(
    "Getting started",
    "Open a workspace, add a shop and check that shopops can talk to it. With `use_sandbox = True` the shop "
    "is a local sandbox with seeded data; for a real shop set `use_sandbox = False`, `shop_url`, and export "
    "the token in `token_env` before starting Jupyter. The token is read from the environment when a sync "
    "needs it: it is never stored, printed or passed as a parameter.",
    md("The shops of this workspace (the token column names where the token comes from, not the token):"),
    code("ws.shops.list()"),
    md("Every report this process knows; more appear as they are registered (`@shopops.report`)."),
    code("ws.reports"),
    md(
        "## Check the connection\n\n`check-connection` is Business Central's *Test Connection*: it reads the shop "
        "and its locations. `background=False` runs it here and now; the result still goes into the job log."
    ),
    code('result = ws.run("check-connection", shop=shop, background=False)\nresult'),
    code("assert result.ok, result.error\nresult.stats"),
    code('ws.queue.log(limit=5)[["id", "report", "shop", "status", "duration_s", "api_cost", "error"]]'),
    md(
        "The same from a terminal:\n\n```\nshopops --db shopops-notebooks.db shop list\n"
        "shopops --db shopops-notebooks.db run check-connection --shop DEMO --foreground\n```"
    ),
)

SHOP_CARD = notebook(
    "The shop card",
    "Every setting of the shop card as a form, in the groups of Business Central's Shopify Shop card (General, "
    "Order processing, Product/price sync, Inventory, Customers, Shipments/fulfillments), each with its help "
    "text; hover a label to see the setting's name, the one code and `shopops shop set` use. A change is saved "
    "at once through `ws.shops.set`; a value the card refuses shows its reason next to the field and the stored "
    "value comes back.",
    code("from IPython.display import HTML\n\nfrom shopops.ui import ShopCard\n\ncard = ShopCard(ws, shop)\ncard"),
    md("The controls can be driven from code too (this is what the tests do):"),
    code('card.controls["logging_mode"].value = "all"\nws.shops[shop].settings.logging_mode'),
    code(
        'card.controls["price_change_limit_pct"].value = -1  # refused: must be 0 or more\n'
        'display(HTML(card.errors["price_change_limit_pct"].value))\n'
        'card.controls["price_change_limit_pct"].value, ws.shops[shop].settings.price_change_limit_pct'
    ),
    code('card.controls["logging_mode"].value = "error_only"  # back to the default'),
    md("What every setting means, group by group (from `ShopSettings.describe()`):"),
    code(
        "import pandas as pd\n\n"
        'pd.DataFrame(shopops.ShopSettings.describe())[["group", "label", "name", "default", "choices", "doc"]]'
    ),
)

RUN_SYNCS = notebook(
    "Run syncs",
    "The shop card, run-now buttons and the job queue side by side. With background syncs allowed, a button "
    "queues an entry and a worker running in this kernel's background threads picks it up; the panel follows "
    "the entry until it ends without blocking the notebook.",
    code(
        "from shopops.ui import JobQueueView, RunPanel, ShopCard\n\n"
        "ws.shops.set(shop, allow_background_sync=True)\ncard = ShopCard(ws, shop)\ncard"
    ),
    md(
        "## A worker in the background\n\nTwo runner threads in this kernel; `worker.stop()` ends them "
        "(the *Stop the worker* cell near the end does, just before the last cell closes the workspace). "
        "On a server, run `shopops worker` or `shopops scheduler` instead."
    ),
    code("worker = ws.queue.worker(concurrency=2).start()\nworker.id"),
    md("## Run now"),
    code("panel = RunPanel(ws, shop)\npanel"),
    md("The first sync of the shop's orders, queued because the card allows background syncs:"),
    code('panel.buttons["sync-orders"].click()\npanel.last_entry'),
    md(
        "The panel polls the entry from a background thread. Only a headless run needs to wait here, so that "
        "the saved notebook shows the end:"
    ),
    code('assert panel.wait(60), "sync-orders did not end within a minute"\npanel.last_entry'),
    code("assert panel.last_entry.status == shopops.Status.FINISHED, panel.last_entry.last_error"),
    md("In the foreground the run happens in the click, with a progress bar, and shows its result:"),
    code('panel.mode.value = "foreground"\npanel.buttons["check-connection"].click()\npanel.last_result'),
    md("## The job queue"),
    code("view = JobQueueView(ws)\nview"),
    code("view.styled_log()"),
    md(
        "## Stop the worker\n\nIt finishes what it is running (up to 30 s) and stops. The last cell then closes "
        "the workspace and the sandbox; the views above answer a click after that with one line saying so."
    ),
    code("worker.stop(grace_s=30)\nworker.runs"),
)

JOB_QUEUE = notebook(
    "The job queue",
    "Entries and their log as DataFrames, filtered and coloured by status; a failed run's error and traceback "
    "one click away; the actions of Business Central's Job Queue Entries page; charts of runs, duration, API "
    "cost and failures.",
    md(
        "## Some history to look at\n\nA connection check, pauses (one asked to fail), self-tests, and a "
        "recurring entry on hold; then the queue is worked until idle."
    ),
    code(
        'ws.queue.enqueue("check-connection", shop=shop)\n'
        "for seconds in (0.1, 0.2, 0.3):\n"
        '    ws.queue.enqueue("pause", shop=shop, params={"seconds": seconds}, category="MAINTENANCE")\n'
        'failing = ws.queue.enqueue("pause", shop=shop, params={"seconds": 0.1, "fail": True})\n'
        'for _ in range(3):\n    ws.queue.enqueue("noop", description="queue self-test")\n'
        'nightly = ws.queue.enqueue(\n    "noop",\n    recurrence=shopops.Recurrence(date_formula="<1D>", '
        'at="02:00", tz="UTC"),\n    on_hold=True,\n    description="nightly self-test",\n)\n'
        "ws.queue.work(concurrency=2, until_idle=True, timeout=120)"
    ),
    md(
        "## The view\n\nFilters: shop, report, entry status, run status and the date range of the runs. "
        "*Auto refresh* re-reads the queue every 5 s in a background thread."
    ),
    code("from IPython.display import HTML\n\nfrom shopops.ui import JobQueueView\n\nview = JobQueueView(ws)\nview"),
    code("view.styled_entries()"),
    code("view.styled_log()"),
    md("## Filters"),
    code(
        'view.filters["log_status"].value = "error"\n'
        'view.log_frame[["id", "entry_id", "report", "shop", "status", "start", "error"]]'
    ),
    md("## A failed run's error and traceback\n\nSelecting a run in the *Log* tab shows them; here from code:"),
    code(
        'failed_run = int(view.log_frame["id"].iloc[0])\nview.log_select.value = failed_run\n'
        "print(ws.queue.traceback(failed_run))"
    ),
    code('view.filters["log_status"].value = None'),
    md("## Charts"),
    code("%matplotlib inline\n\nfor figure in view.figures().values():\n    display(figure)"),
    md(
        "## Actions\n\nEach button calls `ws.queue.<action>(entry)`: `set_ready`, `set_on_hold`, `restart`, "
        "`run_once`, `delete`."
    ),
    code(
        'view.act("set_ready", nightly.id)\nview.act("set_on_hold", nightly.id)\n'
        'view.act("restart", failing.id)\nHTML(view.message.value)'
    ),
    code('view.act("run_once", failing.id)  # fails again, in the foreground, and is logged\nHTML(view.message.value)'),
    code(
        'view.act("delete", failing.id)\n'
        'view.entries_frame[["id", "report", "shop", "status", "next_run", "recurrence", "error"]]'
    ),
    md("## Plain pandas\n\nThe same frames work with everything pandas does:"),
    code(
        'summary = ws.queue.log().groupby(["report", "status"])\n'
        'summary.agg(runs=("id", "count"), seconds=("duration_s", "sum"), api_cost=("api_cost", "sum"))'
    ),
)

RUNBOOK_PARAMETERS = (
    PARAMETERS
    + """
since = ""  # ISO date: re-read orders updated since then (resets the order cursor); "" = since the last run
until = ""  # ISO date: post documents dated up to then; "" = everything released
dry_run = False  # True: show what each step would change, write nothing"""
)

RUNBOOK_SETUP = """\
import os

import pandas as pd

import shopops

box = None
if use_sandbox:
    from shopops.demo_shop import prepare_shop
    from shopops.sandbox import Sandbox

    box = Sandbox(seed="small", plan="plus").start()  # a rehearsal shop with orders, stock and payouts
    os.environ[token_env] = box.token  # into the environment, never onto the screen or into the database
    ws = shopops.open(db)
    prepare_shop(ws, shop, url=box.url, token_env=token_env)  # day one: items imported, stock, locations
else:
    if not os.environ.get(token_env):
        raise RuntimeError(f"export {token_env}=<the shop's Admin API access token> first")
    ws = shopops.open(db)
ws.shops[shop]"""

DAILY_ORDERS = notebook(
    "Runbook: the day's orders",
    "Order to cash for one shop, step by step, each step in the foreground with its own log entry: orders "
    "in from Shopify, sales documents, posting, and fulfilments back to Shopify. Run it by hand, with "
    "`shopops runbook run notebooks/05-runbook-daily-orders.ipynb -p shop DEMO -p dry_run true`, or as a "
    "job queue entry (report `runbook`) on a schedule.",
    md(
        "## The order cursor\n\nWith `since`, orders updated since that date are read again (BC's *Reset Orders Sync*)."
    ),
    code(
        "import datetime as dt\n\n"
        "from shopops.sync.orders.mirror import reset_order_cursor\n\n"
        "if since:\n"
        "    reset_order_cursor(ws, shop, dt.datetime.fromisoformat(since).replace(tzinfo=dt.UTC))\n"
        'shopops.sync.state.get_cursor(ws.engine, shop, "orders")'
    ),
    md("## The steps\n\nEach step is a report run now; a failed step stops the runbook, and the job log shows where."),
    code(
        'posting = {"document_date_to": until} if until else {}\n'
        "steps = [\n"
        '    ("sync-orders", {}),\n'
        '    ("create-sales-documents", {}),\n'
        '    ("batch-post-sales-orders", posting),\n'
        '    ("batch-post-sales-invoices", posting),\n'
        '    ("sync-shipments", {}),\n'
        "]\n"
        "results = []\n"
        "for report, params in steps:\n"
        "    result = ws.run(report, shop=shop, background=False, dry_run=dry_run, **params)\n"
        "    results.append(result)\n"
        "    print(result)\n"
        "    if not result.ok:\n"
        '        raise RuntimeError(f"{report} failed: {result.error}")'
    ),
    md("## Summary"),
    code(
        "summary = pd.DataFrame(\n"
        "    [\n"
        '        {"report": r.report, "status": r.status, "seconds": round(r.duration_s, 2),\n'
        '         "api_cost": r.api_cost, **{k: v for k, v in r.stats.items() if isinstance(v, int | float)}}\n'
        "        for r in results\n"
        "    ]\n"
        ").fillna(0)\n"
        "summary"
    ),
    code(
        "from shopops.sync.orders.actions import orders_frame\n"
        "from shopops.sync.state import skipped_records\n\n"
        "orders = orders_frame(ws, shop)\n"
        'print(f"{len(orders)} orders: {int(orders.processed.sum())} processed, {int(orders.has_error.sum())} "\n'
        '      f"need attention, {int(orders.has_conflict.sum())} in conflict")\n'
        "skipped_records(ws.engine, shop=shop).head(20)"
    ),
    parameters=RUNBOOK_PARAMETERS,
    setup=RUNBOOK_SETUP,
)

RECONCILIATION = notebook(
    "Reconciliation: ERP against Shopify",
    "Where the ERP and Shopify disagree: stock per mapped location, prices, and orders missing on either side. "
    "Each comparison is a dry run of the report that would fix it, so what you see is exactly what the next "
    "sync would send.",
    md("With the sandbox, first make a few differences on purpose, so there is something to see:"),
    code(
        "from decimal import Decimal\n\n"
        "if use_sandbox:\n"
        '    ws.run("sync-inventory", shop=shop, background=False)  # start level\n'
        "    items = ws.erp.items.frame().head(3)\n"
        "    for no in items.no:\n"
        "        variants = ws.erp.items.variants(no)\n"
        '        code = variants.iloc[0].code if len(variants) else ""\n'
        '        ws.erp.stock.adjust(no, "MAIN", Decimal(-4), variant_code=code)  # stock went out in the ERP\n'
        '    ws.erp.items.update(items.no.iloc[0], unit_price=Decimal("89.00"))  # a new price in the ERP\n'
        '    ws.run("sync-orders", shop=shop, background=False)\n'
        '    ws.run("create-sales-documents", shop=shop, background=False)'
    ),
    md("## Stock\n\nShopify's level against the ERP's stock calculation, per variant and mapped location:"),
    code(
        'stock = ws.run("sync-inventory", shop=shop, background=False, dry_run=True).changes\n'
        'stock = stock if stock is not None else pd.DataFrame(columns=["shopify", "erp"])\n'
        'stock = stock.assign(difference=stock["erp"] - stock["shopify"]) if len(stock) else stock\n'
        "stock"
    ),
    md("## Prices"),
    code(
        'prices = ws.run("sync-products", shop=shop, background=False, dry_run=True, only_prices=True).changes\n'
        'prices if prices is not None else "no price differences"'
    ),
    md("## Orders on one side only\n\nShopify's orders, read now, against the ERP's documents and the order mirror:"),
    code(
        "from shopops.shopify import operations\n"
        "from shopops.sync.clients import client_for\n"
        "from shopops.sync.orders.actions import orders_frame\n\n"
        "client = client_for(ws.shops[shop])\n"
        "in_shopify = {\n"
        '    int(node["id"].rsplit("/", 1)[-1]): node["name"]\n'
        '    for node in client.paginate(operations.load("GetOrderIds"), {"first": 250}, path=("orders",))\n'
        "}\n"
        "mirror = orders_frame(ws, shop)\n"
        "documents = ws.erp.sales.documents()\n"
        'posted = {int(i) for i in ws.erp.posted.invoices().get("shopify_order_id", pd.Series(dtype=int)).dropna()}\n'
        'in_erp = {int(i) for i in documents.get("shopify_order_id", pd.Series(dtype=int)).dropna()} | posted\n'
        "missing_in_erp = pd.DataFrame(\n"
        '    [{"order_id": i, "order_no": n} for i, n in sorted(in_shopify.items()) if i not in in_erp],\n'
        '    columns=["order_id", "order_no"],\n'
        ').merge(mirror.drop(columns=["order_no"]), how="left", left_on="order_id", right_on="id")\n'
        "missing_in_shopify = sorted(in_erp - set(in_shopify))\n"
        'print(f"{len(in_shopify)} orders in Shopify, {len(in_erp)} with an ERP document; "\n'
        '      f"{len(missing_in_erp)} without one, {len(missing_in_shopify)} ERP documents Shopify lacks")\n'
        "missing_in_erp.head(20)"
    ),
    md(
        "## Webhooks: is the fast path healthy?\n\n"
        "With a receiver registered (`shopops webhooks register`), orders arrive through webhooks and the "
        "recurring sync-orders only reconciles. `missed_by_webhooks` counts the changes it found that no webhook "
        "had announced: it should stay at zero."
    ),
    code(
        "from shopops.webhooks.health import webhook_health\n\n"
        "health = webhook_health(ws, shop)\n"
        'health if len(health) else "no webhook activity for this shop: register a receiver first"'
    ),
    md("## At a glance"),
    code(
        "import matplotlib.pyplot as plt\n\n"
        "fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))\n"
        "counts = pd.Series({\n"
        '    "stock differences": len(stock),\n'
        '    "price changes": 0 if prices is None else len(prices),\n'
        '    "orders without ERP document": len(missing_in_erp),\n'
        '    "ERP documents without order": len(missing_in_shopify),\n'
        "})\n"
        'counts.plot.barh(ax=axes[0], color="#4c78a8", title="Differences")\n'
        "if len(stock):\n"
        '    stock["difference"].plot.hist(ax=axes[1], bins=20, color="#f58518", title="ERP - Shopify stock")\n'
        "else:\n"
        '    axes[1].text(0.5, 0.5, "stock agrees", ha="center")\n'
        "fig.tight_layout()"
    ),
    parameters=PARAMETERS,
    setup=RUNBOOK_SETUP,
)

NOTEBOOKS = {
    "01-getting-started.ipynb": GETTING_STARTED,
    "02-shop-card.ipynb": SHOP_CARD,
    "03-run-syncs.ipynb": RUN_SYNCS,
    "04-job-queue.ipynb": JOB_QUEUE,
    "05-runbook-daily-orders.ipynb": DAILY_ORDERS,
    "06-reconciliation.ipynb": RECONCILIATION,
}


def main(folder: Path = HERE) -> list[Path]:
    """Write every notebook into ``folder``; the paths written."""
    written = []
    for name, nb in NOTEBOOKS.items():
        nbformat.validate(nb)
        nbformat.write(nb, str(folder / name))
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path}")
