"""Customers and their addresses: queries, ``customerCreate``, ``customerUpdate``.

Emails are unique per shop (case-insensitive) and phones too, as on Shopify; customers may have
neither.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.resolvers.common import (
    ResolverMap,
    check_input_list,
    connect,
    field_sort,
    lookup,
    money_v2,
    state_of,
    time_sort,
    user_error,
)
from shopops.sandbox.state.addresses import formatted, mailing_address, same_place
from shopops.sandbox.state.store import Record, ShopState

CUSTOMER_SORTS = {
    "ID": None,
    "UPDATED_AT": time_sort("updatedAt"),
    "CREATED_AT": time_sort("createdAt"),
    "NAME": field_sort("displayName"),
    "LOCATION": None,
    "RELEVANCE": None,
}
CUSTOMER_SEARCH = Matcher(
    {
        "email": ("string", lambda r: r.get("email")),
        "phone": ("string", lambda r: r.get("phone")),
        "first_name": ("string", lambda r: r.get("firstName")),
        "last_name": ("string", lambda r: r.get("lastName")),
        "id": ("number", lambda r: r["id"]),
        "updated_at": ("time", lambda r: r.get("updatedAt")),
        "created_at": ("time", lambda r: r.get("createdAt")),
        "tag": ("string", lambda r: r.get("tags")),
        "state": ("string", lambda r: (r.get("state") or "").lower()),
        "country": ("string", lambda r: [a.get("countryCodeV2") for a in r.get("addresses") or []]),
    },
    default=lambda r: f"{r.get('displayName')} {r.get('email') or ''}",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _display_name(customer: Record) -> str:
    name = " ".join(x for x in (customer.get("firstName"), customer.get("lastName")) if x)
    return name or customer.get("email") or customer.get("phone") or ""


def _validate(state: ShopState, data: dict[str, Any], own: str | None) -> list[dict[str, Any]]:
    errors = []
    email, phone = data.get("email"), data.get("phone")
    if email and not _EMAIL.match(email):
        errors.append(user_error("Email is invalid", ["email"]))
    if phone and not re.fullmatch(r"\+?[0-9 ()-]{6,20}", phone):
        errors.append(user_error("Phone is invalid", ["phone"]))
    for other in state.table("Customer").values():
        if other["id"] == own:
            continue
        if email and (other.get("email") or "").lower() == email.lower():
            errors.append(user_error("Email has already been taken", ["email"]))
        if phone and other.get("phone") == phone:
            errors.append(user_error("Phone has already been taken", ["phone"]))
    if own is None and not (email or phone or data.get("firstName") or data.get("lastName")):
        errors.append(user_error("Customer must have a name, phone number or email address", ["email"]))
    return errors


def apply_input(state: ShopState, customer: Record, data: dict[str, Any]) -> None:
    """Copy CustomerInput fields onto a customer record."""
    for key in ("email", "phone", "firstName", "lastName", "note", "taxExempt", "locale"):
        if key in data:
            customer[key] = data[key]
    if "tags" in data and data["tags"] is not None:
        customer["tags"] = list(data["tags"])
    if data.get("addresses") is not None:
        customer["addresses"] = [mailing_address(state, a) for a in data["addresses"]]
        customer["defaultAddress"] = customer["addresses"][0] if customer["addresses"] else None
    customer["displayName"] = _display_name(customer)


def new_customer(state: ShopState, data: dict[str, Any], stamp: str | None = None) -> Record:
    """Insert a customer from CustomerInput-like data (no validation)."""
    customer = state.insert(
        "Customer",
        {
            "email": None,
            "phone": None,
            "firstName": None,
            "lastName": None,
            "tags": [],
            "addresses": [],
            "defaultAddress": None,
            "state": "ENABLED",
            "verifiedEmail": True,
            "taxExempt": False,
            "locale": "en",
            "_orderIds": [],
        },
        stamp,
    )
    apply_input(state, customer, data)
    return customer


def find_or_create(state: ShopState, data: dict[str, Any]) -> Record:
    """The customer with this email/phone, or a new one (``orderCreate``'s toUpsert)."""
    email = (data.get("email") or "").lower()
    for c in state.table("Customer").values():
        if email and (c.get("email") or "").lower() == email:
            return c
    return new_customer(state, data)


def adopt_order_address(state: ShopState, customer: Record, address: Record) -> None:
    """``orderCreate`` with a customer: the order's shipping (else billing) address becomes the
    customer's default address, and a customer without a name takes the address's names."""
    known = next((a for a in customer["addresses"] if same_place(a, address)), None)
    if known is None:
        known = dict(address, id=state.next_id("MailingAddress")[1])
        customer["addresses"].append(known)
    customer["defaultAddress"] = known
    if not customer.get("firstName") and not customer.get("lastName"):
        customer["firstName"], customer["lastName"] = address.get("firstName"), address.get("lastName")
        customer["displayName"] = _display_name(customer)
    state.touch(customer)


def _customers(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connect(info, state_of(info).table("Customer").values(), args, CUSTOMER_SORTS, CUSTOMER_SEARCH)


def _create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    data = args["input"]
    check_input_list(data.get("addresses"), "addresses")
    with state.lock:
        errors = _validate(state, data, None)
        if errors:
            return {"customer": None, "userErrors": errors}
        return {"customer": new_customer(state, data), "userErrors": []}


def _update(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    data = args["input"]
    with state.lock:
        customer = state.get(data.get("id"), "Customer")
        if customer is None:
            return {"customer": None, "userErrors": [user_error("Customer does not exist", ["id"])]}
        errors = _validate(state, data, customer["id"])
        if errors:
            return {"customer": None, "userErrors": errors}
        apply_input(state, customer, data)
        state.touch(customer)
        return {"customer": customer, "userErrors": []}


def _orders_of(source: Record, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = [o for o in state_of(info).table("Order").values() if o.get("customerId") == source["id"]]
    return connect(info, rows, args)


def _amount_spent(source: Record, info: GraphQLResolveInfo, **_args: Any) -> dict[str, str]:
    state = state_of(info)
    total = sum(
        (
            Decimal(o["totalPriceSet"]["shopMoney"]["amount"])
            for o in state.table("Order").values()
            if o.get("customerId") == source["id"]
        ),
        Decimal(0),
    )
    return money_v2(total, state.info.currency)


def _addresses(source: Record, _info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = source.get("addresses") or []
    return rows[: args["first"]] if args.get("first") else rows


def _formatted(source: Record, _info: GraphQLResolveInfo, **args: Any) -> list[str]:
    return formatted(source, bool(args.get("withName")), args.get("withCompany", True) is not False)


RESOLVERS: ResolverMap = {
    "QueryRoot": {"customers": _customers, "customer": lookup("Customer")},
    "Mutation": {"customerCreate": _create, "customerUpdate": _update},
    "Customer": {
        "orders": _orders_of,
        "amountSpent": _amount_spent,
        "addresses": _addresses,
        "addressesV2": lambda s, i, **a: connect(i, s.get("addresses") or [], a),
        "defaultEmailAddress": lambda s, _i, **_a: (
            {"emailAddress": s["email"], "marketingState": "NOT_SUBSCRIBED"} if s.get("email") else None
        ),
        "defaultPhoneNumber": lambda s, _i, **_a: (
            {"phoneNumber": s["phone"], "marketingState": "NOT_SUBSCRIBED"} if s.get("phone") else None
        ),
        "numberOfOrders": lambda s, i, **_a: str(
            sum(1 for o in state_of(i).table("Order").values() if o.get("customerId") == s["id"])
        ),
    },
    "MailingAddress": {"formatted": _formatted},
}
