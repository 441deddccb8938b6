"""How far a running bulk query has got, and how much of it Shopify's pace lets a poll see.

The sandbox may compute a file faster than the shop's timing allows; a poll then sees ``objectCount``
grow as ``objects_per_second x seconds RUNNING`` (Shopify updates the count while an operation runs), never
past what has really been produced, and the operation completes when the paced count reaches the total.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class Progress:
    """Counters of one running bulk query: lines and root lines produced so far, and when it started."""

    objects_per_second: float
    started: float | None = None  # time.monotonic() when it became RUNNING
    produced: int = 0
    produced_roots: int = 0

    def shown(self, now: float | None = None) -> tuple[int, int]:
        """(objectCount, rootObjectCount) a poll sees now."""
        if self.started is None or not self.produced:
            return 0, 0
        elapsed = (time.monotonic() if now is None else now) - self.started
        objects = self.produced
        if not math.isinf(self.objects_per_second):
            objects = min(objects, int(self.objects_per_second * max(elapsed, 0.0)))
        return objects, self.produced_roots * objects // self.produced

    def paced_end(self) -> float:
        """The monotonic time at which the lines produced so far are all shown."""
        started = time.monotonic() if self.started is None else self.started
        if math.isinf(self.objects_per_second):
            return started
        return started + self.produced / self.objects_per_second
