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
