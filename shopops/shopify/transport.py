"""HTTP transport: one pooled ``requests.Session`` per client, the endpoint URL, timeouts, redaction.

Only https is allowed, except plain http to a loopback address (the local sandbox). The access token is
held in a ``Secret`` whose repr never shows it, and every text that leaves this module (error bodies,
log lines) passes through ``redact``.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from shopops.shopify.errors import BadRequestError, ConfigurationError, HostNotFoundError, TransportError

#: Default API version.
DEFAULT_API_VERSION = "2026-07"
#: (connect, read) timeout in seconds.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 60.0)
#: Connections kept per host.
POOL_SIZE = 10
#: Header carrying the token.
TOKEN_HEADER = "X-Shopify-Access-Token"
REDACTED = "[REDACTED]"


class Secret:
    """A string that does not show itself in repr/str (for the access token)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value; only the transport calls this, to build the header."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


def redact(text: str, *secrets: Secret | str | None) -> str:
    """``text`` with every occurrence of each secret replaced by ``[REDACTED]``."""
    for s in secrets:
        value = s.reveal() if isinstance(s, Secret) else s
        if value:
            text = text.replace(value, REDACTED)
    return text


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_shop_url(url: str) -> str:
    """``https://shop.myshopify.com`` form of ``url``; rejects http except to loopback."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = parts.hostname or ""
    if not host:
        raise ConfigurationError(f"Shop URL {url!r} has no host; use e.g. https://demo.myshopify.com.")
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigurationError(
            f"Shop URL {url!r} uses plain http; Shopify needs https (http is only allowed to a loopback "
            "sandbox address)."
        )
    if parts.scheme not in ("http", "https"):
        raise ConfigurationError(f"Shop URL {url!r} must start with https://.")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"Shop URL {url!r} must not carry a query string or fragment.")
    path = parts.path.rstrip("/")
    if path.startswith("/admin"):
        path = ""  # tolerate .../admin pasted from the browser
    return f"{parts.scheme}://{parts.netloc}{path}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it wraps (requests wraps urllib3, which wraps the socket's error)."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args)
        stack.extend(e for e in wrapped if isinstance(e, BaseException))


def no_answer(exc: BaseException, shop: str, token: Secret | None = None) -> TransportError:
    """The error for a request that got no HTTP answer, in one short line.

    A host name that does not resolve is ``HostNotFoundError`` and is not retried (waiting does not make
    a name exist); anything else (refused, reset, a TLS failure) is a retryable ``TransportError`` that
    names the innermost reason (``connection refused``) instead of urllib3's 400-character chain.
    """
    host = urlsplit(f"https://{shop}").hostname or shop
    causes = list(_causes(exc))
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            said = (cause.strerror or str(cause)).rstrip(".")
            return HostNotFoundError(
                f"Cannot find the shop's host {host} ({said}). Check the shop URL; if it is right, check this "
                "machine's DNS and network."
            )
    reason = next(
        (c.strerror for c in causes if isinstance(c, OSError) and c.strerror),
        type(exc).__name__,
    )
    said = redact(str(reason), token)[:120].rstrip(".")
    return TransportError(
        f"No answer from {shop}: {said[:1].lower()}{said[1:]}. The client retries; if it persists check the "
        "URL and the network."
    )


@dataclass
class HttpAnswer:
    """One HTTP exchange, as the client needs it."""

    status: int
    headers: Mapping[str, str]
    body: Any  # parsed JSON, or None when the body was not JSON
    text: str  # raw body, redacted
    elapsed: float
    request_id: str | None = None
    api_version: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)


class Transport:
    """Posts GraphQL bodies to one shop's Admin API endpoint over a pooled session."""

    def __init__(
        self,
        url: str,
        token: Secret,
        *,
        api_version: str = DEFAULT_API_VERSION,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        user_agent: str = "shopops",
    ) -> None:
        self.shop_url = normalise_shop_url(url)
        if not api_version or "/" in api_version:
            raise ConfigurationError(f"API version {api_version!r} is not valid; use e.g. '2026-07'.")
        self.api_version = api_version
        self.endpoint = f"{self.shop_url}/admin/api/{api_version}/graphql.json"
        self.timeout = timeout
        self._token = token
        self.session = session or requests.Session()
        adapter = HTTPAdapter(pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update(
            {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": user_agent}
        )

    @property
    def shop(self) -> str:
        """The shop host, for logs."""
        return urlsplit(self.shop_url).netloc

    def post(self, payload: Mapping[str, Any]) -> HttpAnswer:
        """Send one GraphQL request; raise ``TransportError`` when no HTTP answer came back."""
        started = time.monotonic()
        try:
            resp = self.session.post(
                self.endpoint,
                data=json.dumps(payload),
                headers={TOKEN_HEADER: self._token.reveal()},
                timeout=self.timeout,
            )
            text = resp.text
        except requests.Timeout as exc:
            raise TransportError(
                f"Timed out talking to {self.shop} ({type(exc).__name__}). The client retries; if it "
                "persists raise the timeout or check the network."
            ) from None
        except requests.RequestException as exc:
            raise no_answer(exc, self.shop, self._token) from None
        elapsed = time.monotonic() - started
        body: Any = None
        if text:
            try:
                body = json.loads(text)
            except ValueError:
                body = None
        return HttpAnswer(
            status=resp.status_code,
            headers=dict(resp.headers),
            body=body,
            text=redact(text, self._token),
            elapsed=elapsed,
            request_id=resp.headers.get("X-Request-Id"),
            api_version=resp.headers.get("X-Shopify-API-Version"),
        )

    def stream_lines(self, url: str, *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """Stream a (signed) result file line by line, without the token and without holding it whole."""
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname or "")):
            raise ConfigurationError("Refusing to download a bulk result over plain http from a non-loopback host.")
        try:
            with requests.get(url, stream=True, timeout=self.timeout) as resp:
                if resp.status_code != 200:
                    raise BadRequestError(
                        f"Downloading the bulk result failed with {resp.status_code}; the signed URL may have "
                        "expired (7 days): run the bulk query again.",
                        status=resp.status_code,
                    )
                for line in resp.iter_lines(chunk_size=chunk_size):
                    if line:
                        yield line
        except requests.RequestException as exc:
            raise TransportError(
                f"Downloading the bulk result broke off: {type(exc).__name__}. Run the download again."
            ) from None

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()
