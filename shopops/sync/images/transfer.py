"""Moving picture bytes for sync-images: staged uploads to Shopify, downloads from it, and the media links.

``upload`` asks ``stagedUploadsCreate`` for a target, posts the bytes there (multipart form with the
target's parameters, as Shopify's storage expects; no Shopify token goes to the storage host) and returns
the ``resourceUrl`` that product media is then created from. ``download`` fetches an image URL.
``MediaLinks`` is the ``shopify_media_link`` table: per item (variant), the media it was sent as or taken
from, and the SHA-256 of its bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import Engine, and_, insert, select, update

from shopops.shopify import operations
from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.mutations import execute_mutation

L = t.shopify_media_link
#: Connect and read timeouts (seconds) for the storage host and image downloads.
TIMEOUT = (5.0, 60.0)
#: A picture larger than this is refused (Shopify's own image limit is 20 MB).
MAX_BYTES = 20 * 1024 * 1024
Key = tuple[str, str]


class TransferError(Exception):
    """An upload or download failed; the message says which URL host and why (never a token)."""


def upload(client: Any, content: bytes, filename: str, mime_type: str) -> str:
    """Stage ``content`` for Shopify and return the resource URL to create media from."""
    staged = {
        "filename": filename,
        "mimeType": mime_type,
        "resource": "IMAGE",
        "httpMethod": "POST",
        "fileSize": str(len(content)),
    }
    data = execute_mutation(client, operations.load("StagedUploadsCreate"), {"input": [staged]}, user_errors="return")
    payload = data["stagedUploadsCreate"]
    if payload.get("userErrors") or not payload.get("stagedTargets"):
        messages = "; ".join(str(e.get("message")) for e in payload.get("userErrors") or []) or "no target returned"
        raise TransferError(f"stagedUploadsCreate refused {filename}: {messages}")
    target = payload["stagedTargets"][0]
    form = {p["name"]: p["value"] for p in target.get("parameters") or []}
    try:
        answer = requests.post(
            target["url"], data=form, files={"file": (filename, content, mime_type)}, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise TransferError(f"upload of {filename} failed: {type(exc).__name__}") from None
    if answer.status_code >= 300:
        raise TransferError(f"upload of {filename} failed: HTTP {answer.status_code}")
    return str(target["resourceUrl"])


def download(url: str) -> tuple[bytes, str]:
    """The bytes and content type behind an image URL."""
    shown = url.split("?", 1)[0]
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True) as answer:
            if answer.status_code != 200:
                raise TransferError(f"download of {shown} failed: HTTP {answer.status_code}")
            content = answer.raw.read(MAX_BYTES + 1, decode_content=True)
            declared = answer.headers.get("Content-Type", "").split(";", 1)[0].strip()
    except requests.RequestException as exc:
        raise TransferError(f"download of {shown} failed: {type(exc).__name__}") from None
    if len(content) > MAX_BYTES:
        raise TransferError(f"{shown} is larger than {MAX_BYTES} bytes")
    return content, declared if declared.startswith("image/") else sniff(content)


def sniff(content: bytes) -> str:
    """The image type told by the first bytes (PNG, JPEG, GIF, WebP); image/png when unknown."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return "image/png"


@dataclass
class MediaLinks:
    """The media links of one shop, in memory for one run; writes go straight to the table."""

    engine: Engine
    shop: str
    rows: dict[Key, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, engine: Engine, shop: str) -> MediaLinks:
        """Read the shop's links once."""
        links = cls(engine, shop)
        with engine.connect() as conn:
            for r in conn.execute(select(L).where(L.c.shop_code == shop)).mappings():
                links.rows[(r["item_no"], r["variant_code"])] = dict(r)
        return links

    def save(self, key: Key, values: Mapping[str, Any]) -> None:
        """Insert or update the link of one item (variant)."""
        old = self.rows.get(key)
        now = utcnow()
        with self.engine.begin() as conn:
            if old is None:
                conn.execute(
                    insert(L).values(shop_code=self.shop, item_no=key[0], variant_code=key[1], updated_at=now, **values)
                )
            else:
                where = and_(L.c.shop_code == self.shop, L.c.item_no == key[0], L.c.variant_code == key[1])
                conn.execute(update(L).where(where).values(updated_at=now, **values))
        self.rows[key] = {**(old or {}), **values, "item_no": key[0], "variant_code": key[1]}
