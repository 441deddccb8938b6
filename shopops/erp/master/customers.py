"""Customers (BC's Customer card), and the look-ups an order's mapping needs (by e-mail, by phone).

erp.customers.add("C0001", name="Ada Lovelace", email="ada@example.com", country_code="GB")
erp.customers.find_by_email("ADA@example.com")      # case-insensitive, as BC's mapping
erp.customers.find_by_phone("+44 020 7946 0000")    # digits only, leading zeros removed
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from shopops.erp import validation as v
from shopops.erp._base import MasterTable, record
from shopops.store import tables as t

C = t.erp_customer

ADDRESS_FIELDS = {"name": 100, "address": 100, "address_2": 50, "city": 30, "post_code": 20, "county": 30}


@dataclass(frozen=True)
class Customer:
    """One customer."""

    no: str
    name: str
    address: str
    address_2: str
    city: str
    post_code: str
    county: str
    country_code: str
    email: str
    phone: str
    phone_digits: str
    currency_code: str
    customer_price_group: str
    tax_area_code: str
    blocked: bool
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    def __repr__(self) -> str:
        state = ", blocked" if self.blocked else ""
        return f"Customer {self.no} {self.name!r} <{self.email}>{state}"


def clean_customer(key: Any, **fields: Any) -> dict[str, Any]:
    """Checked column values of a customer; FieldError names the first bad field."""
    unknown = set(fields) - {c.name for c in C.c} - {"_allow_float"}
    if unknown:
        raise v.FieldError(sorted(unknown)[0], f"is not a customer field (fields: {', '.join(c.name for c in C.c)})")
    values: dict[str, Any] = {"no": v.code(key, "no", 20)}
    for name, size in ADDRESS_FIELDS.items():
        values[name] = v.text(fields.get(name), name, size, required=name == "name")
    phone = v.text(fields.get("phone"), "phone", 30)
    values.update(
        country_code=v.code(fields.get("country_code"), "country_code", 10, required=False),
        email=v.email(fields.get("email")),
        phone=phone,
        phone_digits=v.phone_digits(phone),
        currency_code=v.code(fields.get("currency_code"), "currency_code", 10, required=False),
        customer_price_group=v.code(fields.get("customer_price_group"), "customer_price_group", 20, required=False),
        tax_area_code=v.code(fields.get("tax_area_code"), "tax_area_code", 20, required=False),
        blocked=v.boolean(fields.get("blocked"), "blocked"),
    )
    return values


class Customers(MasterTable[Customer]):
    """The customer list: ``add``, ``update``, ``upsert``, ``get``/``[no]``, ``frame()``, mapping look-ups."""

    table = C
    record_type = Customer
    label = "customer"
    clean = staticmethod(clean_customer)

    def find_by_email(self, email: str) -> Customer | None:
        """The first customer (by no.) whose e-mail matches case-insensitively, or None."""
        wanted = email.strip().lower()
        if not wanted:
            return None
        query = select(C).where(func.lower(C.c.email) == wanted).order_by(C.c.no)
        with self._engine.connect() as c:
            row = c.execute(query).mappings().first()
        return record(Customer, row) if row else None

    def find_by_phone(self, phone: str) -> Customer | None:
        """The first customer (by no.) whose phone has the same digits (leading zeros ignored), or None."""
        digits = v.phone_digits(phone)
        if not digits:
            return None
        query = select(C).where(C.c.phone_digits == digits).order_by(C.c.no)
        with self._engine.connect() as c:
            row = c.execute(query).mappings().first()
        return record(Customer, row) if row else None
