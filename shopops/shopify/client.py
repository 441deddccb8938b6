"""``ShopifyClient``: the one way shopops talks to a shop's Admin GraphQL API.

    from shopops.shopify import ShopifyClient, operations
    client = ShopifyClient("https://demo.myshopify.com", token)       # api_version="2026-07"
    shop = client.execute(operations.load("GetShop"))["shop"]
    for order in client.paginate(operations.load("GetOrders"), {"first": 100}, path=("orders",)):
        ...
    print(client.stats)

Each call: pace from the cost bucket, POST, classify the answer, retry what is safe to retry (with
backoff), account cost into ``client.stats`` and log per ``log_mode``. A mutation is sent again only
when it carries ``@idempotent(key: ...)``; any other mutation is never sent twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import requests

from shopops.shopify.bulk import BulkRunner
from shopops.shopify.classify import find_user_errors, graphql_error_from_body, http_error
from shopops.shopify.documents import DocumentInfo, inspect_document
from shopops.shopify.errors import (
    GraphQLError,
    MutationNotRetriedError,
    RetriesExhaustedError,
    ShopifyError,
    ThrottledError,
    TransportError,
    UserErrorsError,
)
from shopops.shopify.paging import DEFAULT_CURSOR_VARIABLE, Page, iter_nodes, iter_pages
from shopops.shopify.request_log import LogMode, RequestLogger, RequestLogSink
from shopops.shopify.retry import RetryPolicy
from shopops.shopify.stats import ClientStats
from shopops.shopify.throttle import CostInfo, ThrottlePacer, parse_cost
from shopops.shopify.transport import DEFAULT_API_VERSION, DEFAULT_TIMEOUT, HttpAnswer, Secret, Transport

UserErrorMode = Literal["raise", "return"]


class ShopifyClient:
    """A client for one shop's Admin GraphQL API (thread-safe; share one per shop).

    ``url`` is the shop URL (``https://x.myshopify.com``; plain http only to a loopback sandbox);
    ``token`` the Admin API access token (never shown in a repr, error or log line).
    ``retry`` tunes backoff (``RetryPolicy.fast()`` for tests); ``log_mode`` is ``"errors"``, ``"all"``
    or ``"off"``, with entries also handed to ``log_sink`` when given.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        api_version: str = DEFAULT_API_VERSION,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        log_mode: LogMode | str = LogMode.ERRORS,
        log_sink: RequestLogSink | None = None,
        pacer: ThrottlePacer | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._token = Secret(token)
        self.transport = Transport(url, self._token, api_version=api_version, timeout=timeout, session=session)
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or ThrottlePacer(sleep=sleep)
        self.stats = ClientStats()
        self.log = RequestLogger(mode=log_mode, sink=log_sink, secret=self._token, shop=self.transport.shop)
        self._sleep = sleep
        self._bulk: BulkRunner | None = None

    # ------------------------------------------------------------------ identity

    @property
    def url(self) -> str:
        """The shop URL, normalised."""
        return self.transport.shop_url

    @property
    def api_version(self) -> str:
        """The Admin API version in the endpoint path."""
        return self.transport.api_version

    @property
    def endpoint(self) -> str:
        """The full GraphQL endpoint URL."""
        return self.transport.endpoint

    def __repr__(self) -> str:
        return f"ShopifyClient({self.url!r}, api_version={self.api_version!r}, token=***)"

    def close(self) -> None:
        """Release pooled connections."""
        self.transport.close()

    def __enter__(self) -> ShopifyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ execute

    def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        user_errors: UserErrorMode = "raise",
    ) -> Any:
        """Run one GraphQL operation and return its ``data`` object.

        Raises a typed ``ShopifyError`` (see ``shopops.shopify.errors``). With ``user_errors="raise"``
        (the default) a non-empty ``userErrors`` in a mutation payload raises ``UserErrorsError``; with
        ``"return"`` the data comes back as is and the caller handles them per record (see
        ``shopops.shopify.find_user_errors``).
        """
        info = inspect_document(document, operation_name)
        payload: dict[str, Any] = {"query": document, "variables": dict(variables or {})}
        if operation_name:
            payload["operationName"] = operation_name
        key = document  # expected cost = last requested cost of this document
        retry_number = 0
        while True:
            waited = self.pacer.acquire(key)
            if waited > 0:
                self.stats.record_wait(waited)
            attempt = retry_number + 1
            started = time.monotonic()
            answer: HttpAnswer | None = None
            cost = CostInfo(None, None, None)
            try:
                answer = self.transport.post(payload)
                cost = parse_cost(answer.body) if isinstance(answer.body, Mapping) else cost
                self.stats.record_call(cost.requested, cost.actual)
                self.pacer.update(key, cost)
                data = self._check(answer)
            except ShopifyError as err:
                if answer is None:
                    self.stats.record_call(None, None)
                if isinstance(err, ThrottledError):
                    self.stats.record_throttled()
                retry_number += 1
                can_retry = self.retry.allows(retry_number, err)
                # the wait is chosen once, before the log line, so that the line tells the true wait
                delay = self.retry.delay(retry_number, err) if can_retry and info.retry_safe else None
                self._log(
                    info,
                    attempt,
                    answer,
                    cost,
                    started,
                    err,
                    retry_in=delay,
                    document=document,
                    variables=payload["variables"],
                )
                self._raise_or_wait(err, info, retry_number, delay)
                continue
            self._log(
                info,
                attempt,
                answer,
                cost,
                started,
                None,
                retry_in=None,
                document=document,
                variables=payload["variables"],
            )
            if user_errors == "raise" and info.is_mutation:
                found = find_user_errors(data)
                if found:
                    self.stats.record_error()
                    raise UserErrorsError(found, data=data, request_id=answer.request_id)
            return data

    def _check(self, answer: HttpAnswer) -> Any:
        """The ``data`` of a good answer, or raise the typed error for a bad one."""
        if answer.status != 200:
            raise http_error(
                answer.status,
                answer.text,
                retry_after=answer.headers.get("Retry-After"),
                request_id=answer.request_id,
            )
        body = answer.body
        if not isinstance(body, Mapping):
            raise TransportError(
                "Shopify answered 200 with a body that is not a JSON object (a proxy page?). The client retries.",
                request_id=answer.request_id,
            )
        err = graphql_error_from_body(body, request_id=answer.request_id)
        if err is not None:
            raise err
        if "data" not in body:
            raise GraphQLError("The answer holds neither data nor errors.", request_id=answer.request_id)
        return body["data"]

    def _raise_or_wait(self, err: ShopifyError, info: DocumentInfo, retry_number: int, delay: float | None) -> None:
        if not err.retryable:
            self.stats.record_error()
            raise err
        if not info.retry_safe:
            self.stats.record_error()
            raise MutationNotRetriedError(
                f"{info.label} failed ({err.message}) and was NOT sent again: it is a mutation without "
                "@idempotent(key: ...), so it may or may not have been applied. Check the shop before "
                "sending it again, or add an idempotency key so the client can retry it safely.",
                cause=err,
                request_id=err.request_id,
            ) from err
        if delay is None:
            self.stats.record_error()
            raise RetriesExhaustedError(
                f"{info.label} still failing after {retry_number} attempts: {err}. Try again later.",
                last=err,
                attempts=retry_number,
            ) from err
        self.stats.record_retry()
        if isinstance(err, ThrottledError):
            self.stats.record_wait(delay)
        if delay > 0:
            self._sleep(delay)

    def _log(
        self,
        info: DocumentInfo,
        attempt: int,
        answer: HttpAnswer | None,
        cost: CostInfo,
        started: float,
        err: ShopifyError | None,
        *,
        retry_in: float | None,
        document: str,
        variables: Mapping[str, Any],
    ) -> None:
        outcome = "ok" if err is None else ("retry" if retry_in is not None else "error")
        if not self.log.wants(err is not None):
            return
        self.log.log(
            operation=info.label,
            operation_type=info.operation,
            attempt=attempt,
            status=answer.status if answer else None,
            request_id=answer.request_id if answer else getattr(err, "request_id", None),
            duration_s=time.monotonic() - started,
            requested_cost=cost.requested,
            actual_cost=cost.actual,
            outcome=outcome,
            error=str(err) if err else None,
            query=document,
            variables=variables,
            response_text=answer.text if answer else None,
            retry_in_s=retry_in,
        )

    # ------------------------------------------------------------------ paging and bulk

    def pages(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        path: Sequence[str],
        cursor_variable: str = DEFAULT_CURSOR_VARIABLE,
        max_pages: int | None = None,
    ) -> Iterator[Page]:
        """Yield each page of the connection at ``path`` (streamed; see ``shopops.shopify.paging``)."""
        return iter_pages(
            self.execute, document, variables, path=path, cursor_variable=cursor_variable, max_pages=max_pages
        )

    def paginate(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        path: Sequence[str],
        cursor_variable: str = DEFAULT_CURSOR_VARIABLE,
    ) -> Iterator[Any]:
        """Yield every node of the connection at ``path``, one page at a time."""
        return iter_nodes(self.execute, document, variables, path=path, cursor_variable=cursor_variable)

    @property
    def bulk(self) -> BulkRunner:
        """The bulk query runner for this client: ``client.bulk.run_query(query)``."""
        if self._bulk is None:
            self._bulk = BulkRunner(self, sleep=self._sleep)
        return self._bulk

    def stream_lines(self, url: str) -> Iterator[bytes]:
        """Stream a bulk result file line by line (no token is sent to the file host)."""
        return self.transport.stream_lines(url)
