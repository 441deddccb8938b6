"""Classify an answer into the typed error of ``shopops.shopify.errors`` (pure functions on dicts).

``graphql_error_from_body`` reads a 200 answer's top-level ``errors``; ``http_error`` a non-200 status;
``find_user_errors`` collects ``userErrors`` from mutation payloads. Callers pass text that is already
redacted, so no message built here can carry the token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shopops.shopify.errors import (
    AccessDeniedError,
    AuthenticationError,
    BadRequestError,
    ForbiddenError,
    GraphQLError,
    GraphQLErrorDetail,
    HTTPStatusError,
    InternalServerError,
    MaxCostExceededError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitedError,
    ServerError,
    ShopLockedError,
    ThrottledError,
    UserError,
)

_SCOPE_RE = re.compile(r"`([a-z_]+)`")


def _details(errors: Any) -> list[GraphQLErrorDetail]:
    out: list[GraphQLErrorDetail] = []
    if not isinstance(errors, list):
        return [GraphQLErrorDetail(message=str(errors))]
    for e in errors:
        if not isinstance(e, Mapping):
            out.append(GraphQLErrorDetail(message=str(e)))
            continue
        ext = e.get("extensions") or {}
        ext = ext if isinstance(ext, Mapping) else {}
        path = tuple(p for p in (e.get("path") or []) if isinstance(p, str | int))
        out.append(
            GraphQLErrorDetail(
                message=str(e.get("message", "")),
                code=str(ext["code"]) if ext.get("code") is not None else None,
                path=path,
                extensions=dict(ext),
            )
        )
    return out


def _throttle_wait(body: Mapping[str, Any]) -> float | None:
    """Seconds until the bucket holds the requested cost, from the THROTTLED answer's cost block."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        requested = float(cost["requestedQueryCost"])
        available = float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return None
    if rate <= 0:
        return None
    return max(0.0, (requested - available) / rate)


def graphql_error_from_body(body: Mapping[str, Any], *, request_id: str | None = None) -> GraphQLError | None:
    """Pick the typed error for a 200 answer's top-level ``errors`` (None when there are none)."""
    errors = body.get("errors")
    if not errors:
        return None
    details = _details(errors)
    codes = {d.code for d in details}
    data = body.get("data")
    summary = "; ".join(d.describe() for d in details[:3]) + (
        f"; and {len(details) - 3} more" if len(details) > 3 else ""
    )
    if "THROTTLED" in codes:
        wait = _throttle_wait(body)
        return ThrottledError(
            "Shopify throttled the request (cost bucket empty); it was not executed. The client waits "
            "for the bucket to refill and retries.",
            retry_after=wait,
            errors=details,
            data=data,
            request_id=request_id,
        )
    if "MAX_COST_EXCEEDED" in codes:
        ext = next(d.extensions for d in details if d.code == "MAX_COST_EXCEEDED")
        cost, max_cost = ext.get("cost"), ext.get("maxCost")
        return MaxCostExceededError(
            f"Query cost {cost} exceeds the single-query limit {max_cost}. Ask for fewer records per page "
            "(lower `first`, also on nested connections) or use a bulk operation.",
            cost=float(cost) if cost is not None else None,
            max_cost=float(max_cost) if max_cost is not None else None,
            errors=details,
            data=data,
            request_id=request_id,
        )
    if "ACCESS_DENIED" in codes:
        d = next(d for d in details if d.code == "ACCESS_DENIED")
        required = d.extensions.get("requiredAccess")
        scopes = _SCOPE_RE.findall(str(required or d.message))
        need = ", ".join(scopes) if scopes else (str(required) if required else "a missing access scope")
        where = ".".join(str(p) for p in d.path) or "the query"
        return AccessDeniedError(
            f"Access denied for {where}: the app token lacks {need}. Grant the scope to the app "
            "(and reinstall/approve it), then retry.",
            required_access=str(required) if required else (scopes[0] if scopes else None),
            errors=details,
            data=data,
            request_id=request_id,
        )
    if "INTERNAL_SERVER_ERROR" in codes:
        return InternalServerError(
            f"Shopify reported an internal error: {summary}. The client retries; if it persists, "
            "check shopifystatus.com and quote the request id.",
            errors=details,
            data=data,
            request_id=request_id,
        )
    return GraphQLError(
        f"GraphQL error: {summary}. Fix the document or variables (validate against the API version).",
        errors=details,
        data=data,
        request_id=request_id,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds form; HTTP dates are ignored)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def http_error(
    status: int, body_text: str, *, retry_after: str | None = None, request_id: str | None = None
) -> HTTPStatusError:
    """Pick the typed error for a non-200 answer. ``body_text`` must already be redacted."""
    said = body_text.strip().replace("\n", " ")[:200] or "(empty body)"
    if status == 401:
        return AuthenticationError(
            f"401 Unauthorized: the access token was rejected ({said}). Check the token for this shop "
            "(revoked, expired, or for another shop) and set a valid one.",
            status=status,
            request_id=request_id,
        )
    if status == 402:
        return PaymentRequiredError(
            f"402 Payment Required: the shop is frozen or its plan lacks this feature ({said}). "
            "The shop owner must settle the bill or change plan; retrying will not help.",
            status=status,
            request_id=request_id,
        )
    if status == 403:
        return ForbiddenError(
            f"403 Forbidden ({said}). The shop refuses this app; check the app installation and scopes.",
            status=status,
            request_id=request_id,
        )
    if status == 404:
        return NotFoundError(
            f"404 Not Found ({said}). Check the shop URL and the API version; the shop or resource may "
            "no longer exist.",
            status=status,
            request_id=request_id,
        )
    if status == 423:
        return ShopLockedError(
            f"423 Locked: the shop is unavailable ({said}). Shopify locks shops for abuse or fraud risk; "
            "contact the shop owner / Shopify support. Retrying will not help.",
            status=status,
            request_id=request_id,
        )
    if status == 429:
        return RateLimitedError(
            f"429 Too Many Requests ({said}). The client waits (Retry-After) and retries.",
            retry_after=parse_retry_after(retry_after),
            request_id=request_id,
        )
    if 500 <= status < 600:
        return ServerError(
            f"{status} from Shopify ({said}). The client retries; if it persists check shopifystatus.com.",
            status=status,
            request_id=request_id,
        )
    return BadRequestError(
        f"{status} from Shopify ({said}). The request is malformed; fix it before retrying.",
        status=status,
        request_id=request_id,
    )


def find_user_errors(data: Any) -> list[UserError]:
    """Every non-empty ``userErrors`` list under the top-level fields of ``data``, as ``UserError``."""
    found: list[UserError] = []
    if not isinstance(data, Mapping):
        return found
    for root, payload in data.items():
        if not isinstance(payload, Mapping):
            continue
        ues = payload.get("userErrors")
        if not isinstance(ues, list):
            continue
        for ue in ues:
            if not isinstance(ue, Mapping):
                continue
            fld = ue.get("field")
            found.append(
                UserError(
                    message=str(ue.get("message", "")),
                    field=tuple(str(f) for f in fld) if isinstance(fld, list) else None,
                    code=str(ue["code"]) if ue.get("code") is not None else None,
                    mutation=str(root),
                )
            )
    return found
