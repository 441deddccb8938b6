"""Which way sync-orders reads its backlog, chosen by what it costs the shop.

Three readers fill the same mirror with the same content:

- **batched** (increments): a few orders a query, each with the first page of everything; about as many
  points an order as the per-order read, in a fraction of the calls. Quick for a few orders.
- **bulk** (backlogs): one bulk query per date window; a few points whatever the size, but a bulk query
  takes seconds to start and finish.
- **per_order** (the baseline): one query an order, as Business Central reads.

``auto`` weighs the two costs in the same unit, seconds: a batched read spends about ``ORDER_POINTS`` an
order of a bucket that refills at the plan's restore rate, a bulk read about ``BULK_OVERHEAD_S`` of wall
time. From ``restore_rate * BULK_OVERHEAD_S / ORDER_POINTS`` orders on, a bulk read is cheaper: 5 orders on a
standard plan (100 points/s), 50 on Plus (1,000), 100 on Commerce Components (2,000). A shop card can set
the number instead (``order_bulk_threshold``) or a path (``order_read``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PATHS = ("batched", "bulk", "per_order")
#: Actual points a typical order costs read with a normal query (about 110 measured: 1-5 lines, one
#: fulfillment order, one transaction, the money in shop and presentment currency).
ORDER_POINTS = 100.0
#: Seconds a bulk query takes beyond reading its objects: Shopify's start delay and the polls.
BULK_OVERHEAD_S = 5.0
#: The restore rate assumed before the shop's first answer told it (Shopify's standard plan).
DEFAULT_RESTORE_RATE = 100.0


@dataclass(frozen=True)
class ReadPath:
    """The path taken and why, for the run log."""

    path: str
    reason: str


def auto_threshold(restore_rate: float | None) -> int:
    """The backlog from which a bulk read costs less than a batched one, on a plan of this restore rate."""
    rate = restore_rate or DEFAULT_RESTORE_RATE
    return max(1, math.ceil(rate * BULK_OVERHEAD_S / ORDER_POINTS))


def choose(
    setting: str, threshold: int, backlog: int, restore_rate: float | None, *, resuming: bool = False
) -> ReadPath:
    """The read path for ``backlog`` orders: the card's (or the run's) ``setting``, else by cost."""
    if resuming:
        return ReadPath("bulk", "a bulk read was in progress: resumed")
    if setting in PATHS:
        return ReadPath(setting, f"set to {setting}")
    limit = threshold or auto_threshold(restore_rate)
    source = "the shop card" if threshold else f"a restore rate of {restore_rate or DEFAULT_RESTORE_RATE:g} points/s"
    if backlog >= limit:
        return ReadPath("bulk", f"{backlog} orders to read, bulk from {limit} ({source})")
    return ReadPath("batched", f"{backlog} orders to read, bulk only from {limit} ({source})")
