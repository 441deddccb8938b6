"""Mailing addresses as Shopify answers them, built from whatever input shape a mutation takes.

``MailingAddressInput`` (orders, customers) gives ``countryCode`` and ``provinceCode``; the older and
the order-customer inputs (``OrderCreateCustomerAddressInput``) give ``country`` and ``province`` as
names. Shopify answers both: ``countryCodeV2`` and ``country`` (the name), ``provinceCode`` and
``province``, plus ``name``. :func:`mailing_address` turns any of those inputs into one stored
``MailingAddress`` record so that every field given comes back through the query fields.

Country names are Shopify's own: the descriptions of the ``CountryCode`` enum values in the served
schema (``"United States."``), which ``scripts/prune_schema.py`` keeps. Province names are known for
the countries whose provinces Shopify names here (US, CA, AU); elsewhere the given name, or the code,
is answered.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from graphql import EnumTypeDefinitionNode, parse

from shopops.sandbox.state.store import Record, ShopState

#: Fields copied as given from any address input.
PLAIN_FIELDS = ("address1", "address2", "city", "company", "firstName", "lastName", "phone", "zip")

PROVINCES: dict[str, dict[str, str]] = {
    "US": {
        "AL": "Alabama",
        "AK": "Alaska",
        "AS": "American Samoa",
        "AZ": "Arizona",
        "AR": "Arkansas",
        "CA": "California",
        "CO": "Colorado",
        "CT": "Connecticut",
        "DE": "Delaware",
        "DC": "District of Columbia",
        "FL": "Florida",
        "GA": "Georgia",
        "GU": "Guam",
        "HI": "Hawaii",
        "ID": "Idaho",
        "IL": "Illinois",
        "IN": "Indiana",
        "IA": "Iowa",
        "KS": "Kansas",
        "KY": "Kentucky",
        "LA": "Louisiana",
        "ME": "Maine",
        "MD": "Maryland",
        "MA": "Massachusetts",
        "MI": "Michigan",
        "MN": "Minnesota",
        "MS": "Mississippi",
        "MO": "Missouri",
        "MT": "Montana",
        "NE": "Nebraska",
        "NV": "Nevada",
        "NH": "New Hampshire",
        "NJ": "New Jersey",
        "NM": "New Mexico",
        "NY": "New York",
        "NC": "North Carolina",
        "ND": "North Dakota",
        "MP": "Northern Mariana Islands",
        "OH": "Ohio",
        "OK": "Oklahoma",
        "OR": "Oregon",
        "PA": "Pennsylvania",
        "PR": "Puerto Rico",
        "RI": "Rhode Island",
        "SC": "South Carolina",
        "SD": "South Dakota",
        "TN": "Tennessee",
        "TX": "Texas",
        "UT": "Utah",
        "VT": "Vermont",
        "VI": "U.S. Virgin Islands",
        "VA": "Virginia",
        "WA": "Washington",
        "WV": "West Virginia",
        "WI": "Wisconsin",
        "WY": "Wyoming",
        "AA": "Armed Forces Americas",
        "AE": "Armed Forces Europe",
        "AP": "Armed Forces Pacific",
    },
    "CA": {
        "AB": "Alberta",
        "BC": "British Columbia",
        "MB": "Manitoba",
        "NB": "New Brunswick",
        "NL": "Newfoundland and Labrador",
        "NT": "Northwest Territories",
        "NS": "Nova Scotia",
        "NU": "Nunavut",
        "ON": "Ontario",
        "PE": "Prince Edward Island",
        "QC": "Quebec",
        "SK": "Saskatchewan",
        "YT": "Yukon",
    },
    "AU": {
        "ACT": "Australian Capital Territory",
        "NSW": "New South Wales",
        "NT": "Northern Territory",
        "QLD": "Queensland",
        "SA": "South Australia",
        "TAS": "Tasmania",
        "VIC": "Victoria",
        "WA": "Western Australia",
    },
}


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Country code -> Shopify's name of the country, read from the served schema's ``CountryCode``."""
    text = resources.files("shopops.sandbox").joinpath("schema.graphql").read_text(encoding="utf-8")
    for node in parse(text, no_location=True).definitions:
        if isinstance(node, EnumTypeDefinitionNode) and node.name.value == "CountryCode":
            return {
                v.name.value: v.description.value.rstrip(".") if v.description else v.name.value
                for v in node.values or ()
            }
    return {}


@functools.lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    return {name.lower(): code for code, name in country_names().items()}


def country_code(value: str | None) -> str | None:
    """The two-letter code for a country given by code or by (Shopify's) name; None when unknown."""
    if not value:
        return None
    if value.upper() in country_names():
        return value.upper()
    return _codes_by_name().get(value.strip().lower())


def _province(country: str | None, code: str | None, name: str | None) -> tuple[str | None, str | None]:
    """(provinceCode, province) from a code and/or a name, for the country's known provinces."""
    known = PROVINCES.get(country or "", {})
    if code:
        return code, known.get(code.upper(), name or code)
    if name:
        by_name = {v.lower(): k for k, v in known.items()}
        found = by_name.get(name.strip().lower()) or (name.upper() if name.upper() in known else None)
        return found, known[found] if found else name
    return None, None


def mailing_address(state: ShopState, data: dict[str, Any]) -> Record:
    """A stored ``MailingAddress`` (with a fresh id) from any address input: every given field kept,
    the country answered as code and name, the province as code and name, ``name`` from the names."""
    _num, aid = state.next_id("MailingAddress")
    code = country_code(data.get("countryCode") or data.get("countryCodeV2")) or country_code(data.get("country"))
    province_code, province = _province(code, data.get("provinceCode"), data.get("province"))
    address: Record = {k: data.get(k) for k in PLAIN_FIELDS}
    address.update(
        {
            "id": aid,
            "countryCodeV2": code,
            "countryCode": code,
            "country": country_names().get(code, data.get("country")) if code else data.get("country"),
            "provinceCode": province_code,
            "province": province,
            "name": " ".join(x for x in (data.get("firstName"), data.get("lastName")) if x) or None,
            "coordinatesValidated": False,
        }
    )
    address["formattedArea"] = ", ".join(x for x in (address["city"], province, address["country"]) if x) or None
    return address


def formatted(address: Record, with_name: bool = False, with_company: bool = True) -> list[str]:
    """``MailingAddress.formatted``: the lines of an address as printed on a label."""
    place = " ".join(x for x in (address.get("city"), address.get("provinceCode"), address.get("zip")) if x)
    lines = [
        address.get("name") if with_name else None,
        address.get("company") if with_company else None,
        address.get("address1"),
        address.get("address2"),
        place,
        address.get("country"),
    ]
    return [line for line in lines if line]


def same_place(a: Record | None, b: Record | None) -> bool:
    """True when two addresses name the same recipient at the same place (ids aside)."""
    if not a or not b:
        return False
    keys = (*PLAIN_FIELDS, "countryCodeV2", "provinceCode")
    return all((a.get(k) or None) == (b.get(k) or None) for k in keys)
