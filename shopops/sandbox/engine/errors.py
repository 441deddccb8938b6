"""Errors in Shopify's shape: GraphQL errors (HTTP 200) and the string bodies of non-200 answers."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

UNAUTHORIZED_BODY = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
NOT_FOUND_BODY = {"errors": "Not Found"}
SERVER_ERROR_BODY = {"errors": "An unexpected error occurred"}
BAD_REQUEST_BODY = {"errors": {"query": "Required parameter missing or invalid"}}
DOCS_LIMITS = "https://shopify.dev/api/usage/limits#rate-limits"
DOCS_RATE = "https://shopify.dev/api/usage/rate-limits"
DOCS_SCOPES = "https://shopify.dev/api/usage/access-scopes"


class GraphQLFailure(GraphQLError):
    """A GraphQL error with Shopify's ``extensions.code``; raise it from a resolver or the pipeline."""

    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


def error_dict(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    """A top-level ``errors[]`` entry in Shopify's shape."""
    return {"message": message, "extensions": {"code": code, **extensions}}


def max_cost_error(cost: int, limit: int) -> dict[str, Any]:
    """The MAX_COST_EXCEEDED error Shopify returns before execution."""
    message = (
        f"Query cost is {cost}, which exceeds the single query max cost limit ({limit}).\n\n"
        "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
        "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk "
        "operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-"
        "with-admin-api for usage details.\n"
    )
    return error_dict(message, "MAX_COST_EXCEEDED", cost=cost, maxCost=limit, documentation=DOCS_LIMITS)


def throttled_error() -> dict[str, Any]:
    """The THROTTLED error (HTTP 200, no data)."""
    return error_dict("Throttled", "THROTTLED", documentation=DOCS_RATE)


def access_denied(field: str, scope: str) -> GraphQLFailure:
    """ACCESS_DENIED for a field outside the token's scopes."""
    required = f"`{scope}` access scope."
    return GraphQLFailure(
        f"Access denied for {field} field. Required access: {required}",
        "ACCESS_DENIED",
        documentation=DOCS_SCOPES,
        requiredAccess=required,
    )
