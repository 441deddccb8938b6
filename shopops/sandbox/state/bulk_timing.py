"""How long a sandbox shop's bulk query operations take: a start delay, then a rate per operation.

An operation is CREATED; after ``start_delay`` seconds it is RUNNING and its ``objectCount`` grows by
``objects_per_second``; it is COMPLETED about ``start_delay + objects / objects_per_second`` seconds after
it was created (later, if the sandbox itself needs longer to compute the file). The default,
``"shopify"``, is chosen from what is publicly known of real bulk operations (docs/sandbox.md gives
the sources): small queries are RUNNING within a second of being created and finished a second or two
later (1,424 and 1,432 products in one to two seconds, in recorded API 2026-04 runs), and no firm figure
exists for big order exports, so the rate is a conservative 1,000 objects a second per operation.

Tests and the demo want the file at once: ``"instant"`` (no delay, no pacing). A spec is a preset
name, a :class:`BulkTiming`, a ``(start_delay, objects_per_second)`` pair, or the text ``"1.5,800"``;
the environment variable ``SHOPOPS_SANDBOX_BULK_TIMING`` gives the default of every shop created
without one (the test suite sets it to ``instant``; ``shopops sandbox`` reads it too).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

ENV = "SHOPOPS_SANDBOX_BULK_TIMING"


@dataclass(frozen=True)
class BulkTiming:
    """A shop's bulk query pace: seconds CREATED before RUNNING, then objects per second per operation."""

    start_delay: float = 1.0
    objects_per_second: float = 1000.0
    name: str = "custom"

    def __post_init__(self) -> None:
        if not self.start_delay >= 0 or not self.objects_per_second > 0:
            raise ValueError(f"bulk timing needs a delay >= 0 and a rate > 0, not {self}")

    def seconds_for(self, objects: int) -> float:
        """Seconds of RUNNING that ``objects`` JSONL lines take at this rate."""
        return 0.0 if math.isinf(self.objects_per_second) else objects / self.objects_per_second


#: Named paces: Shopify's (the default) and none at all.
BULK_TIMINGS = {
    "shopify": BulkTiming(1.0, 1000.0, "shopify"),
    "instant": BulkTiming(0.0, math.inf, "instant"),
}
DEFAULT_BULK_TIMING = "shopify"
BulkTimingSpec = str | BulkTiming | tuple[float, float]


def resolve_bulk_timing(spec: BulkTimingSpec | None = None) -> BulkTiming:
    """The timing a spec names; None reads ``SHOPOPS_SANDBOX_BULK_TIMING``, else the default."""
    if spec is None:
        spec = os.environ.get(ENV) or DEFAULT_BULK_TIMING
    if isinstance(spec, BulkTiming):
        return spec
    if isinstance(spec, tuple):
        return BulkTiming(float(spec[0]), float(spec[1]))
    text = spec.strip().lower()
    if text in BULK_TIMINGS:
        return BULK_TIMINGS[text]
    parts = text.split(",")
    try:
        if len(parts) == 2:
            return BulkTiming(float(parts[0]), float(parts[1]))
    except ValueError:
        pass
    names = ", ".join(BULK_TIMINGS)
    raise ValueError(f"bulk timing {spec!r}: use {names} or 'DELAY_SECONDS,OBJECTS_PER_SECOND' (e.g. '1,1000')")
