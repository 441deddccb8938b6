"""Pushing absolute stock to Shopify: ``inventorySetQuantities``, 250 quantities a call, idempotent.

Each call carries a fresh idempotency key, so the client may resend it after a timeout or a 5xx without
setting the stock twice. What Shopify refuses is handled per line, never by failing the run:

* ``CHANGE_FROM_QUANTITY_STALE``: Shopify's stock moved since it was read (an order came in). The ERP's
  figure is absolute and wins, so the stale lines are sent again without the check, under a new key.
* ``IDEMPOTENCY_CONCURRENT_REQUEST`` / ``IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED``: sent again under a new key.
  Both retries happen at most ``MAX_RETRIES`` times (BC's three).
* any other error naming a line (a bundle, an item not stocked at the location): that line is dropped and
  reported, and the rest of the batch goes again under a new key; one bad variant never fails the batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from shopops.shopify import operations

#: Shopify's limit on input lists.
BATCH_SIZE = 250
#: Retries of a batch under a new key (BC tries three more times).
MAX_RETRIES = 3
RETRY_CODES = frozenset({"IDEMPOTENCY_CONCURRENT_REQUEST", "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"})
STALE = "CHANGE_FROM_QUANTITY_STALE"
REASON = "correction"


@dataclass
class PushLine:
    """One quantity to set: Shopify inventory item and location (numeric ids), the quantity, the CAS value."""

    inventory_item_id: int
    location_id: int
    quantity: int
    change_from: int | None = None
    label: str = ""

    def as_input(self) -> dict[str, Any]:
        """The ``InventoryQuantityInput``; changeFromQuantity is always sent (null skips the check)."""
        return {
            "inventoryItemId": f"gid://shopify/InventoryItem/{self.inventory_item_id}",
            "locationId": f"gid://shopify/Location/{self.location_id}",
            "quantity": self.quantity,
            "changeFromQuantity": self.change_from,
        }


@dataclass
class PushResult:
    """What one batch achieved: the lines set, the lines refused (with Shopify's message), calls made."""

    done: list[PushLine] = field(default_factory=list)
    failed: list[tuple[PushLine, str]] = field(default_factory=list)
    calls: int = 0
    retries: int = 0


def batches(lines: Sequence[PushLine], size: int = BATCH_SIZE) -> Iterator[list[PushLine]]:
    """Consecutive slices of at most ``size`` lines."""
    for start in range(0, len(lines), size):
        yield list(lines[start : start + size])


def _line_index(error: dict[str, Any]) -> int | None:
    path = error.get("field") or []
    if len(path) >= 3 and path[1] == "quantities" and str(path[2]).isdigit():
        return int(path[2])
    return None


def push_batch(client: Any, name: str, lines: list[PushLine], *, reference: str) -> PushResult:
    """Set up to 250 quantities named ``name`` (available or on_hand); per-line failures come back, not raise."""
    result = PushResult()
    pending = list(lines)
    document = operations.load("InventorySetQuantities")
    while pending:
        data = client.execute(
            document,
            {
                "input": {
                    "name": name,
                    "reason": REASON,
                    "referenceDocumentUri": reference,
                    "quantities": [line.as_input() for line in pending],
                },
                "idempotencyKey": str(uuid.uuid4()),
            },
            user_errors="return",
        )
        result.calls += 1
        errors = (data.get("inventorySetQuantities") or {}).get("userErrors") or []
        if not errors:
            result.done.extend(pending)
            return result
        retry, bad = False, set()
        for error in errors:
            index = _line_index(error)
            if error.get("code") == STALE and index is not None and index < len(pending):
                pending[index].change_from = None
                retry = True
            elif error.get("code") in RETRY_CODES:
                retry = True
            elif index is not None and index < len(pending):
                bad.add(index)
                result.failed.append((pending[index], f"{error.get('code')}: {error.get('message')}"))
            else:
                message = f"{error.get('code')}: {error.get('message')}"
                result.failed.extend((line, message) for line in pending)
                return result
        if retry and not bad:
            if result.retries >= MAX_RETRIES:
                message = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors)
                result.failed.extend(
                    (line, f"still refused after {MAX_RETRIES} retries: {message}") for line in pending
                )
                return result
            result.retries += 1
        pending = [line for i, line in enumerate(pending) if i not in bad]
    return result
