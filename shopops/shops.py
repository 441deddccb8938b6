"""Shops: where each one is, where its token comes from, and its card (ShopSettings).

A token is never stored in the database. A shop names an environment variable (``token_env``) or a
secrets file readable by its owner only (``secrets_file``, mode 0600) and the token is read when a sync
needs it.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from shopops.errors import ConfigError, ShopNotFound
from shopops.shop_settings import ShopSettings
from shopops.store import tables as t
from shopops.store.types import utcnow

__all__ = ["Shop", "ShopRegistry", "ShopSettings", "check_shop_url"]

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Shop:
    """One Shopify shop as shopops knows it. ``token`` is read from its source on each access."""

    code: str
    url: str
    settings: ShopSettings
    token_env: str | None = None
    secrets_file: str | None = None

    @property
    def token(self) -> str:
        """The Admin API access token, from the environment or the secrets file."""
        if self.token_env:
            value = os.environ.get(self.token_env)
            if not value:
                raise ConfigError(
                    "token_env",
                    f"shop {self.code}: environment variable {self.token_env} is not set; "
                    f"export {self.token_env}=<the shop's Admin API access token>",
                )
            return value
        if self.secrets_file:
            return read_secrets_file(Path(self.secrets_file), self.code)
        raise ConfigError("token_env", f"shop {self.code} has no token source; set token_env or secrets_file")

    @property
    def client_secret(self) -> str:
        """The app's client secret, the key of this shop's webhook signatures: from the variable the card
        names (default ``SHOPOPS_WEBHOOK_SECRET_<CODE>``), else ``client_secret`` in the 0600 secrets file."""
        env = self.settings.webhook_secret_env or webhook_secret_env(self.code)
        value = os.environ.get(env)
        if value:
            return value
        if self.secrets_file:
            return read_secrets_file(Path(self.secrets_file), self.code, "client_secret")
        raise ConfigError(
            "webhook_secret_env",
            f"shop {self.code}: no client secret; export {env}=<the app's client secret> "
            "(or add client_secret to the shop's secrets file)",
        )

    @property
    def domain(self) -> str:
        """The shop's myshopify.com domain, as webhooks name it (the card's, else the URL's host)."""
        return self.settings.shop_domain or (urlsplit(self.url).hostname or "")

    def __repr__(self) -> str:
        mode = "background syncs" if self.settings.allow_background_sync else "foreground syncs"
        source = f"token from ${self.token_env}" if self.token_env else f"token from {self.secrets_file}"
        return f"Shop {self.code} at {self.url}, {mode}, {source}"


def read_secrets_file(path: Path, shop_code: str, key: str = "token") -> str:
    """The token (or another secret, ``key``) for ``shop_code`` from a 0600 file.

    The file is either TOML (``[shops.CODE] token = "..."`` or ``CODE = "..."``) or holds the bare token.
    A file others can read is refused, since the token would leak to them.
    """
    if not path.exists():
        raise ConfigError("secrets_file", f"{path} does not exist")
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError("secrets_file", f"{path} is readable by others; run: chmod 600 {path}")
    content = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError:
        data = None
    if data is not None and data:
        entry = data.get("shops", {}).get(shop_code, data.get(shop_code))
        if isinstance(entry, dict):
            entry = entry.get(key)
        elif key != "token":
            entry = None
        if not isinstance(entry, str) or not entry:
            raise ConfigError("secrets_file", f"{path} has no {key} for shop {shop_code} ([shops.{shop_code}] {key})")
        return entry
    if key != "token":
        raise ConfigError("secrets_file", f"{path} holds a bare token; write [shops.{shop_code}] {key} = ... in TOML")
    token = content.strip()
    if not token:
        raise ConfigError("secrets_file", f"{path} is empty")
    return token


def webhook_secret_env(code: str) -> str:
    """The default environment variable of a shop's client secret."""
    return "SHOPOPS_WEBHOOK_SECRET_" + code.replace("-", "_")


