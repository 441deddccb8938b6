"""The customer mirror (``shopify_customer``): each Shopify customer as last seen or sent, and its ERP link.

Both directions compare one *shared content*: the fields the ERP and Shopify both hold (name, e-mail,
phone, address), normalised the same way whichever side they come from::

    shared_from_shopify(node)    # {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "4520...", ...}
    shared_from_erp(customer)    # the same keys from an ERP customer
    content_hash(shared)         # what the link stores after every send or receive

Echo suppression follows from it: after the ERP pushes a customer, the link holds the hash of what was
sent; when Shopify hands the customer back (its ``updatedAt`` moved), the content hashes the same and is
not written into the ERP again. After an import, the link holds the hash of the ERP customer as written,
so the export sees no ERP change and sends nothing back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update

from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.customers.matching import normalise_email, phone_key
from shopops.sync.products.mirror import content_hash
from shopops.sync.sales_documents.mapping import address_name, erp_address
from shopops.sync.values import shopify_id, when

SC = t.shopify_customer
SHARED_FIELDS = ("name", "email", "phone", "address", "address_2", "city", "post_code", "county", "country_code")


def _text(value: Any, size: int) -> str:
    return " ".join(str(value or "").split())[:size]


def customer_address(node: Mapping[str, Any]) -> dict[str, Any]:
    """The customer's default address (or {})."""
    return dict(node.get("defaultAddress") or {})


def customer_email(node: Mapping[str, Any]) -> str:
    """The customer's e-mail ('' for none)."""
    return str((node.get("defaultEmailAddress") or {}).get("emailAddress") or "").strip()


def customer_phone(node: Mapping[str, Any]) -> str:
    """The customer's phone, else the default address's phone ('' for none)."""
    phone = (node.get("defaultPhoneNumber") or {}).get("phoneNumber")
    return str(phone or customer_address(node).get("phone") or "").strip()


def erp_fields_from_shopify(node: Mapping[str, Any]) -> dict[str, str]:
    """ERP customer fields from a Shopify customer (names as BC's "Company Name, else First + Last")."""
    address = customer_address(node)
    names = {"company": address.get("company"), "firstName": node.get("firstName"), "lastName": node.get("lastName")}
    name = address_name(names) or str(node.get("displayName") or "") or customer_email(node)
    return {
        "name": _text(name, 100),
        **erp_address(address),
        "email": customer_email(node)[:80],
        "phone": customer_phone(node)[:30],
    }


def _shared(values: Mapping[str, Any]) -> dict[str, str]:
    out = {k: _text(values.get(k), 100) for k in SHARED_FIELDS}
    out["email"] = normalise_email(values.get("email"))
    out["phone"] = phone_key(values.get("phone"))
    out["country_code"] = out["country_code"].upper()
    return out


def shared_from_shopify(node: Mapping[str, Any]) -> dict[str, str]:
    """The shared content of a Shopify customer."""
    return _shared(erp_fields_from_shopify(node))


def shared_from_erp(customer: Any) -> dict[str, str]:
    """The shared content of an ERP customer (a ``Customer`` record)."""
    return _shared({k: getattr(customer, k, "") for k in SHARED_FIELDS})


def shopify_input(customer: Any, shopify_gid: str | None = None) -> dict[str, Any]:
    """``CustomerInput`` for an ERP customer: the name split into first and last, one address."""
    first, _sep, last = _text(customer.name, 100).rpartition(" ")
    address = {
        "address1": customer.address or None,
        "address2": customer.address_2 or None,
        "city": customer.city or None,
        "zip": customer.post_code or None,
        "provinceCode": customer.county or None,
        "countryCode": customer.country_code or None,
        "firstName": first or None,
        "lastName": last or None,
    }
    data: dict[str, Any] = {
        "firstName": first or None,
        "lastName": last or None,
        "email": customer.email or None,
        "phone": customer.phone or None,
    }
    if any(address[k] for k in ("address1", "city", "zip", "countryCode")):
        data["addresses"] = [{k: v for k, v in address.items() if v is not None}]
    if shopify_gid:
        data["id"] = shopify_gid
    return data


def mirror_values(node: Mapping[str, Any]) -> dict[str, Any]:
    """Mirror columns Shopify owns, from a customer node."""
    address = customer_address(node)
    return {
        "id": shopify_id(node["id"]),
        "email": customer_email(node)[:255],
        "phone": customer_phone(node)[:50],
        "first_name": _text(node.get("firstName"), 100),
        "last_name": _text(node.get("lastName"), 100),
        "company": _text(address.get("company"), 255),
        "address1": _text(address.get("address1"), 255),
        "address2": _text(address.get("address2"), 255),
        "city": _text(address.get("city"), 100),
        "zip": _text(address.get("zip"), 20),
        "province_code": _text(address.get("provinceCode"), 30),
        "country_code": _text(address.get("countryCodeV2"), 10),
        "shopify_updated_at": when(node.get("updatedAt")),
    }


@dataclass
class CustomerLinks:
    """The mirror rows of one shop, in memory for one run; writes go straight to the table."""

    engine: Engine
    shop: str
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, engine: Engine, shop: str) -> CustomerLinks:
        """Read the shop's mirror once."""
        links = cls(engine, shop)
        with engine.connect() as conn:
            for r in conn.execute(select(SC).where(SC.c.shop_code == shop)).mappings():
                links.rows[r["id"]] = dict(r)
        return links

    def by_erp_no(self) -> dict[str, dict[str, Any]]:
        """Linked rows by ERP customer no."""
        return {r["erp_customer_no"]: r for r in self.rows.values() if r.get("erp_customer_no")}

    def save(self, values: dict[str, Any]) -> bool:
        """Insert or update one row (only the columns given); False when nothing in it changed."""
        old = self.rows.get(values["id"])
        if old is not None and all(old.get(k) == v for k, v in values.items()):
            return False
        now = utcnow()
        with self.engine.begin() as conn:
            if old is None:
                conn.execute(insert(SC).values(shop_code=self.shop, updated_at=now, **values))
            else:
                key = and_(SC.c.shop_code == self.shop, SC.c.id == values["id"])
                conn.execute(update(SC).where(key).values(updated_at=now, **values))
        self.rows[values["id"]] = {**(old or {}), **values, "updated_at": now}
        return True


def error_values(shopify_customer_id: int, message: str | None) -> dict[str, Any]:
    """Columns marking (or clearing, with None) an error on one mirror row."""
    return {"id": shopify_customer_id, "has_error": message is not None, "error_message": message}


__all__ = [
    "SHARED_FIELDS",
    "CustomerLinks",
    "content_hash",
    "erp_fields_from_shopify",
    "error_values",
    "mirror_values",
    "shared_from_erp",
    "shared_from_shopify",
    "shopify_input",
]
