"""shopops: keep an ERP and Shopify shops in sync, with Business Central's reports and job queue.

import shopops
ws = shopops.open()                       # ./shopops.db, or $SHOPOPS_DB, or any SQLAlchemy URL
ws.shops.add("DEMO", url="https://demo.myshopify.com", token_env="SHOPOPS_TOKEN_DEMO")
ws.run("sync-orders", shop="DEMO")       # queued or run now, as the shop card says
ws.queue.entries(); ws.queue.log()        # pandas DataFrames
"""

from __future__ import annotations

from shopops.errors import ConfigError, InvalidState, NotFound, ShopopsError
from shopops.queue import JobEntry, Recurrence, Status
from shopops.shops import Shop, ShopSettings
from shopops.store import SchemaOutdated
from shopops.sync import Param, RunContext, RunResult, report
from shopops.workspace import Workspace, open_workspace

open = open_workspace

__all__ = [
    "ConfigError",
    "InvalidState",
    "JobEntry",
    "NotFound",
    "Param",
    "Recurrence",
    "RunContext",
    "RunResult",
    "SchemaOutdated",
    "Shop",
    "ShopSettings",
    "ShopopsError",
    "Status",
    "Workspace",
    "open",
    "report",
]
