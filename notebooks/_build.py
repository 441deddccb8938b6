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

    box = Sandbox(seed="small").start()  # serves in a background thread until box.close()
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


def notebook(title: str, intro: str, *cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        md(f"# {title}\n\n{intro}"),
        md("## Parameters\n\nChange them here, or pass them with papermill / `shopops runbook run NB -p NAME VALUE`."),
        code(PARAMETERS, "parameters"),
        md("## Workspace and shop"),
        code(SETUP),
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
    "Every setting of the shop card as a form. A change is saved at once through `ws.shops.set`; a value the "
    "card refuses shows its reason next to the field and the stored value comes back.",
    code("from IPython.display import HTML\n\nfrom shopops.ui import ShopCard\n\ncard = ShopCard(ws, shop)\ncard"),
    md("The controls can be driven from code too (this is what the tests do):"),
    code('card.controls["logging_mode"].value = "all"\nws.shops[shop].settings.logging_mode'),
    code(
        'card.controls["price_change_limit_pct"].value = -1  # refused: must be 0 or more\n'
        'display(HTML(card.errors["price_change_limit_pct"].value))\n'
        'card.controls["price_change_limit_pct"].value, ws.shops[shop].settings.price_change_limit_pct'
    ),
    code('card.controls["logging_mode"].value = "error_only"  # back to the default'),
    md("What every setting means (from `ShopSettings.describe()`):"),
    code("import pandas as pd\n\npd.DataFrame(shopops.ShopSettings.describe())"),
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
        "(the last cell does). On a server, run `shopops worker` or `shopops scheduler` instead."
    ),
    code("worker = ws.queue.worker(concurrency=2).start()\nworker.id"),
    md("## Run now"),
    code("panel = RunPanel(ws, shop)\npanel"),
    code('panel.buttons["check-connection"].click()\npanel.last_entry'),
    md(
        "The panel polls the entry from a background thread. Only a headless run needs to wait here, so that "
        "the saved notebook shows the end:"
    ),
    code('assert panel.wait(120), "the entry did not end in time"\npanel.last_entry'),
    code("assert panel.last_entry.status == shopops.Status.FINISHED, panel.last_entry.last_error"),
    md("In the foreground the run happens in the click, with a progress bar, and shows its result:"),
    code('panel.mode.value = "foreground"\npanel.buttons["check-connection"].click()\npanel.last_result'),
    md("## The job queue"),
    code("view = JobQueueView(ws)\nview"),
    code("view.styled_log()"),
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

NOTEBOOKS = {
    "01-getting-started.ipynb": GETTING_STARTED,
    "02-shop-card.ipynb": SHOP_CARD,
    "03-run-syncs.ipynb": RUN_SYNCS,
    "04-job-queue.ipynb": JOB_QUEUE,
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
