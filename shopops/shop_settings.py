"""The shop card: every setting that changes how the reports sync one shop.

The names follow Business Central's Shopify Shop card (see the reference); values are checked on every
change, and a bad one raises ConfigError naming the field and what it accepts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any

from shopops.errors import ConfigError

_CHOICES = "choices"


def _choice(default: str, *choices: str, doc: str = "") -> Any:
    return field(default=default, metadata={_CHOICES: (default, *choices), "doc": doc})


def _flag(default: bool, doc: str = "") -> Any:
    return field(default=default, metadata={"doc": doc})


def _value(default: Any, doc: str = "") -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class ShopSettings:
    """One shop's card. Immutable: ``settings.replace(x=...)`` checks and returns a new card."""

    # connection / general
    enabled: bool = _flag(True, "Every API call checks it; off stops all syncs of the shop.")
    allow_background_sync: bool = _flag(True, "Manual syncs go into the job queue instead of running now.")
    allow_outgoing_requests: bool = _flag(True, "Off refuses every mutation (a copied rehearsal shop).")
    logging_mode: str = _choice("error_only", "all", "disabled", doc="Which API requests are logged.")
    category: str = _value("SHOPIFY", "Job queue category of the shop's background syncs.")
    # items / products
    sync_item: str = _choice("", "to_shopify", "from_shopify", doc="Direction of sync-products.")
    can_update_shopify_products: bool = _flag(False, "The ERP may change products in Shopify.")
    shopify_can_update_items: bool = _flag(False, "Shopify may change items in the ERP.")
    auto_create_unknown_items: bool = _flag(False, "Create items for unknown products on import.")
    item_template: str = _value("", "Item template for created items.")
    sku_mapping: str = _choice(
        "item_no",
        "variant_code",
        "item_no_variant_code",
        "vendor_item_no",
        "barcode",
        "",
        doc="How a variant's SKU maps to an item.",
    )
    sku_separator: str = _value("|", "Splits item no. and variant code in an item_no_variant_code SKU.")
    variant_prefix: str = _value("V_", "Prefix of generated variant codes.")
    find_mapping_by_barcode: bool = _flag(True, "Fall back to the barcode when the SKU does not match.")
    sync_item_images: str = _choice("disabled", "to_shopify", "from_shopify", doc="Direction of sync-images.")
    status_for_created_products: str = _choice("active", "draft", "unlisted")
    action_for_removed_products: str = _choice("", "archive", "draft", doc="For blocked items.")
    inventory_tracked: bool = _flag(True)
    default_inventory_policy: str = _choice("continue", "deny")
    sync_prices: bool = _flag(True, "A product sync also sends prices.")
    customer_price_group: str = _value("", "Price list group used for Shopify prices.")
    prices_including_tax: bool = _flag(
        False, "Shopify prices include tax: a net price is turned into a gross one with the ERP's tax rate."
    )
    tax_business_group: str = _value(
        "", "Tax business group (BC's VAT Bus. Posting Group) whose rates turn net prices into gross ones and back."
    )
    currency_code: str = _value("", "Shop currency; blank is the ERP's local currency.")
    price_change_limit_pct: int = _value(50, "A push changing a price by more than this refuses unless forced.")
    zero_stock_limit: int = _value(100, "A push taking more variants than this to zero refuses unless forced.")
    # customers
    customer_import: str = _choice("with_order_import", "none", "all")
    customer_mapping: str = _choice("by_email_phone", "by_bill_to", "default_customer")
    auto_create_unknown_customers: bool = _flag(False)
    customer_template: str = _value("", "Customer template for created customers.")
    default_customer_no: str = _value("", "Sell-to customer when none can be mapped.")
    country_customers: str = _value(
        "", "Per ship-to country, the customer every order takes (BC's Customer Template row), e.g. 'DK=C-DK,SE=C-SE'."
    )
    country_customer_templates: str = _value(
        "", "Per country, the template customer copied for created customers, e.g. 'DK=TPL-DK'; else customer_template."
    )
    shopify_can_update_customer: bool = _flag(False)
    can_update_shopify_customer: bool = _flag(False)
    # orders
    auto_create_orders: bool = _flag(False, "sync-orders creates sales documents right away.")
    create_invoices_from_orders: bool = _flag(True, "A fulfilled order becomes an invoice.")
    auto_release_sales_orders: bool = _flag(True)
    use_shopify_order_no: bool = _flag(False, "Document no. = the Shopify order name.")
    archive_processed_orders: bool = _flag(True)
    currency_handling: str = _choice("shop", "presentment")
    shipping_charges_account: str = _value("", "G/L account for shipping lines.")
    tip_account: str = _value("", "G/L account for tips.")
    sold_gift_card_account: str = _value("", "G/L account for sold gift cards.")
    cash_roundings_account: str = _value("", "G/L account for cash roundings.")
    order_location_code: str = _value("", "ERP location of the item lines of created sales documents (blank: none).")
    send_shipping_confirmation: bool = _flag(True, "notifyCustomer on fulfillmentCreate.")
    # returns and refunds
    return_refund_process: str = _choice("", "import_only", "auto_create")
    process_returns_as: str = _choice("credit_memo", "return_order")
    return_location: str = _value("", "Location of restocked credit-memo lines.")
    refund_account: str = _value("", "G/L account for the refund remainder.")
    refund_account_non_restock: str = _value("", "G/L account for lines not restocked.")

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f, getattr(self, f.name))
        _exclusive(self, "can_update_shopify_products", "shopify_can_update_items")
        _exclusive(self, "shopify_can_update_customer", "can_update_shopify_customer")
        for name in ("country_customers", "country_customer_templates"):
            country_map(getattr(self, name), name)
        _code(self, "tax_business_group", 20)
        if self.return_refund_process == "auto_create" and not self.auto_create_orders:
            raise ConfigError(
                "return_refund_process",
                "'auto_create' needs auto_create_orders on; turn that on first or choose 'import_only'",
            )

    def replace(self, **changes: Any) -> ShopSettings:
        """A copy with ``changes`` applied and checked."""
        _known(changes)
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ShopSettings:
        """A card from stored values; settings added since they were stored take their defaults."""
        _known(values)
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """Every setting by name."""
        return dataclasses.asdict(self)

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """Name, type, default, choices and help text of every setting, for forms and docs."""
        out = []
        for f in fields(cls):
            out.append(
                {
                    "name": f.name,
                    "type": _type_of(f).__name__,
                    "default": f.default,
                    "choices": f.metadata.get(_CHOICES),
                    "doc": f.metadata.get("doc", ""),
                }
            )
        return out


