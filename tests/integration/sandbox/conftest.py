"""Fixtures for the sandbox integration tests: one shared sandbox per session, helpers to call it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shopops.sandbox import Sandbox


class Client:
    """A tiny test client over real HTTP (not the project's ShopifyClient: the two must stay apart)."""

    def __init__(self, url: str, token: str) -> None:
        self.url = f"{url}/admin/api/2026-07/graphql.json"
        self.token = token
        self.session = requests.Session()

    def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None, url: str | None = None
    ) -> requests.Response:
        """POST one document; returns the raw response."""
        return self.session.post(
            url or self.url,
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": token or self.token},
            timeout=30,
        )

    def run(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """POST and return the JSON body, asserting HTTP 200."""
        response = self.post(query, variables, **kw)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """POST and return ``data``, asserting there were no errors."""
        body = self.run(query, variables, **kw)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """A small seeded shop on the plus plan (a big bucket, so functional tests never throttle) whose bulk
    queries finish at once (the timing tests make their own shops at Shopify's pace)."""
    with Sandbox(seed="small", plan="plus", bulk_timing="instant") as box:
        yield box


@pytest.fixture(scope="session")
def client(sandbox: Sandbox) -> Client:
    """A client of the shared sandbox's default shop."""
    return Client(sandbox.url, sandbox.token)
