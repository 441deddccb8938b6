"""What a report sees while it runs (RunContext) and what a foreground run hands back (RunResult)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

if TYPE_CHECKING:
    import pandas as pd

    from shopops.shops import Shop

ProgressFn = Callable[[int, int | None, str], None]


def _no_progress(done: int, total: int | None, message: str) -> None:
    return None


@dataclass
class RunContext:
    """A report's view of the world for one run.

    ``stats`` counts read/created/updated/skipped/failed; ``notes`` holds what is not a count (the read path
    a run took, the bulk operations it ran), kept beside the counts in the run's log entry;
    ``progress(done, total, message)`` shows a bar in the foreground and updates the entry in the background;
    ``dry_run`` means compute the changes and return them as a DataFrame, write nothing.
    """

    engine: Engine
    shop: Shop | None
    params: dict[str, Any]
    dry_run: bool = False
    report: str = ""
    stats: Counter[str] = field(default_factory=Counter)
    notes: dict[str, Any] = field(default_factory=dict)
    progress: ProgressFn = _no_progress
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("shopops.sync"))
    client_factory: Callable[[], Any] | None = None
    _client: Any = None

    @property
    def client(self) -> Any:
        """The shop's Admin API client, made on first use (so reports that need none never read a token)."""
        if self._client is None:
            if self.client_factory is None:
                raise RuntimeError("this run has no Shopify client (no shop was given)")
            self._client = self.client_factory()
        return self._client

    def skip(self, record_type: str, record_id: object, reason: str) -> None:
        """Pass over one record with the precise reason (which line, which SKU, which setting): it is
        counted, logged in the skipped-record log, and the run goes on."""
        from shopops.sync.state import record_skip

        self.stats["skipped"] += 1
        self.log.info("skipped %s %s: %s", record_type, record_id, reason)
        if not self.dry_run:
            record_skip(
                self.engine, self.shop.code if self.shop else None, self.report, record_type, str(record_id), reason
            )

    def api_cost(self) -> float:
        """Actual API cost spent so far by this run's client."""
        if self._client is None:
            return 0.0
        stats = getattr(self._client, "stats", None)
        return float(getattr(stats, "actual_cost", 0.0) or 0.0)

    def api_stats(self) -> dict[str, Any]:
        """The client's counters (calls, cost, throttle waits, retries), for the run's log entry."""
        if self._client is None:
            return {}
        stats = getattr(self._client, "stats", None)
        as_dict = getattr(stats, "as_dict", None)
        return dict(as_dict()) if callable(as_dict) else {}


@dataclass
class RunResult:
    """The outcome of a foreground run; prints as one line."""

    report: str
    shop: str | None
    status: str
    stats: dict[str, Any]
    api_cost: float
    started_at: dt.datetime
    ended_at: dt.datetime
    error: str | None = None
    changes: pd.DataFrame | None = None
    log_id: int | None = None

    @property
    def ok(self) -> bool:
        """True when the run succeeded."""
        return self.status == "success"

    @property
    def duration_s(self) -> float:
        """Seconds the run took."""
        return (self.ended_at - self.started_at).total_seconds()

    def __repr__(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.stats.items()) if isinstance(v, int | float)) or "nothing"
        where = f" for {self.shop}" if self.shop else ""
        tail = f": {self.error}" if self.error else ""
        return (
            f"{self.report}{where}: {self.status} in {self.duration_s:.1f}s, {counts}, API cost {self.api_cost:g}{tail}"
        )
