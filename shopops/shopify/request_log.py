"""Request log: one entry per HTTP attempt, kept per the shop's logging mode.

Modes mirror the Business Central connector's "Logging Mode": ``errors`` (only failed attempts, the
default), ``all`` and ``off``. Each entry goes to an optional sink (any callable, e.g. one that writes a
database row) and to the Python logger ``shopops.shopify`` (failures at WARNING, the rest at DEBUG).
Entries keep Shopify's ``X-Request-Id`` (quote it to Shopify support) and never hold the token: every text
field is redacted before the entry is built.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from shopops.shopify.transport import Secret, redact

logger = logging.getLogger("shopops.shopify")

#: Longest request/response text kept in an entry.
MAX_BODY_CHARS = 4000


class LogMode(enum.StrEnum):
    """Which attempts are logged."""

    ERRORS = "errors"
    ALL = "all"
    OFF = "off"


@dataclass(frozen=True)
class RequestLogEntry:
    """One HTTP attempt: what was asked, what came back, what it cost."""

    shop: str
    operation: str
    operation_type: str
    attempt: int
    status: int | None
    request_id: str | None
    duration_s: float
    requested_cost: float | None
    actual_cost: float | None
    outcome: str  # "ok", "retry", "error"
    error: str | None
    request: str | None
    response: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)

    def __str__(self) -> str:
        cost = ""
        if self.requested_cost is not None:
            actual = "-" if self.actual_cost is None else f"{self.actual_cost:g}"
            cost = f" cost {actual}/{self.requested_cost:g}"
        rid = f" req {self.request_id}" if self.request_id else ""
        err = f": {self.error}" if self.error else ""
        return (
            f"{self.shop} {self.operation} #{self.attempt} -> {self.status or '-'} {self.outcome}"
            f" in {self.duration_s * 1000:.0f} ms{cost}{rid}{err}"
        )


RequestLogSink = Callable[[RequestLogEntry], None]


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= MAX_BODY_CHARS else text[:MAX_BODY_CHARS] + "...[truncated]"


class RequestLogger:
    """Builds redacted entries and hands them to the sink and to ``logging``."""

    def __init__(
        self,
        *,
        mode: LogMode | str = LogMode.ERRORS,
        sink: RequestLogSink | None = None,
        secret: Secret | None = None,
        shop: str = "",
    ) -> None:
        self.mode = LogMode(mode)
        self.sink = sink
        self._secret = secret
        self.shop = shop

    def wants(self, failed: bool) -> bool:
        """True when an attempt with this outcome is to be logged."""
        if self.mode is LogMode.OFF:
            return False
        return self.mode is LogMode.ALL or failed

    def log(
        self,
        *,
        operation: str,
        operation_type: str,
        attempt: int,
        status: int | None,
        request_id: str | None,
        duration_s: float,
        requested_cost: float | None,
        actual_cost: float | None,
        outcome: str,
        error: str | None = None,
        query: str | None = None,
        variables: Mapping[str, Any] | None = None,
        response_text: str | None = None,
    ) -> RequestLogEntry | None:
        """Record one attempt (if the mode wants it); returns the entry or None."""
        failed = outcome != "ok"
        if not self.wants(failed):
            return None
        request = None
        if query is not None:
            try:
                vars_text = json.dumps(variables or {}, default=str)
            except (TypeError, ValueError):
                vars_text = "{}"
            request = _clip(redact(f"{query}\nvariables: {vars_text}", self._secret))
        entry = RequestLogEntry(
            shop=self.shop,
            operation=operation,
            operation_type=operation_type,
            attempt=attempt,
            status=status,
            request_id=request_id,
            duration_s=round(duration_s, 6),
            requested_cost=requested_cost,
            actual_cost=actual_cost,
            outcome=outcome,
            error=redact(error, self._secret) if error else None,
            request=request,
            response=_clip(redact(response_text, self._secret)) if response_text else None,
        )
        logger.log(logging.WARNING if failed else logging.DEBUG, "%s", entry)
        if self.sink is not None:
            try:
                self.sink(entry)
            except Exception:  # a broken sink must not break the sync
                logger.exception("request log sink failed")
        return entry
