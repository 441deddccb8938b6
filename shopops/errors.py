"""The errors shopops raises for bad input: each names the field and the fix."""

from __future__ import annotations


class ShopopsError(Exception):
    """Base of every error shopops raises on purpose."""


class ConfigError(ShopopsError, ValueError):
    """A value that cannot be used. ``field`` names what to change."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class NotFound(ShopopsError, KeyError):
    """A shop, entry or report that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class InvalidState(ShopopsError):
    """An action the current status does not allow (for example deleting an entry in process)."""


class DatabaseUnavailable(ShopopsError):
    """The database cannot be used: it does not exist, is not a database, is read-only, its server does not
    answer, or it holds no shopops schema. The message names the URL (never its password) and the fix."""


class ShopNotFound(NotFound):
    """A shop code that no shop has. ``code`` and ``known`` let a caller phrase the fix its own way (the
    command line names ``shopops shop add``, Python ``ws.shops.add``)."""

    def __init__(self, code: str, known: list[str]) -> None:
        self.code = code
        self.known = known
        shops = ", ".join(known) or "none yet"
        super().__init__(f"no shop {code!r} (shops: {shops}); add it with ws.shops.add({code!r}, url=...)")

    def cli_message(self) -> str:
        """The same, with the command that adds the shop."""
        shops = ", ".join(self.known) or "none yet"
        return (
            f"no shop {self.code!r} (shops: {shops}); add it with "
            f"`shopops shop add {self.code} --url https://<shop>.myshopify.com --token-env VARIABLE`"
        )
