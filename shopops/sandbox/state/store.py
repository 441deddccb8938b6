"""In-memory state of one sandbox shop: tables of plain dicts, id sequences, a clock and a lock.

Records are stored close to their GraphQL shape (camelCase keys, ``id`` as a global ID) so that most
fields resolve straight from the dict; relations are kept as global IDs (``productId``, ``orderId``)
and resolved by the resolver modules. Every change goes through :meth:`ShopState.touch` so that
``updatedAt`` moves forward on every change, strictly increasing within a shop.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from shopops.sandbox.state.bulk_timing import BulkTiming, resolve_bulk_timing
from shopops.sandbox.webhooks.dispatch import WebhookHub

Record = dict[str, Any]

#: Tables (GraphQL type name -> numeric id -> record) every shop has.
TABLES = (
    "Location",
    "Product",
    "ProductVariant",
    "ProductOption",
    "InventoryItem",
    "InventoryLevel",
    "MediaImage",
    "Customer",
    "MailingAddress",
    "Order",
    "LineItem",
    "OrderTransaction",
    "FulfillmentOrder",
    "FulfillmentOrderLineItem",
    "Fulfillment",
    "Refund",
    "CalculatedOrder",
    "ShopifyPaymentsPayout",
    "ShopifyPaymentsBalanceTransaction",
    "ShopifyPaymentsDispute",
    "BulkOperation",
    "InventoryAdjustmentGroup",
    "StagedUpload",
    "WebhookSubscription",
)
#: First numeric id handed out per table; distinct ranges make a mixed-up id easy to spot.
ID_BASE = 1000


def gid(type_name: str, num: int) -> str:
    """Build a Shopify global ID such as ``gid://shopify/Product/1001``."""
    return f"gid://shopify/{type_name}/{num}"


def parse_gid(value: str | None) -> tuple[str, int] | None:
    """Split a global ID into (type, numeric id); None when it is not one."""
    if not value:
        return None
    return _parse_gid(value)


@functools.lru_cache(maxsize=262144)
def _parse_gid(value: str) -> tuple[str, int] | None:
    if not value or not value.startswith("gid://shopify/"):
        return None
    parts = value[len("gid://shopify/") :].split("/")
    if len(parts) != 2:
        return None
    num = parts[1].split("?")[0]
    if not num.isdigit():
        return None
    return parts[0], int(num)


def iso(moment: datetime) -> str:
    """Format an aware datetime as Shopify does: UTC, second precision, ``Z`` suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_CENT = Decimal("0.01")


def money(value: Decimal | str | int | float) -> str:
    """A Decimal amount as Shopify's ``Decimal`` scalar string, two places (``"12.50"``)."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return str(amount.quantize(_CENT))


@dataclass
class ShopInfo:
    """Shop-level settings: the identity, currency and plan of one sandbox shop."""

    handle: str
    name: str
    currency: str = "USD"
    plan: str = "standard"
    email: str = "owner@example.com"
    timezone: str = "America/New_York"
    created_at: str = "2024-01-15T09:00:00Z"


@dataclass
class ShopState:
    """Everything one sandbox shop holds. Guard reads and writes with ``state.lock``."""

    info: ShopInfo
    tables: dict[str, dict[int, Record]] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    idempotency: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    bulk_results: dict[int, bytes] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    fixed_now: str | None = None
    # how long bulk queries take (a start delay and a rate; see bulk_timing); the default is Shopify's pace
    bulk_timing: BulkTiming = field(default_factory=resolve_bulk_timing)
    # a bulk operation stays RUNNING at least this long, whatever the timing (tests of "already running")
    bulk_min_seconds: float = 0.0
    # live progress of running bulk queries by operation number (what objectCount shows while RUNNING)
    bulk_progress: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)
    # one bulk query chunk at a time contends for ``lock``, so that a request waits behind one chunk at most
    bulk_gate: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # the webhook queue and worker; mutations only enqueue on it (see shopops.sandbox.webhooks)
    webhooks: WebhookHub = field(default_factory=WebhookHub, repr=False, compare=False)
    _last_stamp: datetime = field(default_factory=lambda: datetime(2000, 1, 1, tzinfo=UTC))

    def __post_init__(self) -> None:
        for name in TABLES:
            self.tables.setdefault(name, {})
            self.sequences.setdefault(name, ID_BASE)

    def table(self, name: str) -> dict[int, Record]:
        """The table of one type (numeric id -> record)."""
        return self.tables[name]

    def next_id(self, type_name: str) -> tuple[int, str]:
        """Reserve the next numeric id of a type; returns (number, global id)."""
        self.sequences[type_name] += 1
        num = self.sequences[type_name]
        return num, gid(type_name, num)

    def now(self) -> str:
        """The current time as an ISO string, strictly after the previous stamp of this shop.

        Shopify's timestamps have second precision; a sync that filters ``updated_at:>cursor`` must
        still see a change made in the same second, so the clock ticks at least one second per call.
        """
        if self.fixed_now is not None:  # seeding runs on a fixed, deterministic clock
            return self.fixed_now
        moment = datetime.now(UTC).replace(microsecond=0)
        if moment <= self._last_stamp:
            moment = self._last_stamp + timedelta(seconds=1)
        self._last_stamp = moment
        return iso(moment)

    def observe_stamp(self, stamp: str) -> None:
        """Make sure later :meth:`now` calls come after ``stamp`` (used by seeding and snapshots)."""
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if moment > self._last_stamp:
            self._last_stamp = moment

    def insert(self, type_name: str, record: Record, stamp: str | None = None, num: int | None = None) -> Record:
        """Add a record with a fresh id (or ``num``, reserved earlier with :meth:`next_id`) and
        createdAt/updatedAt; returns it."""
        num, global_id = self.next_id(type_name) if num is None else (num, gid(type_name, num))
        record["id"] = global_id
        record.setdefault("legacyResourceId", str(num))
        when = stamp or self.now()
        record.setdefault("createdAt", when)
        record.setdefault("updatedAt", when)
        self.tables[type_name][num] = record
        self.versions[type_name] = self.versions.get(type_name, 0) + 1
        return record

    def touch(self, record: Record) -> None:
        """Mark a record changed: ``updatedAt`` moves to now."""
        record["updatedAt"] = self.now()
        parsed = parse_gid(record.get("id"))
        if parsed:
            self.versions[parsed[0]] = self.versions.get(parsed[0], 0) + 1

    def delete(self, global_id: str | None) -> None:
        """Remove a record by global ID (nothing when there is none)."""
        parsed = parse_gid(global_id)
        if parsed is not None and parsed[0] in self.tables:
            self.tables[parsed[0]].pop(parsed[1], None)

    def get(self, global_id: str | None, type_name: str | None = None) -> Record | None:
        """Look a record up by global ID (optionally insisting on its type)."""
        parsed = parse_gid(global_id)
        if parsed is None or (type_name is not None and parsed[0] != type_name):
            return None
        table = self.tables.get(parsed[0])
        return table.get(parsed[1]) if table is not None else None

    def counts(self) -> dict[str, int]:
        """How many records each non-empty table holds (handy in tests and the CLI banner)."""
        return {name: len(rows) for name, rows in self.tables.items() if rows}
