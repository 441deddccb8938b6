"""Setup records the documents refer to: locations, G/L accounts (shipping, tips, gift cards, rounding,
refunds) and shipping agents (tracking company and URL for Shopify fulfillments)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopops.erp import validation as v
from shopops.erp._base import MasterTable
from shopops.store import tables as t


@dataclass(frozen=True)
class Location:
    """A warehouse or store stock is kept at."""

    code: str
    name: str
    blocked: bool


@dataclass(frozen=True)
class GLAccount:
    """A general ledger account a sales line can post to (shipping charges, tips, sold gift cards...)."""

    no: str
    name: str
    blocked: bool


@dataclass(frozen=True)
class ShippingAgent:
    """A carrier. ``internet_address`` holds %1 where the tracking no. goes."""

    code: str
    name: str
    internet_address: str
    shopify_tracking_company: str

    def tracking_url(self, tracking_no: str) -> str:
        """The carrier's tracking page for ``tracking_no``, or blank when it has none."""
        if not self.internet_address or not tracking_no:
            return ""
        if "%1" in self.internet_address:
            return self.internet_address.replace("%1", tracking_no)
        return self.internet_address + tracking_no

    @property
    def tracking_company(self) -> str:
        """The name sent to Shopify: the tracking company, else the name, else the code (as BC does)."""
        return self.shopify_tracking_company or self.name or self.code


def _clean_location(key: Any, **fields: Any) -> dict[str, Any]:
    return {
        "code": v.code(key, "code", 10),
        "name": v.text(fields.get("name"), "name", 100),
        "blocked": v.boolean(fields.get("blocked"), "blocked"),
    }


def _clean_gl_account(key: Any, **fields: Any) -> dict[str, Any]:
    return {
        "no": v.code(key, "no", 20),
        "name": v.text(fields.get("name"), "name", 100),
        "blocked": v.boolean(fields.get("blocked"), "blocked"),
    }


def _clean_agent(key: Any, **fields: Any) -> dict[str, Any]:
    return {
        "code": v.code(key, "code", 10),
        "name": v.text(fields.get("name"), "name", 50),
        "internet_address": v.text(fields.get("internet_address"), "internet_address", 250),
        "shopify_tracking_company": v.text(fields.get("shopify_tracking_company"), "shopify_tracking_company", 50),
    }


class Locations(MasterTable[Location]):
    """``erp.locations.add("MAIN", name="Main warehouse")``."""

    table = t.erp_location
    key = "code"
    record_type = Location
    label = "location"
    clean = staticmethod(_clean_location)


class GLAccounts(MasterTable[GLAccount]):
    """``erp.gl_accounts.add("6100", name="Shipping charges")``."""

    table = t.erp_gl_account
    record_type = GLAccount
    label = "G/L account"
    clean = staticmethod(_clean_gl_account)


class ShippingAgents(MasterTable[ShippingAgent]):
    """``erp.shipping_agents.add("DHL", name="DHL", internet_address="https://dhl.com/track?id=%1")``."""

    table = t.erp_shipping_agent
    key = "code"
    record_type = ShippingAgent
    label = "shipping agent"
    clean = staticmethod(_clean_agent)