def check_shop_url(url: str) -> str:
    """The shop URL without a trailing slash; https, or plain http to a loopback address (the sandbox)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("url", f"{url!r} is not a shop URL; use https://<shop>.myshopify.com")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError("url", f"{url!r}: plain http is allowed only to a loopback address; use https")
    return url.strip().rstrip("/")


def is_loopback(host: str) -> bool:
    """localhost or a loopback IP: the only hosts plain http is allowed to (the sandbox, a local receiver)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ShopRegistry:
    """The shops of a workspace: ``ws.shops.add(...)``, ``ws.shops["CODE"]``, ``ws.shops.list()``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(
        self,
        code: str,
        *,
        url: str,
        token_env: str | None = None,
        secrets_file: str | os.PathLike[str] | None = None,
        **settings: Any,
    ) -> Shop:
        """Add a shop. The token stays where it is: name its environment variable or its 0600 file."""
        if not isinstance(code, str) or not _CODE.match(code):
            raise ConfigError("code", f"{code!r}: use 1-20 capitals, digits, '-' or '_' (e.g. DEMO)")
        url = check_shop_url(url)
        if token_env is None and secrets_file is None:
            raise ConfigError("token_env", "name the environment variable that holds the token (or secrets_file)")
        if token_env is not None and not _ENV.match(token_env):
            raise ConfigError("token_env", f"{token_env!r} is not an environment variable name")
        card = ShopSettings().replace(**settings)
        secrets = str(Path(secrets_file).expanduser().resolve()) if secrets_file is not None else None
        now = utcnow()
        with self._engine.begin() as conn:
            if conn.execute(select(t.shop.c.code).where(t.shop.c.code == code)).first():
                raise ConfigError("code", f"shop {code} exists already; use ws.shops.set({code!r}, ...) to change it")
            conn.execute(
                insert(t.shop).values(
                    code=code,
                    url=url,
                    token_env=token_env,
                    secrets_file=secrets,
                    settings=card.as_dict(),
                    created_at=now,
                    updated_at=now,
                )
            )
        return self[code]

    def set(self, code: str, **changes: Any) -> Shop:
        """Change shop-card settings (or ``url``/``token_env``); each value is checked first."""
        shop = self[code]
        values: dict[str, Any] = {}
        if "url" in changes:
            values["url"] = check_shop_url(changes.pop("url"))
        if "token_env" in changes:
            env = changes.pop("token_env")
            if env is not None and not _ENV.match(env):
                raise ConfigError("token_env", f"{env!r} is not an environment variable name")
            values["token_env"] = env
        card = shop.settings.replace(**changes)
        values.update(settings=card.as_dict(), updated_at=utcnow())
        with self._engine.begin() as conn:
            conn.execute(update(t.shop).where(t.shop.c.code == code).values(**values))
        return self[code]

    def remove(self, code: str) -> None:
        """Forget a shop (its job log stays)."""
        self[code]
        with self._engine.begin() as conn:
            conn.execute(delete(t.shop).where(t.shop.c.code == code))

    def __getitem__(self, code: str) -> Shop:
        with self._engine.connect() as conn:
            row = conn.execute(select(t.shop).where(t.shop.c.code == code)).mappings().first()
        if row is None:
            raise ShopNotFound(code, self.codes())
        return Shop(
            code=row["code"],
            url=row["url"],
            settings=ShopSettings.from_dict(row["settings"]),
            token_env=row["token_env"],
            secrets_file=row["secrets_file"],
        )

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.codes()

    def __iter__(self) -> Iterator[Shop]:
        return iter([self[c] for c in self.codes()])

    def __len__(self) -> int:
        return len(self.codes())

    def codes(self) -> list[str]:
        """Every shop code, sorted."""
        with self._engine.connect() as conn:
            return list(conn.execute(select(t.shop.c.code).order_by(t.shop.c.code)).scalars())

    def list(self) -> pd.DataFrame:
        """One row per shop: code, url, token source, and the settings people look at first."""
        rows = []
        for shop in self:
            rows.append(
                {
                    "shop": shop.code,
                    "url": shop.url,
                    "token_source": f"${shop.token_env}" if shop.token_env else shop.secrets_file,
                    "enabled": shop.settings.enabled,
                    "background": shop.settings.allow_background_sync,
                    "category": shop.settings.category,
                }
            )
        columns = ["shop", "url", "token_source", "enabled", "background", "category"]
        return pd.DataFrame(rows, columns=columns)

    def __repr__(self) -> str:
        return f"<{len(self)} shops: {', '.join(self.codes())}>"
