"""The webhook events of a shop as sync-orders sees them: claim the orders they name, finish or release
them, and count what reconciliation found that no event had announced.

The receiver (``shopops.webhooks``) writes one ``webhook_event`` row per event id and keeps one pending
queue entry per shop; a ``sync-orders`` run with ``from_webhooks`` claims every pending event of its shop
and reads just those orders. Claim and receiver take the same per-shop lock (PostgreSQL: an advisory
transaction lock; SQLite: its one writer), so an event is either claimed by the run that is starting or
sees that run in process and queues the next one: none waits for the safety net by accident.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Engine, delete, func, select, text, update

from shopops.store import tables as t
from shopops.store.types import utcnow

E = t.webhook_event

#: An event counts as having announced a change when its order's updated_at is at most this much older
#: than the change reconciliation found (Shopify stamps whole seconds; payload and API may round apart).
ANNOUNCE_SLACK = dt.timedelta(seconds=1)
#: Events are kept this long after the overlap (the dedupe window: Shopify retries for about 4 hours).
KEEP_BEYOND_OVERLAP = dt.timedelta(days=1)


def lock_shop(conn: Connection, shop: str) -> None:
    """Serialise the receiver's "is an entry pending?" check with a run's claim, for one shop."""
    if conn.dialect.name == "postgresql":
        key = zlib.crc32(f"shopops-webhooks:{shop}".encode())
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def claim(engine: Engine, shop: str, token: str) -> list[int]:
    """Mark every pending event of ``shop`` as claimed by ``token``; the distinct orders they name."""
    with engine.begin() as conn:
        lock_shop(conn, shop)
        conn.execute(
            update(E).where(E.c.shop_code == shop, E.c.status == "pending").values(status="claimed", claim=token)
        )
        rows = conn.execute(
            select(E.c.order_id).where(E.c.claim == token, E.c.order_id.is_not(None)).order_by(E.c.id)
        ).scalars()
        return list(dict.fromkeys(rows))


def finish(engine: Engine, token: str) -> None:
    """The claimed events were read: done."""
    with engine.begin() as conn:
        conn.execute(update(E).where(E.c.claim == token).values(status="done", done_at=utcnow()))


def release(engine: Engine, token: str) -> None:
    """The run that claimed them failed: the events are pending again (its retry or the next event takes them)."""
    with engine.begin() as conn:
        conn.execute(update(E).where(E.c.claim == token).values(status="pending", claim=None))


def prune(engine: Engine, shop: str, overlap: dt.timedelta) -> int:
    """Forget events older than the overlap and a day; returns how many. Events still pending then (the
    shop's background syncs were off) are forgotten too: reconciliation has read their orders since."""
    cutoff = utcnow() - overlap - KEEP_BEYOND_OVERLAP
    with engine.begin() as conn:
        old = E.c.status.in_(("done", "stale", "pending"))
        return conn.execute(delete(E).where(E.c.shop_code == shop, old, E.c.received_at < cutoff)).rowcount


def missed(engine: Engine, shop: str, changes: Sequence[tuple[int, dt.datetime | None]]) -> list[int]:
    """Of the orders reconciliation found changed (order id, its updated_at), those no event announced: no
    event of the order whose updated_at reaches the change (or, without one, triggered at or after it)."""
    if not changes:
        return []
    found: dict[int, dt.datetime] = {}
    with engine.connect() as conn:
        for chunk in _chunks([order_id for order_id, _ in changes], 500):
            stamp = func.coalesce(E.c.order_updated_at, E.c.triggered_at, E.c.received_at)
            query = (
                select(E.c.order_id, func.max(stamp))
                .where(E.c.shop_code == shop, E.c.order_id.in_(chunk))
                .group_by(E.c.order_id)
            )
            found.update({order_id: latest for order_id, latest in conn.execute(query)})
    out = []
    for order_id, updated_at in changes:
        latest = found.get(order_id)
        if latest is None or (updated_at is not None and latest < updated_at - ANNOUNCE_SLACK):
            out.append(order_id)
    return out


def pending_count(engine: Engine, shop: str | None = None) -> int:
    """Events accepted and not yet read (all shops, or one)."""
    query = select(func.count()).select_from(E).where(E.c.status.in_(("pending", "claimed")))
    if shop is not None:
        query = query.where(E.c.shop_code == shop)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
