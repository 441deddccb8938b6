"""HTTP transport: a threaded stdlib server on loopback, routing requests to shops.

Routes (``{v}`` is an API version such as ``2026-07``):

* ``POST /shops/{handle}/admin/api/{v}/graphql.json`` - the Admin API of shop ``handle``;
* ``POST /admin/api/{v}/graphql.json`` - the same, the shop found from the access token;
* ``PUT|POST /shops/{handle}/uploads/{key}`` - staged upload target (stores the bytes);
* ``GET /shops/{handle}/files/{key}`` - an uploaded file; ``GET /shops/{handle}/bulk/{id}.jsonl`` - a
  bulk operation's result.

Every Admin API response carries ``X-Shopify-API-Version``: the requested version when supported,
otherwise the oldest supported one (Shopify's fall-forward).
"""

from __future__ import annotations

import json
import re
import socket
import struct
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from uuid import uuid4

from shopops.sandbox.engine.auth import Token
from shopops.sandbox.engine.errors import (
    BAD_REQUEST_BODY,
    NOT_FOUND_BODY,
    SERVER_ERROR_BODY,
    UNAUTHORIZED_BODY,
    error_dict,
)
from shopops.sandbox.engine.execute import run_graphql
from shopops.sandbox.engine.throttle import LeakyBucket
from shopops.sandbox.http.faults import FaultPlan
from shopops.sandbox.state.store import ShopState

SERVED_VERSION = "2026-07"
SUPPORTED_VERSIONS = ("2026-01", "2026-04", "2026-07", "2026-10", "unstable")
_GRAPHQL = re.compile(r"^(?:/shops/(?P<shop>[\w.-]+))?/admin/api/(?:(?P<version>[\w-]+)/)?graphql\.json$")
_UPLOAD = re.compile(r"^/shops/(?P<shop>[\w.-]+)/uploads/(?P<key>[\w.-]+)$")
_FILE = re.compile(r"^/shops/(?P<shop>[\w.-]+)/files/(?P<key>[\w.-]+)$")
_BULK = re.compile(r"^/shops/(?P<shop>[\w.-]+)/bulk/(?P<id>\d+)\.jsonl$")


def effective_version(requested: str | None) -> str:
    """The version Shopify would serve: the requested one if supported, else the oldest supported."""
    if requested in SUPPORTED_VERSIONS:
        return str(requested)
    return SUPPORTED_VERSIONS[0]


class ServedShop(Protocol):
    """What the server needs of one shop of a Sandbox (``ShopHandle``)."""

    handle: str
    state: ShopState

    @property
    def url(self) -> str: ...

    def bucket(self, token: str) -> LeakyBucket: ...


class ServedSandbox(Protocol):
    """What the server needs of a ``Sandbox``: its shops, its tokens and its fault plan; a protocol, so
    that the server and the Sandbox that starts it do not import each other."""

    faults: FaultPlan

    @property
    def shops(self) -> Mapping[str, ServedShop]: ...

    def token_for(self, value: str | None) -> Token | None: ...


class SandboxServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its Sandbox."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: ServedSandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    """Routes one HTTP request."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; no 40 ms stalls
    server: SandboxServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging (the sandbox is used in tests and benchmarks)."""

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload, separators=(",", ":")).encode(), headers=headers)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reset(self) -> None:
        """Drop the connection with a TCP RST, like a flaky network."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def do_POST(self) -> None:
        """GraphQL requests and staged uploads."""
        path = self.path.split("?", 1)[0]
        m = _GRAPHQL.match(path)
        if m:
            self._graphql(m.group("shop"), m.group("version"))
            return
        m = _UPLOAD.match(path)
        if m:
            self._upload(m.group("shop"), m.group("key"))
            return
        self._read_body()
        self._json(404, NOT_FOUND_BODY)

    def do_PUT(self) -> None:
        """Staged uploads (PUT targets)."""
        m = _UPLOAD.match(self.path.split("?", 1)[0])
        if m:
            self._upload(m.group("shop"), m.group("key"))
            return
        self._read_body()
        self._json(404, NOT_FOUND_BODY)

    def do_GET(self) -> None:
        """Uploaded files and bulk JSONL downloads."""
        path = self.path.split("?", 1)[0]
        sandbox = self.server.sandbox
        m = _FILE.match(path)
        if m and (shop := sandbox.shops.get(m.group("shop"))) is not None:
            data = shop.state.uploads.get(m.group("key"))
            if data is not None:
                self._send(200, data, "application/octet-stream")
                return
        m = _BULK.match(path)
        if m and (shop := sandbox.shops.get(m.group("shop"))) is not None:
            data = shop.state.bulk_results.get(int(m.group("id")))
            if data is not None:
                self._send(200, data, "application/jsonl")
                return
        self._json(404, NOT_FOUND_BODY)

    def _upload(self, handle: str, key: str) -> None:
        body = self._read_body()
        shop = self.server.sandbox.shops.get(handle)
        if shop is None:
            self._json(404, NOT_FOUND_BODY)
            return
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data") and b'name="file"' in body:
            body = _multipart_file(body, ctype)
        shop.state.uploads[key] = body
        self._send(201 if self.command == "POST" else 200, b"", "text/plain")

    def _graphql(self, handle: str | None, version: str | None) -> None:
        raw = self._read_body()
        sandbox = self.server.sandbox
        served = effective_version(version)
        headers = {"X-Shopify-API-Version": served, "X-Request-Id": uuid4().hex}
        token = sandbox.token_for(self.headers.get("X-Shopify-Access-Token"))
        if token is None or (handle is not None and token.shop != handle):
            self._json(401, UNAUTHORIZED_BODY, headers)
            return
        shop = sandbox.shops[token.shop]
        fault = sandbox.faults.draw()
        if fault == "reset":
            self._reset()
            return
        if fault in ("http_500", "http_503"):
            self._json(int(fault[-3:]), SERVER_ERROR_BODY, headers)
            return
        if fault == "slow":
            time.sleep(sandbox.faults.slow_seconds)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._json(400, BAD_REQUEST_BODY, headers)
            return
        if not isinstance(body, dict) or not body.get("query"):
            self._json(400, BAD_REQUEST_BODY, headers)
            return
        if fault == "internal_error":
            self._json(
                200,
                {
                    "errors": [
                        error_dict(
                            f"Internal error. Looks like something went wrong on our end.\nRequest ID: "
                            f"{headers['X-Request-Id']} (include this in support requests).",
                            "INTERNAL_SERVER_ERROR",
                            requestId=headers["X-Request-Id"],
                        )
                    ]
                },
                headers,
            )
            return
        outcome = run_graphql(
            body, shop.state, token, shop.bucket(token.value), {"base_url": shop.url, "shop_handle": shop.handle}
        )
        self._json(200, outcome.body, headers)


def _multipart_file(body: bytes, content_type: str) -> bytes:
    """The ``file`` part of a multipart/form-data body (enough for staged image uploads)."""
    boundary = content_type.split("boundary=", 1)[-1].strip().strip('"').encode()
    for part in body.split(b"--" + boundary):
        if b'name="file"' in part:
            _head, _sep, content = part.partition(b"\r\n\r\n")
            return content.rstrip(b"\r\n")
    return body
