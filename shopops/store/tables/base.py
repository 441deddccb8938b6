"""The one MetaData every table joins, its naming convention, and the column helpers the domains share."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    MetaData,
    String,
    text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


metadata = MetaData(naming_convention=NAMING)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _erp_address(prefix: str = "") -> list[Column[object]]:
    return [
        Column(f"{prefix}name", String(100), nullable=False, server_default=""),
        Column(f"{prefix}address", String(100), nullable=False, server_default=""),
        Column(f"{prefix}address_2", String(50), nullable=False, server_default=""),
        Column(f"{prefix}city", String(30), nullable=False, server_default=""),
        Column(f"{prefix}post_code", String(20), nullable=False, server_default=""),
        Column(f"{prefix}county", String(30), nullable=False, server_default=""),
        Column(f"{prefix}country_code", String(10), nullable=False, server_default=""),
    ]


def _shop_fk() -> Column[str]:
    return Column("shop_code", String(20), ForeignKey("shop.code", ondelete="CASCADE"), nullable=False)


def _flag(name: str) -> Column[bool]:
    return Column(name, Boolean, nullable=False, server_default=text("false"))
