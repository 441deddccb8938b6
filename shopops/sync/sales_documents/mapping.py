"""Mapping a Shopify order to the ERP: which customer buys, and which item (and variant) each line is.

BC's ``ShpfyOrderMapping.DoMapping``, as pure rules over a small look-up interface, so that every rule is
unit-testable without a database (:class:`ErpLookups` answers from the ERP)::

    lookups = ErpLookups(ws.erp)
    choice = map_customer(order_header, shop.settings, lookups)   # CustomerChoice(no=..., create=...)
    match = map_item("1000|RED", shop.settings, lookups)           # ItemMatch("1000", "RED")

Customers, in BC's order:

1. ``country_customers`` names a customer for the ship-to (else bill-to) country: that one, whatever else.
2. ``customer_import = "none"`` or ``customer_mapping = "default_customer"``: the default customer.
3. ``by_email_phone``: the first customer whose e-mail matches (case-insensitive), else whose phone digits
   match; ``by_bill_to``: the customer with the bill-to name and address. Nothing found and
   ``auto_create_unknown_customers`` on (and import not "none"): a new customer from the template (the
   country's in ``country_customer_templates``, else ``customer_template``; a template is an ERP customer
   whose currency, price group and tax area are copied).
4. Still nothing: ``default_customer_no``; blank -> :class:`MappingError` naming the settings.

Items by the shop's ``sku_mapping`` (item no., variant code, item no. + variant code split by
``sku_separator``, vendor item no., barcode); when that finds nothing and ``find_mapping_by_barcode`` is
on, the SKU (and the variant's barcode, when known) is looked up as a barcode.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, select

from shopops.erp import Erp
from shopops.shop_settings import ShopSettings, country_map
from shopops.store import tables as t

#: ERP address field -> (Shopify address key, length)
ADDRESS_FIELDS = {
    "address": ("address1", 100),
    "address_2": ("address2", 50),
    "city": ("city", 30),
    "post_code": ("zip", 20),
    "county": ("provinceCode", 30),
    "country_code": ("countryCodeV2", 10),
}


class MappingError(Exception):
    """Why an order cannot become a sales document: which line, which SKU, which setting."""


@dataclass(frozen=True)
class ItemMatch:
    """The ERP item (and variant) a Shopify line maps to, and how it was found."""

    item_no: str
    variant_code: str = ""
    how: str = "sku"


@dataclass(frozen=True)
class CustomerChoice:
    """The sell-to customer: an existing ``no``, or ``create`` (the new customer's fields) when it is new."""

    no: str | None
    how: str
    create: dict[str, Any] | None = field(default=None)


class Lookups(Protocol):
    """What the mapping asks the ERP. Codes are given as Shopify has them; answers are ERP codes."""

    def item_exists(self, no: str) -> bool: ...
    def variant_exists(self, item_no: str, code: str) -> bool: ...
    def items_with_variant(self, code: str) -> list[str]: ...
    def item_by_vendor_item_no(self, vendor_item_no: str) -> str | None: ...
    def item_by_barcode(self, barcode: str) -> tuple[str, str] | None: ...
    def customer_exists(self, no: str) -> bool: ...
    def customer_by_email(self, email: str) -> str | None: ...
    def customer_by_phone(self, phone: str) -> str | None: ...
    def customer_by_address(self, name: str, address: Mapping[str, str]) -> str | None: ...
    def customer_defaults(self, template_no: str) -> dict[str, Any] | None: ...


def _code(value: str | None, size: int = 20) -> str:
    return (value or "").strip().upper()[:size]


class ErpLookups:
    """:class:`Lookups` answered by the ERP facade (and two small reads it has no method for).

    One instance serves one report run: item answers (found or not) are remembered for the run, as
    are the customers found, so that a thousand orders of fifty items read each item once. A customer
    that was not found is asked again (the run may create it with an earlier order).
    """

    def __init__(self, erp: Erp) -> None:
        self.erp = erp
        self._items: dict[tuple[str, ...], Any] = {}
        self._customers: dict[tuple[str, ...], Any] = {}

    def _item(self, key: tuple[str, ...], ask: Callable[[], Any]) -> Any:
        if key not in self._items:
            self._items[key] = ask()
        return self._items[key]

    def _customer(self, key: tuple[str, ...], ask: Callable[[], Any]) -> Any:
        found = self._customers.get(key)
        if found is None:
            found = ask()
            if found:
                self._customers[key] = found
        return found

    def item_exists(self, no: str) -> bool:
        return bool(
            self._item(
                ("item", no),
                lambda: bool(_code(no)) and len(no.strip()) <= 20 and self.erp.items.find(no) is not None,
            )
        )

    def variant_exists(self, item_no: str, code: str) -> bool:
        return bool(
            self._item(
                ("variant", item_no, code),
                lambda: len(code.strip()) <= 10 and self.erp.items.variant(item_no, code) is not None,
            )
        )

    def items_with_variant(self, code: str) -> list[str]:
        def ask() -> list[str]:
            iv = t.erp_item_variant
            query = select(iv.c.item_no).where(iv.c.code == _code(code, 10)).order_by(iv.c.item_no)
            with self.erp.engine.connect() as conn:
                return list(conn.execute(query).scalars())

        return list(self._item(("with_variant", code), ask))

    def item_by_vendor_item_no(self, vendor_item_no: str) -> str | None:
        def ask() -> str | None:
            item = self.erp.items.find_by_vendor_item_no(vendor_item_no)
            return item.no if item else None

        found: str | None = self._item(("vendor", vendor_item_no), ask)
        return found

    def item_by_barcode(self, barcode: str) -> tuple[str, str] | None:
        def ask() -> tuple[str, str] | None:
            if len(barcode.strip()) > 50:
                return None
            ref = self.erp.items.find_by_reference(barcode)
            return (ref.item_no, ref.variant_code) if ref else None

        found: tuple[str, str] | None = self._item(("barcode", barcode), ask)
        return found

    def customer_exists(self, no: str) -> bool:
        return bool(self._customer(("no", no), lambda: self.erp.customers.find(no) is not None))

    def customer_by_email(self, email: str) -> str | None:
        def ask() -> str | None:
            found = self.erp.customers.find_by_email(email)
            return found.no if found else None

        no: str | None = self._customer(("email", email.strip().lower()), ask)
        return no

    def customer_by_phone(self, phone: str) -> str | None:
        def ask() -> str | None:
            found = self.erp.customers.find_by_phone(phone)
            return found.no if found else None

        no: str | None = self._customer(("phone", phone), ask)
        return no

    def customer_by_address(self, name: str, address: Mapping[str, str]) -> str | None:
        c = t.erp_customer
        query = select(c.c.no).where(c.c.name == name, *(c.c[k] == v for k, v in address.items() if k != "county"))
        with self.erp.engine.connect() as conn:
            return conn.execute(query.order_by(c.c.no).limit(1)).scalar_one_or_none()

    def customer_defaults(self, template_no: str) -> dict[str, Any] | None:
        found = self.erp.customers.find(template_no)
        if found is None:
            return None
        return {
            "currency_code": found.currency_code,
            "customer_price_group": found.customer_price_group,
            "tax_area_code": found.tax_area_code,
        }


# ------------------------------------------------------------------ items


def variant_links(conn: Connection, shop: str, variant_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """The ERP item and variant each Shopify variant is linked to in the product mirror (BC's Shpfy Variant)."""
    if not variant_ids:
        return {}
    v = t.shopify_variant
    rows = conn.execute(
        select(v.c.id, v.c.item_no, v.c.variant_code).where(
            v.c.shop_code == shop, v.c.id.in_(list(variant_ids)), v.c.item_no.is_not(None)
        )
    )
    return {int(row.id): (str(row.item_no), str(row.variant_code or "")) for row in rows}


def map_line_item(
    line: Mapping[str, Any], settings: ShopSettings, lookups: Lookups, links: Mapping[int, tuple[str, str]]
) -> ItemMatch:
    """An order line's item: through its variant's link in the product mirror first, as BC does, then by
    the SKU strategy and barcode (``map_item``) for lines whose variant is not synced."""
    variant_id = line.get("variant_id")
    if variant_id is not None and int(variant_id) in links:
        item_no, variant_code = links[int(variant_id)]
        if lookups.item_exists(item_no) and (not variant_code or lookups.variant_exists(item_no, variant_code)):
            return ItemMatch(item_no, variant_code, "variant")
    return map_item(line.get("sku"), settings, lookups)


def map_item(sku: str | None, settings: ShopSettings, lookups: Lookups, *, barcode: str | None = None) -> ItemMatch:
    """The item (and variant) of a line with ``sku``; MappingError says what was tried and which setting."""
    sku = (sku or "").strip()
    strategy = settings.sku_mapping
    match = _by_sku(sku, settings, lookups) if sku else None
    if match is not None:
        return match
    tried = [f"sku_mapping={strategy or 'blank'}"]
    if settings.find_mapping_by_barcode:
        for code in dict.fromkeys(c for c in (barcode, sku) if c):
            found = lookups.item_by_barcode(code)
            if found is not None:
                return ItemMatch(found[0], found[1], "barcode")
        tried.append("barcode")
    else:
        tried.append("find_mapping_by_barcode off")
    what = f"SKU {sku!r}" if sku else "no SKU"
    return _fail(f"{what} matches no item ({', '.join(tried)})")


def _fail(message: str) -> ItemMatch:
    raise MappingError(message)


def _by_sku(sku: str, settings: ShopSettings, lookups: Lookups) -> ItemMatch | None:
    strategy = settings.sku_mapping
    if strategy == "item_no":
        return ItemMatch(_code(sku), "", "item_no") if lookups.item_exists(sku) else None
    if strategy == "variant_code":
        items = lookups.items_with_variant(sku) if len(sku) <= 10 else []
        if len(items) > 1:
            raise MappingError(f"SKU {sku!r} is variant code {_code(sku)} of several items ({', '.join(items)})")
        return ItemMatch(items[0], _code(sku, 10), "variant_code") if items else None
    if strategy == "item_no_variant_code":
        parts = sku.split(settings.sku_separator) if settings.sku_separator else [sku]
        item_no, variant = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        if not lookups.item_exists(item_no):
            return None
        if variant and not lookups.variant_exists(item_no, variant):
            raise MappingError(f"SKU {sku!r}: item {_code(item_no)} has no variant {_code(variant, 10)}")
        return ItemMatch(_code(item_no), _code(variant, 10), "item_no_variant_code")
    if strategy == "vendor_item_no":
        no = lookups.item_by_vendor_item_no(sku)
        return ItemMatch(no, "", "vendor_item_no") if no else None
    if strategy == "barcode":
        found = lookups.item_by_barcode(sku)
        return ItemMatch(found[0], found[1], "barcode") if found else None
    return None


# ------------------------------------------------------------------ customers


def address_name(address: Mapping[str, Any] | None) -> str:
    """The name on an address: the company, else first + last name."""
    if not address:
        return ""
    if address.get("company"):
        return str(address["company"]).strip()
    full = " ".join(str(address[k]).strip() for k in ("firstName", "lastName") if address.get(k))
    return full or str(address.get("name") or "").strip()


def erp_address(address: Mapping[str, Any] | None) -> dict[str, str]:
    """A Shopify address as ERP address fields (truncated to the ERP's lengths, as BC does)."""
    address = address or {}
    out = {k: str(address.get(src) or "").strip()[:size] for k, (src, size) in ADDRESS_FIELDS.items()}
    out["country_code"] = out["country_code"].upper()
    return out


def map_customer(order: Mapping[str, Any], settings: ShopSettings, lookups: Lookups) -> CustomerChoice:
    """The sell-to customer of an order (see the module docstring for the rules)."""
    country = (order.get("ship_to_country") or order.get("bill_to_country") or "").upper()
    by_country = country_map(settings.country_customers, "country_customers")
    if country and country in by_country:
        return _existing(by_country[country], f"country_customers ({country})", lookups)
    default = settings.default_customer_no
    if settings.customer_import == "none" or settings.customer_mapping == "default_customer":
        setting = "customer_import=none" if settings.customer_import == "none" else "customer_mapping=default_customer"
        if not default:
            raise MappingError(f"{setting} takes the default customer, but default_customer_no is blank")
        return _existing(default, "default_customer_no", lookups)
    found, tried = _find(order, settings, lookups)
    if found:
        return CustomerChoice(found, settings.customer_mapping)
    if settings.auto_create_unknown_customers:
        return CustomerChoice(None, "created", _new_customer(order, settings, country, lookups))
    if default:
        return _existing(default, "default_customer_no", lookups)
    raise MappingError(
        f"no customer matches {tried} (customer_mapping={settings.customer_mapping}); "
        "auto_create_unknown_customers is off and default_customer_no is blank"
    )


def _existing(no: str, how: str, lookups: Lookups) -> CustomerChoice:
    if not lookups.customer_exists(no):
        raise MappingError(f"{how} names customer {no}, which does not exist in the ERP")
    return CustomerChoice(_code(no), how)


def _find(order: Mapping[str, Any], settings: ShopSettings, lookups: Lookups) -> tuple[str | None, str]:
    if settings.customer_mapping == "by_bill_to":
        bill = order.get("bill_to") or order.get("ship_to")
        name = address_name(bill)
        if not bill or not name:
            return None, "the bill-to address (the order has none)"
        return lookups.customer_by_address(name, erp_address(bill)), f"bill-to {name!r}"
    email = (order.get("email") or order.get("customer_email") or "").strip()
    phone = (order.get("phone") or "").strip()
    found = (lookups.customer_by_email(email) if email else None) or (
        lookups.customer_by_phone(phone) if phone else None
    )
    tried = " / ".join(x for x in (f"e-mail {email!r}" if email else "", f"phone {phone!r}" if phone else "") if x)
    return found, tried or "no e-mail and no phone (the order has neither)"


def _new_customer(order: Mapping[str, Any], settings: ShopSettings, country: str, lookups: Lookups) -> dict[str, Any]:
    templates = country_map(settings.country_customer_templates, "country_customer_templates")
    template = templates.get(country) or settings.customer_template
    defaults: dict[str, Any] = {}
    if template:
        found = lookups.customer_defaults(template)
        if found is None:
            setting = "country_customer_templates" if country in templates else "customer_template"
            raise MappingError(f"{setting} names template customer {template}, which does not exist in the ERP")
        defaults = found
    address = order.get("bill_to") or order.get("ship_to") or {}
    name = address_name(address) or order.get("customer_name") or order.get("email") or "Shopify customer"
    return {
        **defaults,
        "name": str(name)[:100],
        **{k: v for k, v in erp_address(address).items()},
        "email": (order.get("email") or order.get("customer_email") or "")[:80],
        "phone": (order.get("phone") or "")[:30],
    }