def country_map(text: str, name: str = "country map") -> dict[str, str]:
    """``"DK=C-DK, SE=C-SE"`` as {"DK": "C-DK", "SE": "C-SE"}; ConfigError names a malformed pair."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        country, sep, code = (x.strip() for x in part.partition("="))
        if not sep or len(country) != 2 or not country.isalpha() or not code:
            raise ConfigError(name, f"{part!r} is not COUNTRY=CODE (a two-letter ISO country, e.g. 'DK=C-DK')")
        out[country.upper()] = code.upper()
    return out


def _type_of(f: dataclasses.Field[Any]) -> type:
    return {"bool": bool, "int": int, "str": str}[str(f.type)]


def _check(f: dataclasses.Field[Any], value: Any) -> None:
    expected = _type_of(f)
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f.name, f"expected a whole number, got {value!r}")
    if not isinstance(value, expected):
        raise ConfigError(f.name, f"expected {expected.__name__}, got {type(value).__name__} {value!r}")
    choices = f.metadata.get(_CHOICES)
    if choices is not None and value not in choices:
        shown = ", ".join(repr(c) for c in choices)
        raise ConfigError(f.name, f"{value!r} is not one of {shown}")
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise ConfigError(f.name, f"must be 0 or more, got {value}")


def _code(settings: ShopSettings, name: str, max_len: int) -> None:
    value = getattr(settings, name)
    if len(value.strip()) > max_len:
        raise ConfigError(name, f"is {len(value.strip())} characters long; a code has at most {max_len}")
    if any(ch.isspace() for ch in value.strip()):
        raise ConfigError(name, f"{value!r} is a code and must not contain spaces")


def _exclusive(settings: ShopSettings, a: str, b: str) -> None:
    if getattr(settings, a) and getattr(settings, b):
        raise ConfigError(a, f"cannot be on together with {b}; turn one of them off")


def _known(values: dict[str, Any]) -> None:
    names = {f.name for f in fields(ShopSettings)}
    for key in values:
        if key not in names:
            raise ConfigError(key, "is not a shop setting; see ShopSettings.describe() for the list")
