"""Typed errors raised by the Shopify client.

Which error an answer gets is decided in ``shopops.shopify.classify``.
Every error message says what happened *and what to do about it*, and never contains the access token
(the client redacts the token from any text that came back from the server before it builds a message).

Hierarchy::

    ShopifyError
      ConfigurationError          bad URL / version given to the client
      TransportError              connection refused or reset, timeout (retryable)
        HostNotFoundError         the shop's host name does not resolve (not retried)
      HTTPStatusError             non-200 answer
        AuthenticationError       401
        PaymentRequiredError      402
        ForbiddenError            403
        NotFoundError             404
        ShopLockedError           423
        RateLimitedError          429 (retryable; retry_after)
        ServerError               5xx (retryable)
        BadRequestError           400 and other 4xx
      GraphQLError                top-level ``errors`` in a 200 answer
        ThrottledError            THROTTLED (retryable)
        InternalServerError       INTERNAL_SERVER_ERROR (retryable)
        MaxCostExceededError      MAX_COST_EXCEEDED
        AccessDeniedError         ACCESS_DENIED, with the missing scope
      UserErrorsError             non-empty ``userErrors`` in a mutation payload (when asked to raise)
      MutationNotRetriedError     a mutation without ``@idempotent`` failed in a way that may have run
      BulkOperationError          a bulk operation FAILED / could not start
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class ShopifyError(Exception):
    """Base of every error the Shopify client raises."""

    retryable: bool = False

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (X-Request-Id {self.request_id})"
        return self.message


class ConfigurationError(ShopifyError):
    """The client was given a URL, API version or option it cannot use."""


class TransportError(ShopifyError):
    """The request did not get an HTTP answer (connection refused/reset, timeout). Retryable."""

    retryable = True


class HostNotFoundError(TransportError):
    """The shop's host name does not resolve (a mistyped URL, or no DNS here). Not retried: waiting does
    not make a name exist, and retrying one cost 18-27 s of backoff before the same answer."""

    retryable = False


class HTTPStatusError(ShopifyError):
    """Shopify answered with a non-200 status."""

    def __init__(self, message: str, *, status: int, request_id: str | None = None) -> None:
        super().__init__(message, request_id=request_id)
        self.status = status


class AuthenticationError(HTTPStatusError):
    """401: the access token is missing, wrong, revoked or expired."""


class PaymentRequiredError(HTTPStatusError):
    """402: the shop is frozen (unpaid bill) or its plan lacks the feature."""


class ForbiddenError(HTTPStatusError):
    """403: the shop is forbidden (e.g. marked fraudulent) or the app lacks permission."""


class NotFoundError(HTTPStatusError):
    """404: wrong shop URL or API version path, or the resource is gone."""


class ShopLockedError(HTTPStatusError):
    """423: the shop is locked/unavailable."""


class RateLimitedError(HTTPStatusError):
    """429: too many requests. Retryable after ``retry_after`` seconds when given."""

    retryable = True

    def __init__(
        self, message: str, *, status: int = 429, retry_after: float | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(message, status=status, request_id=request_id)
        self.retry_after = retry_after


class ServerError(HTTPStatusError):
    """5xx: Shopify failed internally. Retryable."""

    retryable = True


class BadRequestError(HTTPStatusError):
    """400 or another 4xx: the request itself is malformed."""


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL ``errors`` list."""

    message: str
    code: str | None = None
    path: tuple[str | int, ...] = ()
    extensions: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        where = ".".join(str(p) for p in self.path)
        code = f"[{self.code}] " if self.code else ""
        return f"{code}{self.message}" + (f" (at {where})" if where else "")


class GraphQLError(ShopifyError):
    """Top-level GraphQL ``errors`` in a 200 answer. ``errors`` holds each entry with its path."""

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[GraphQLErrorDetail] = (),
        data: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.errors = list(errors)
        self.data = data

    @property
    def paths(self) -> list[tuple[str | int, ...]]:
        """The ``path`` of every error entry (empty tuples for document-level errors)."""
        return [e.path for e in self.errors]


class ThrottledError(GraphQLError):
    """THROTTLED: the cost bucket could not hold the query. Retryable after ``retry_after`` seconds."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class InternalServerError(GraphQLError):
    """INTERNAL_SERVER_ERROR inside a 200 answer. Retryable."""

    retryable = True


class MaxCostExceededError(GraphQLError):
    """MAX_COST_EXCEEDED: the query's requested cost is over the single-query limit (1000)."""

    def __init__(self, message: str, *, cost: float | None = None, max_cost: float | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.cost = cost
        self.max_cost = max_cost


class AccessDeniedError(GraphQLError):
    """ACCESS_DENIED: the token lacks a scope. ``required_access`` names it as Shopify does."""

    def __init__(self, message: str, *, required_access: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.required_access = required_access


@dataclass(frozen=True)
class UserError:
    """One entry of a mutation payload's ``userErrors``: field path, message and (typed) code."""

    message: str
    field: tuple[str, ...] | None = None
    code: str | None = None
    mutation: str | None = None

    def describe(self) -> str:
        where = ".".join(self.field) if self.field else "-"
        code = f"[{self.code}] " if self.code else ""
        return f"{self.mutation or '?'}: {code}{self.message} (field {where})"


class UserErrorsError(ShopifyError):
    """A mutation answered with ``userErrors``: Shopify refused the input; nothing for that input changed."""

    def __init__(self, user_errors: Sequence[UserError], *, data: Any = None, request_id: str | None = None):
        first = user_errors[0].describe() if user_errors else "?"
        more = f" and {len(user_errors) - 1} more" if len(user_errors) > 1 else ""
        super().__init__(
            f"Shopify rejected the input: {first}{more}. Fix the named field(s) and send again, "
            "or pass user_errors='return' to handle them per record.",
            request_id=request_id,
        )
        self.user_errors = list(user_errors)
        self.data = data


class MutationNotRetriedError(ShopifyError):
    """A mutation without ``@idempotent`` hit a transient failure; it may or may not have run.

    The client never sends such a mutation twice. Check the shop's state, or add
    ``@idempotent(key: ...)`` to the mutation so the client can retry it safely.
    """

    def __init__(self, message: str, *, cause: ShopifyError, request_id: str | None = None) -> None:
        super().__init__(message, request_id=request_id)
        self.cause = cause


class RetriesExhaustedError(ShopifyError):
    """A retryable failure persisted through every attempt the retry policy allows."""

    def __init__(self, message: str, *, last: ShopifyError, attempts: int) -> None:
        super().__init__(message, request_id=last.request_id)
        self.last = last
        self.attempts = attempts
        self.retryable = False


class BulkOperationError(ShopifyError):
    """A bulk operation could not start, failed, was canceled or expired."""

    def __init__(
        self,
        message: str,
        *,
        operation_id: str | None = None,
        status: str | None = None,
        error_code: str | None = None,
        partial_data_url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.operation_id = operation_id
        self.status = status
        self.error_code = error_code
        self.partial_data_url = partial_data_url
