"""What the receiver does with one delivery, apart from HTTP: check it, record its event once, and make
sure one sync-orders entry is pending for the shop.

Every check comes before anything is written, in the order that leaks least: the shop (404: a shop this
workspace does not know), the signature (401: HMAC-SHA256 of the raw body with the shop's app client
secret, compared in constant time), then the topic, the event id and the body (400). An accepted event is
written once per shop, event id and topic; a duplicate, and a redelivery older than what the mirror holds
(stale), are acknowledged and change nothing. ``app/uninstalled`` turns the shop's background syncs off
and says so on its card. Order events join the shop's pending entry when one exists (BC's "a ready entry
exists" check), so a burst of events becomes a few runs that read just the orders they named.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shopops.errors import ConfigError
from shopops.shops import Shop
from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.orders.mirror import updated_ats
from shopops.sync.orders.webhook_events import lock_shop
from shopops.webhooks.subscriptions import TOPICS as SUBSCRIBED
from shopops.workspace import Workspace

log = logging.getLogger("shopops.webhooks")

#: The topics the receiver takes: what ``register`` subscribes (REST names, as X-Shopify-Topic carries them).
TOPICS = tuple(SUBSCRIBED)
UNINSTALLED = "app/uninstalled"
#: The report an order event queues, and how its entry retries (it releases its events when it fails).
REPORT = "sync-orders"
ENTRY_ATTEMPTS = 3
ENTRY_RERUN_DELAY_S = 15
#: A new entry starts this long after the event that queued it, so that the events of a burst (an order's
#: create and update come together) join one run instead of each starting its own.
GATHER_S = 0.25
#: How long a shop directory (domain -> shop) is trusted before it is read again; an unknown domain reads
#: it again at most this often, so a flood of unknown shops costs no database work.
DIRECTORY_TTL_S = 5.0
#: Queue statuses of an entry that has not started yet: events may still join it.
NOT_STARTED = ("ready", "waiting")


@dataclass(frozen=True)
class Answer:
    """What the receiver answers: the HTTP status, what happened, and a short reason for people."""

    status: int
    outcome: str  # queued, joined, recorded, duplicate, stale, uninstalled, refused
    detail: str = ""
    entry_id: int | None = None

    def body(self) -> dict[str, Any]:
        """The JSON answer (never an echo of the request)."""
        out: dict[str, Any] = {"outcome": self.outcome}
        if self.detail:
            out["detail"] = self.detail
        if self.entry_id is not None:
            out["entry"] = self.entry_id
        return out


@dataclass
class _Delivery:
    """A checked delivery waiting for the SQLite writer, and, once written, its answer (or its error)."""

    shop: Shop
    event: dict[str, Any]
    values: dict[str, Any]
    answer: Answer | None = None
    error: BaseException | None = None


def refused(status: int, detail: str) -> Answer:
    """A delivery turned away; nothing was written."""
    return Answer(status, "refused", detail)


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the base64 HMAC-SHA256 of ``body`` under ``secret`` (constant-time compare)."""
    if not header:
        return False
    expected = base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, header.strip().encode("ascii", "replace"))


