"""Is the fast path healthy? Per shop and day: the events webhooks brought, the runs they became, and what
the reconciliation runs found that no webhook had announced (``missed_by_webhooks``).

    from shopops.webhooks.health import webhook_health
    webhook_health(ws)                  # every shop, the last 7 days
    webhook_health(ws, "DEMO", days=30)

A healthy shop shows events every day, runs that read a few orders each, and reconciliation finding
nothing missed; a rising ``missed_share`` means deliveries are being lost (a receiver that was down, a
subscription Shopify removed after failures) and the polling safety net is doing the work.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.workspace import Workspace

COLUMNS = [
    "shop",
    "day",
    "events",
    "events_waiting",
    "webhook_runs",
    "webhook_orders",
    "reconcile_runs",
    "missed_by_webhooks",
    "missed_share",
]


def webhook_health(ws: Workspace, shop: str | None = None, *, days: int = 7) -> pd.DataFrame:
    """One row per shop and UTC day of the last ``days``, newest first (see the module's docstring).

    ``events`` counts the events accepted that day (duplicates are not kept, so not counted), and
    ``events_waiting`` those not read yet; events are kept for the reconciliation overlap and a day, so
    older days show runs only. ``missed_share`` is missed / (read from webhooks + missed)."""
    since = utcnow() - dt.timedelta(days=days)
    E = t.webhook_event
    query = select(E.c.shop_code, E.c.received_at, E.c.status).where(E.c.received_at >= since)
    if shop is not None:
        query = query.where(E.c.shop_code == shop)
    events: dict[tuple[str, str], tuple[int, int]] = {}
    with ws.engine.connect() as conn:
        for code, received, status in conn.execute(query):
            key = (code, received.strftime("%Y-%m-%d"))
            n, w = events.get(key, (0, 0))
            events[key] = (n + 1, w + (status in ("pending", "claimed")))
    runs: dict[tuple[str, str], dict[str, int]] = {}
    log = ws.queue.log(report="sync-orders", shop=shop, since=since)
    for _, run in log.iterrows():
        stats = run["stats"] if isinstance(run["stats"], dict) else {}
        key = (str(run["shop"]), pd.Timestamp(run["start"]).strftime("%Y-%m-%d"))
        row = runs.setdefault(key, {"webhook_runs": 0, "webhook_orders": 0, "reconcile_runs": 0, "missed": 0})
        if stats.get("read_path") == "webhooks":
            row["webhook_runs"] += 1
            row["webhook_orders"] += int(stats.get("webhook_orders", 0))
        elif "missed_by_webhooks" in stats:
            row["reconcile_runs"] += 1
            row["missed"] += int(stats["missed_by_webhooks"])
    rows = []
    for key in sorted(set(events) | set(runs), key=lambda k: (k[0], k[1]), reverse=True):
        n, w = events.get(key, (0, 0))
        r = runs.get(key, {"webhook_runs": 0, "webhook_orders": 0, "reconcile_runs": 0, "missed": 0})
        seen = r["webhook_orders"] + r["missed"]
        rows.append(
            {
                "shop": key[0],
                "day": key[1],
                "events": n,
                "events_waiting": w,
                "webhook_runs": r["webhook_runs"],
                "webhook_orders": r["webhook_orders"],
                "reconcile_runs": r["reconcile_runs"],
                "missed_by_webhooks": r["missed"],
                "missed_share": round(r["missed"] / seen, 3) if seen else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
