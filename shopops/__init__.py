"""shopops: keep an ERP and Shopify shops in sync, with Business Central's reports and job queue.

import shopops
ws = shopops.open()                       # ./shopops.db, or $SHOPOPS_DB, or any SQLAlchemy URL
ws.shops.add("DEMO", url="https://demo.myshopify.com", token_env="SHOPOPS_TOKEN_DEMO")
ws.run("sync-orders", shop="DEMO")       # queued or run now, as the shop card says
ws.queue.entries(); ws.queue.log()        # pandas DataFrames

The public names are imported when first used, so that ``import shopops`` (and the ``shopops``
command's start) does not pay for pandas, SQLAlchemy and every report until something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from shopops.errors import ConfigError, InvalidState, NotFound, ShopopsError

if TYPE_CHECKING:
    from shopops.queue import JobEntry, Recurrence, Status
    from shopops.shops import Shop, ShopSettings
    from shopops.store import SchemaOutdated
    from shopops.sync import Param, RunContext, RunResult, report
    from shopops.workspace import Workspace
    from shopops.workspace import open_workspace as open

# public name -> (module, attribute), imported on first use
_LAZY = {
    "JobEntry": ("shopops.queue.model", "JobEntry"),
    "Status": ("shopops.queue.model", "Status"),
    "Recurrence": ("shopops.queue.recurrence", "Recurrence"),
    "Shop": ("shopops.shops", "Shop"),
    "ShopSettings": ("shopops.shop_settings", "ShopSettings"),
    "SchemaOutdated": ("shopops.store.schema", "SchemaOutdated"),
    "Param": ("shopops.sync.registry", "Param"),
    "report": ("shopops.sync.registry", "report"),
    "RunContext": ("shopops.sync.context", "RunContext"),
    "RunResult": ("shopops.sync.context", "RunResult"),
    "Workspace": ("shopops.workspace", "Workspace"),
    "open": ("shopops.workspace", "open_workspace"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'shopops' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
