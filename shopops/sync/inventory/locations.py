"""Shop locations: Shopify locations imported for a shop and mapped to ERP location filters (BC's Shop Location).

    refresh_shop_locations(ws, "DEMO")                         # import Shopify's locations (new ones are off)
    set_shop_location(ws.engine, "DEMO", "Main warehouse",     # by name or Shopify id
                      erp_location_filter="MAIN|EAST", stock_calculation="available")
    shop_locations(ws.engine, "DEMO")                           # DataFrame

A new location starts with stock calculation ``off`` as in BC, so nothing is pushed anywhere until someone
says which ERP stock a Shopify location shows. Importing again updates names and flags only; the mapping
a person made is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from shopops.errors import ConfigError, NotFound
from shopops.shopify import operations
from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.inventory.stock_calculation import METHODS, StockCalculation
from shopops.sync.values import shopify_id

L = t.shop_location
QUANTITY_NAMES = t.INVENTORY_QUANTITY_NAMES
SYNCED_FIELDS = ("name", "active", "is_fulfillment_service")


def location_values(node: Mapping[str, Any]) -> dict[str, Any]:
    """The columns Shopify owns, from a ``locations`` node (GetLocations or the bulk levels query)."""
    return {
        "location_id": shopify_id(node["id"]),
        "name": str(node.get("name") or "")[:100],
        "active": bool(node.get("isActive", True)),
        "is_fulfillment_service": bool(node.get("isFulfillmentService", False)),
    }


def upsert_locations(engine: Engine, shop: str, nodes: Iterable[Mapping[str, Any]]) -> int:
    """Insert new locations (calculation off) and update changed names and flags; returns rows written."""
    wanted = {v["location_id"]: v for v in map(location_values, nodes)}
    if not wanted:
        return 0
    written = 0
    with engine.begin() as conn:
        known = {r.location_id: r for r in conn.execute(select(L).where(L.c.shop_code == shop))}
        for location_id, values in wanted.items():
            row = known.get(location_id)
            if row is None:
                conn.execute(insert(L).values(shop_code=shop, updated_at=utcnow(), **values))
                written += 1
            elif any(getattr(row, f) != values[f] for f in SYNCED_FIELDS):
                changes = {f: values[f] for f in SYNCED_FIELDS}
                key = (L.c.shop_code == shop) & (L.c.location_id == location_id)
                conn.execute(update(L).where(key).values(updated_at=utcnow(), **changes))
                written += 1
    return written


def refresh_shop_locations(ws: Any, shop: str, client: Any = None) -> pd.DataFrame:
    """Import the shop's Shopify locations (active and inactive) and return the mapping table."""
    if client is None:
        from shopops.sync.clients import client_for

        client = client_for(ws.shops[shop])
    nodes = client.paginate(
        operations.load("GetLocations"), {"first": 50, "includeInactive": True}, path=("locations",)
    )
    upsert_locations(ws.engine, shop, list(nodes))
    return shop_locations(ws.engine, shop)


def shop_locations(engine: Engine, shop: str) -> pd.DataFrame:
    """The shop's locations and their mapping, by name."""
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(L).where(L.c.shop_code == shop).order_by(L.c.name)).mappings()]
    return pd.DataFrame(rows, columns=[c.name for c in L.c])


def set_shop_location(
    engine: Engine,
    shop: str,
    location: str | int,
    *,
    erp_location_filter: str | None = None,
    stock_calculation: str | None = None,
    quantity_name: str | None = None,
) -> dict[str, Any]:
    """Map one Shopify location (by name or id) to ERP locations and choose how its stock is calculated."""
    if stock_calculation is not None and stock_calculation not in METHODS:
        raise ConfigError("stock_calculation", f"{stock_calculation!r} is not one of {', '.join(METHODS)}")
    if quantity_name is not None and quantity_name not in QUANTITY_NAMES:
        raise ConfigError("quantity_name", f"{quantity_name!r} is not one of {', '.join(QUANTITY_NAMES)}")
    if erp_location_filter is not None and len(erp_location_filter) > 250:
        raise ConfigError("erp_location_filter", "is longer than 250 characters")
    with engine.begin() as conn:
        query = select(L).where(L.c.shop_code == shop)
        if isinstance(location, int) or str(location).isdigit():
            query = query.where(L.c.location_id == int(location))
        else:
            query = query.where(L.c.name == location)
        row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFound(
                f"shop {shop} has no Shopify location {location!r}; run refresh_shop_locations(ws, {shop!r}) first"
            )
        changes = {
            k: v
            for k, v in {
                "erp_location_filter": erp_location_filter.strip().upper() if erp_location_filter is not None else None,
                "stock_calculation": stock_calculation,
                "quantity_name": quantity_name,
            }.items()
            if v is not None
        }
        key = (L.c.shop_code == shop) & (L.c.location_id == row["location_id"])
        conn.execute(update(L).where(key).values(updated_at=utcnow(), **changes))
    return {**dict(row), **changes}


def mapped_locations(engine: Engine, shop: str) -> list[tuple[int, str, StockCalculation]]:
    """(Shopify location id, quantity name, calculation) of every active location whose calculation is not off."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(L.c.location_id, L.c.quantity_name, L.c.stock_calculation, L.c.erp_location_filter).where(
                L.c.shop_code == shop, L.c.active.is_(True), L.c.stock_calculation != "off"
            )
        ).all()
    return [(r[0], r[1], StockCalculation(r[2], r[3])) for r in rows]
