"""URL rules, the token secret and redaction."""

from __future__ import annotations

import pytest

from shopops.shopify import ShopifyClient
from shopops.shopify.errors import ConfigurationError
from shopops.shopify.transport import Secret, normalise_shop_url, redact

TOKEN = "shpat_transport_secret_42"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("demo.myshopify.com", "https://demo.myshopify.com"),
        ("https://demo.myshopify.com/", "https://demo.myshopify.com"),
        ("https://demo.myshopify.com/admin", "https://demo.myshopify.com"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("http://localhost:9000/", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_normalise(given: str, expected: str) -> None:
    assert normalise_shop_url(given) == expected


@pytest.mark.parametrize(
    "bad", ["http://demo.myshopify.com", "ftp://x", "https://", "https://x.com/?a=1", "http://10.0.0.1:80"]
)
def test_rejects(bad: str) -> None:
    with pytest.raises(ConfigurationError):
        normalise_shop_url(bad)


def test_endpoint_and_version() -> None:
    c = ShopifyClient("https://demo.myshopify.com", TOKEN)
    assert c.endpoint == "https://demo.myshopify.com/admin/api/2026-07/graphql.json"
    assert ShopifyClient("demo.myshopify.com", TOKEN, api_version="2026-10").api_version == "2026-10"
    with pytest.raises(ConfigurationError):
        ShopifyClient("demo.myshopify.com", TOKEN, api_version="../x")


def test_token_never_in_repr() -> None:
    c = ShopifyClient("https://demo.myshopify.com", TOKEN)
    assert TOKEN not in repr(c) and TOKEN not in str(c)
    assert TOKEN not in repr(vars(c))
    assert TOKEN not in repr(c.transport.session.headers)
    assert repr(Secret(TOKEN)) == "Secret('***')"


def test_redact() -> None:
    assert redact(f"bad token {TOKEN}!", Secret(TOKEN)) == "bad token [REDACTED]!"
    assert redact("nothing", None, "") == "nothing"
