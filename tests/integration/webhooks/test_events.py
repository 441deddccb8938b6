"""The webhook event log as sync-orders uses it, on SQLite and PostgreSQL: claim takes every pending event
once and names each order once, release gives them back, finish closes them, prune forgets old ones (not
those a run holds), and missed() tells a change no event announced from one that was."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.orders import webhook_events

SHOP = "EV"
T0 = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def add(ws: Any, event_id: str, order_id: int, status: str = "pending", **more: Any) -> None:
    row = {
        "shop_code": SHOP,
        "event_id": event_id,
        "topic": "orders/updated",
        "order_id": order_id,
        "status": status,
        "received_at": utcnow(),
        **more,
    }
    with ws.engine.begin() as conn:
        conn.execute(sa.insert(t.webhook_event).values(**row))


def statuses(ws: Any) -> dict[str, str]:
    with ws.engine.connect() as conn:
        rows = conn.execute(sa.select(t.webhook_event.c.event_id, t.webhook_event.c.status))
        return dict(rows.all())


def test_claim_release_finish(ws: Any) -> None:
    ws.shops.add(SHOP, url="https://ev.myshopify.com", token_env="EV_TOKEN")
    for i, order_id in enumerate((7, 8, 7, 9)):
        add(ws, f"e{i}", order_id)
    add(ws, "old", 6, status="done")
    assert webhook_events.claim(ws.engine, SHOP, "run-1") == [7, 8, 9]
    assert webhook_events.claim(ws.engine, SHOP, "run-2") == [], "claimed events are not claimed twice"
    assert webhook_events.pending_count(ws.engine, SHOP) == 4
    webhook_events.release(ws.engine, "run-1")
    assert set(statuses(ws).values()) == {"pending", "done"}
    assert webhook_events.claim(ws.engine, SHOP, "run-3") == [7, 8, 9]
    webhook_events.finish(ws.engine, "run-3")
    assert set(statuses(ws).values()) == {"done"}
    assert webhook_events.pending_count(ws.engine) == 0


def test_prune_keeps_what_a_run_holds(ws: Any) -> None:
    ws.shops.add(SHOP, url="https://ev.myshopify.com", token_env="EV_TOKEN")
    long_ago = utcnow() - dt.timedelta(days=10)
    for status in ("done", "stale", "pending", "claimed"):
        add(ws, f"old-{status}", 1, status=status, received_at=long_ago)
    add(ws, "new", 1, status="done")
    assert webhook_events.prune(ws.engine, SHOP, dt.timedelta(days=2)) == 3
    assert sorted(statuses(ws)) == ["new", "old-claimed"]


def test_missed_tells_announced_changes_from_lost_ones(ws: Any) -> None:
    ws.shops.add(SHOP, url="https://ev.myshopify.com", token_env="EV_TOKEN")
    add(ws, "a", 1, order_updated_at=T0)
    add(ws, "b", 2, order_updated_at=T0)
    add(ws, "c", 4, order_updated_at=None, triggered_at=T0)
    changes = [
        (1, T0 + dt.timedelta(milliseconds=500)),  # the same change, stamped a little apart: announced
        (2, T0 + dt.timedelta(seconds=30)),  # a later change of order 2 no event announced
        (3, T0),  # no event at all
        (4, T0),  # an event without the order's time: its trigger time counts
    ]
    assert webhook_events.missed(ws.engine, SHOP, changes) == [2, 3]
    assert webhook_events.missed(ws.engine, SHOP, []) == []