class Intake:
    """The receiver's work on one workspace; thread-safe (the ASGI server calls it from a thread pool)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.engine = ws.engine
        self._lock = threading.Lock()
        self._shops: dict[str, Shop] = {}
        self._read_at = -DIRECTORY_TTL_S
        self._secrets: dict[str, tuple[float, str | None]] = {}
        self._checked: dict[str, tuple[float, str, dict[str, Any]]] = {}  # the entry's report and parameters
        self._postgres = self.engine.dialect.name == "postgresql"
        self._upsert = pg_insert if self._postgres else sqlite_insert
        # SQLite has one writer: this process's deliveries are written by one thread at a time, and that thread
        # writes every delivery waiting by then in its transaction (one take of the lock, one sync)
        self._writing = threading.Lock()
        self._waiting: list[_Delivery] = []

    # --- shops ---------------------------------------------------------------------------------------

    def shop_for(self, domain: str) -> Shop | None:
        """The shop whose domain this is (the card's shop_domain, else the URL's host), or None."""
        key = domain.strip().lower()
        with self._lock:
            stale = time.monotonic() - self._read_at >= DIRECTORY_TTL_S
            if stale:  # also on a miss, at most once per TTL
                self._shops = {s.domain.lower(): s for s in self.ws.shops if s.domain}
                self._read_at = time.monotonic()
            return self._shops.get(key)

    def forget_shops(self) -> None:
        """Read the shop directory again on the next delivery (after a card changed here)."""
        with self._lock:
            self._read_at = -DIRECTORY_TTL_S

    def _secret(self, shop: Shop) -> str | None:
        with self._lock:
            cached = self._secrets.get(shop.code)
            if cached and time.monotonic() - cached[0] < DIRECTORY_TTL_S:
                return cached[1]
        try:
            secret: str | None = shop.client_secret
        except ConfigError as exc:
            log.error("webhooks for shop %s cannot be verified: %s", shop.code, exc.args[-1] if exc.args else exc)
            secret = None
        with self._lock:
            self._secrets[shop.code] = (time.monotonic(), secret)
        return secret

    # --- one delivery ----------------------------------------------------------------------------------

    def accept(self, headers: Mapping[str, str], body: bytes) -> Answer:
        """Check one delivery and record it; ``headers`` with lower-case names."""
        domain = headers.get("x-shopify-shop-domain", "")
        shop = self.shop_for(domain) if domain else None
        if shop is None:
            return refused(404, "unknown shop" if domain else "no X-Shopify-Shop-Domain")
        secret = self._secret(shop)
        if secret is None:
            return Answer(503, "refused", f"no client secret configured for shop {shop.code}")
        if not signature_ok(secret, body, headers.get("x-shopify-hmac-sha256")):
            return refused(401, "bad or missing X-Shopify-Hmac-Sha256")
        topic = headers.get("x-shopify-topic", "")
        if topic not in TOPICS:
            return refused(400, f"topic {topic[:60]!r} is not handled" if topic else "no X-Shopify-Topic")
        event_id = headers.get("x-shopify-event-id", "").strip()
        if not event_id or len(event_id) > 100:
            return refused(400, "no X-Shopify-Event-Id")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return refused(400, "the body is not JSON")
        if not isinstance(payload, dict):
            return refused(400, "the body is not a JSON object")
        event: dict[str, Any] = {
            "shop_code": shop.code,
            "event_id": event_id,
            "topic": topic,
            "webhook_id": headers.get("x-shopify-webhook-id", "")[:100] or None,
            "triggered_at": _when(headers.get("x-shopify-triggered-at")),
        }
        if topic == UNINSTALLED:
            return self._uninstalled(shop, event)
        order_id = _order_id(topic, payload)
        if order_id is None:
            return refused(400, f"no order id in the {topic} body")
        event.update(order_id=order_id, order_updated_at=_when(_order_stamp(topic, payload)))
        return self._record(shop, event)

    def _record(self, shop: Shop, event: dict[str, Any]) -> Answer:
        values = self._entry_values(shop)  # before the transaction: it may read the shop (another connection)
        if self._postgres:  # many writers: one transaction a delivery, the shop's deliveries in turn
            with self.engine.begin() as conn:
                return self._write(conn, shop, event, values)
        delivery = _Delivery(shop, event, values)
        with self._lock:
            self._waiting.append(delivery)
        with self._writing:
            if delivery.answer is None and delivery.error is None:
                with self._lock:
                    batch, self._waiting = self._waiting, []
                self._write_together(batch)
        if delivery.error is not None:
            raise delivery.error
        assert delivery.answer is not None
        return delivery.answer

    def _write_together(self, batch: list[_Delivery]) -> None:
        """Write deliveries in one transaction (group commit); their answers hold once it is committed. When it
        fails, each is written on its own, so that only a delivery that fails by itself answers with an error."""
        try:
            with self.engine.begin() as conn:
                answers = [self._write(conn, d.shop, d.event, d.values) for d in batch]
        except Exception as failed:
            if len(batch) == 1:
                batch[0].error = failed
            else:
                for delivery in batch:
                    self._write_alone(delivery)
            return
        for delivery, answer in zip(batch, answers, strict=True):
            delivery.answer = answer

    def _write_alone(self, delivery: _Delivery) -> None:
        try:
            with self.engine.begin() as conn:
                delivery.answer = self._write(conn, delivery.shop, delivery.event, delivery.values)
        except Exception as exc:
            delivery.error = exc

    def _write(self, conn: Connection, shop: Shop, event: dict[str, Any], values: dict[str, Any]) -> Answer:
        """Record one event in ``conn``'s transaction and make sure the shop's entry is pending."""
        card = shop.settings
        lock_shop(conn, shop.code)
        stale = self._is_stale(conn, shop.code, event["order_id"], event["order_updated_at"])
        if not self._insert_event(conn, {**event, "status": "stale" if stale else "pending"}):
            return Answer(200, "duplicate", "event already received")
        if stale:
            return Answer(200, "stale", "the mirror holds a newer version of this order")
        if not (card.enabled and card.allow_background_sync):
            return Answer(200, "recorded", "background syncs are off for this shop: the event waits")
        entry_id = self._pending_entry(conn, shop.code)
        if entry_id is not None:
            return Answer(200, "joined", entry_id=entry_id)
        return Answer(200, "queued", entry_id=self._add_entry(conn, shop.code, values))

    def _insert_event(self, conn: Connection, row: dict[str, Any]) -> bool:
        statement = (
            self._upsert(t.webhook_event)
            .values(**row, received_at=utcnow())
            .on_conflict_do_nothing(index_elements=["shop_code", "event_id", "topic"])
        )
        return conn.execute(statement.returning(t.webhook_event.c.id)).first() is not None

    @staticmethod
    def _is_stale(conn: Connection, shop: str, order_id: int, updated_at: dt.datetime | None) -> bool:
        """A redelivery of a change the mirror already holds something newer than (the order was read since)."""
        if updated_at is None:
            return False
        held = updated_ats(conn, shop, [order_id]).get(order_id)
        return held is not None and held > updated_at

    def _pending_entry(self, conn: Connection, shop: str) -> int | None:
        W, Q = t.webhook_trigger, t.job_queue_entry
        query = (
            select(Q.c.id)
            .select_from(W.join(Q, Q.c.id == W.c.entry_id))
            .where(W.c.shop_code == shop, W.c.report == REPORT, Q.c.status.in_(NOT_STARTED))
        )
        found = conn.execute(query).scalar_one_or_none()
        return None if found is None else int(found)

    def _entry_values(self, shop: Shop) -> dict[str, Any]:
        with self._lock:
            checked = self._checked.get(shop.code)
        if checked is None or time.monotonic() - checked[0] >= DIRECTORY_TTL_S:
            checked = (time.monotonic(), *self.ws.queue.validator(REPORT, shop.code, {"from_webhooks": True}))
            with self._lock:
                self._checked[shop.code] = checked
        _at, name, params = checked
        return self.ws.queue.entry_values(
            name,
            shop=shop.code,
            params=params,
            category=shop.settings.category,
            max_attempts=ENTRY_ATTEMPTS,
            rerun_delay_s=ENTRY_RERUN_DELAY_S,
            description=f"{name} for {shop.code}, from webhooks",
            earliest_start=utcnow() + dt.timedelta(seconds=GATHER_S),
        )

    def _add_entry(self, conn: Connection, shop: str, values: dict[str, Any]) -> int:
        entry_id = self.ws.queue.store.insert_entry_in(conn, values)
        W = t.webhook_trigger
        row = {"shop_code": shop, "report": REPORT, "entry_id": entry_id, "updated_at": utcnow()}
        conn.execute(
            self._upsert(W)
            .values(**row)
            .on_conflict_do_update(index_elements=["shop_code", "report"], set_={"entry_id": entry_id})
        )
        return entry_id

    def _uninstalled(self, shop: Shop, event: dict[str, Any]) -> Answer:
        with self.engine.begin() as conn:
            if not self._insert_event(conn, {**event, "status": "done"}):
                return Answer(200, "duplicate", "event already received")
        when = (event["triggered_at"] or utcnow()).strftime("%Y-%m-%d %H:%M UTC")
        status = f"app uninstalled in Shopify at {when}: background syncs turned off; reinstall, then turn them on"
        # Shopify removes the app's subscriptions with it; the address stays, for the next register
        self.ws.shops.set(shop.code, allow_background_sync=False, webhook_topics="", webhook_status=status)
        self.forget_shops()
        log.warning("shop %s: %s", shop.code, status)
        return Answer(200, "uninstalled", status)


def _order_id(topic: str, payload: dict[str, Any]) -> int | None:
    """The order an event is about: a refund's ``order_id``, an order edit's, else the order's ``id``."""
    if topic == "refunds/create":
        value = payload.get("order_id")
    elif topic == "orders/edited" and isinstance(payload.get("order_edit"), dict):
        value = payload["order_edit"].get("order_id")
    else:
        value = payload.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _order_stamp(topic: str, payload: dict[str, Any]) -> Any:
    if topic == "refunds/create":
        return payload.get("processed_at") or payload.get("created_at")
    if topic == "orders/edited" and isinstance(payload.get("order_edit"), dict):
        return payload["order_edit"].get("created_at")
    return payload.get("updated_at")


def _when(value: Any) -> dt.datetime | None:
    """An ISO 8601 stamp as an aware UTC datetime; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)
