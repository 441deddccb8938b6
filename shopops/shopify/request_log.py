"""Request log: one entry per HTTP attempt, kept per the shop's logging mode.

Modes mirror the Business Central connector's "Logging Mode": ``errors`` (only failed attempts, the
default), ``all`` and ``off``. Each entry goes to an optional sink (any callable, e.g. one that writes a
database row) and to the Python logger ``shopops.shopify``: an attempt that will be retried at WARNING,
one line saying the true wait before the retry; a failure that is not retried at INFO (the caller gets it
as an exception); the rest at DEBUG.
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
    retry_in_s: float | None = None  # the wait before the next attempt, when there is one

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)

    def __str__(self) -> str:
        cost = ""
        if self.requested_cost is not None:
            actual = "-" if self.actual_cost is None else f"{self.actual_cost:g}"
            cost = f" cost {actual}/{self.requested_cost:g}"
        rid = f" req {self.request_id}" if self.request_id else ""
        err = f": {_one_line(self.error)}" if self.error else ""
        took = f"{self.duration_s * 1000:.0f} ms"
        if self.outcome == "ok":
            what = f"ok in {took}"
        elif self.retry_in_s is not None:
            what = f"failed after {took}, retry in {_wait(self.retry_in_s)}"
        else:
            what = f"failed after {took}, not retried"
        return f"{self.shop} {self.operation} #{self.attempt} -> {self.status or '-'} {what}{cost}{rid}{err}"


RequestLogSink = Callable[[RequestLogEntry], None]

#: How much of an error a log line shows (the entry itself keeps all of it).
LINE_ERROR_CHARS = 200


def _one_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= LINE_ERROR_CHARS else first[: LINE_ERROR_CHARS - 1] + "…"


def _wait(seconds: float) -> str:
    """A wait as a person reads it: ``40 ms``, ``1.3 s``, ``2 min 5 s``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s"


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
        retry_in_s: float | None = None,
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
            retry_in_s=retry_in_s,
        )
        # one warning per retry; a failure that is not retried reaches the caller as an exception, which
        # reports it, so its line is INFO (the sink gets every entry the mode asks for either way)
        level = logging.WARNING if outcome == "retry" else logging.INFO if failed else logging.DEBUG
        logger.log(level, "%s", entry)
        if self.sink is not None:
            try:
                self.sink(entry)
            except Exception:  # a broken sink must not break the sync
                logger.exception("request log sink failed")
        return entry
