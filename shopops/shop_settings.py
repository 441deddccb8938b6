"""The shop card: every setting that changes how the reports sync one shop.

The names follow Business Central's Shopify Shop card (see the reference); values are checked on every
change, and a bad one raises ConfigError naming the field and what it accepts. Each setting carries, in
its one definition below, the group of the card it sits in, a label for people and its help text; the
shop card widget, ``ShopSettings.describe()`` and the command line all read them from here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any

from shopops.errors import ConfigError

_CHOICES = "choices"

GENERAL = "General"
ORDERS = "Order processing"
PRODUCTS = "Product/price sync"
INVENTORY = "Inventory"
CUSTOMERS = "Customers"
SHIPMENTS = "Shipments/fulfillments"
WEBHOOKS = "Webhooks"
GROUPS: tuple[str, ...] = (GENERAL, ORDERS, PRODUCTS, INVENTORY, CUSTOMERS, SHIPMENTS, WEBHOOKS)
"""The groups of the card, in the order it shows them (BC's Shop card has the same FastTabs)."""


def _meta(group: str, label: str, doc: str, **more: Any) -> dict[str, Any]:
    return {"group": group, "label": label, "doc": doc, **more}


def _choice(group: str, label: str, default: str, *choices: str, doc: str) -> Any:
    return field(default=default, metadata=_meta(group, label, doc, **{_CHOICES: (default, *choices)}))


def _flag(group: str, label: str, default: bool, doc: str) -> Any:
    return field(default=default, metadata=_meta(group, label, doc))


def _value(group: str, label: str, default: Any, doc: str) -> Any:
    return field(default=default, metadata=_meta(group, label, doc))


@dataclass(frozen=True)
class ShopSettings:
    """One shop's card. Immutable: ``settings.replace(x=...)`` checks and returns a new card.

    The fields are in the card's order: by group (``GROUPS``), the most used first in each group.
    """

    # --- General ----------------------------------------------------------------------------------------
    allow_background_sync: bool = _flag(
        GENERAL,
        "Allow background syncs",
        True,
        "Run-now buttons and ws.run() put a sync into the job queue, where a worker runs it, instead of running "
        "it here and now (BC: Run Syncs in Background).",
    )
    enabled: bool = _flag(GENERAL, "Enabled", True, "Off stops every sync of this shop; each run checks it first.")
    allow_outgoing_requests: bool = _flag(
        GENERAL,
        "Allow data sync to Shopify",
        True,
        "Meant to refuse every change sent to Shopify while off (BC: Allow Data Sync to Shopify). shopops does "
        "not check it yet: do not rely on it to protect a shop.",
    )
    logging_mode: str = _choice(
        GENERAL,
        "Logging mode",
        "error_only",
        "all",
        "disabled",
        doc="Which Shopify API requests go into the request log: only failed ones, all, or none.",
    )
    category: str = _value(
        GENERAL,
        "Job queue category",
        "SHOPIFY",
        "Job queue category of this shop's background syncs; two entries of one category never run at once.",
    )
    # --- Order processing -------------------------------------------------------------------------------
    auto_create_orders: bool = _flag(
        ORDERS,
        "Auto create sales documents",
        False,
        "sync-orders creates the sales document of each new order right away, instead of leaving it to "
        "create-sales-documents.",
    )
    create_invoices_from_orders: bool = _flag(
        ORDERS,
        "Create fulfilled orders as invoices",
        True,
        "An order already fulfilled in Shopify becomes a sales invoice; any other a sales order.",
    )
    auto_release_sales_orders: bool = _flag(
        ORDERS, "Auto release sales documents", True, "Created sales documents are released at once, ready to post."
    )
    use_shopify_order_no: bool = _flag(
        ORDERS,
        "Use Shopify order no.",
        False,
        "The sales document's no. is the Shopify order name (#1001) instead of the next no. of the series.",
    )
    archive_processed_orders: bool = _flag(
        ORDERS,
        "Archive processed Shopify orders",
        True,
        "Meant to close an order in Shopify once it is processed, fulfilled and paid (as BC does). shopops does "
        "not close orders yet, whatever this says.",
    )
    currency_handling: str = _choice(
        ORDERS,
        "Currency handling",
        "shop",
        "presentment",
        doc="The amounts of sales documents: in the shop's currency, or in the one the customer paid in.",
    )
    shipping_charges_account: str = _value(
        ORDERS, "Shipping charges account", "", "G/L account of the shipping line of sales documents."
    )
    tip_account: str = _value(
        ORDERS, "Tip account", "", "G/L account of tips; an order with a tip cannot become a document while blank."
    )
    sold_gift_card_account: str = _value(
        ORDERS,
        "Sold gift card account",
        "",
        "G/L account of gift cards sold; an order selling one cannot become a document while blank.",
    )
    cash_roundings_account: str = _value(
        ORDERS, "Cash roundings account", "", "G/L account of the cash rounding of point-of-sale orders."
    )
    order_location_code: str = _value(
        ORDERS,
        "Order location code",
        "",
        "ERP location of the item lines of created sales documents (blank: none).",
    )
    order_read: str = _choice(
        ORDERS,
        "Order read path",
        "auto",
        "batched",
        "bulk",
        "per_order",
        doc="How sync-orders reads orders. Auto: batched pages for a few, a bulk query when the backlog would "
        "cost more of the API budget than a bulk query takes (from the plan's restore rate); per order: one "
        "query an order, as BC reads (the slowest).",
    )
    order_bulk_threshold: int = _value(
        ORDERS,
        "Bulk read from (orders)",
        0,
        "With the auto read path, a backlog of at least this many orders is read with a bulk query; 0 chooses "
        "it from the plan's restore rate.",
    )
    return_refund_process: str = _choice(
        ORDERS,
        "Return and refund process",
        "",
        "import_only",
        "auto_create",
        doc="Blank: refunds are not imported; import only: imported, no document; auto create: a credit memo or "
        "return order is made too (needs Auto create sales documents).",
    )
    process_returns_as: str = _choice(
        ORDERS,
        "Process returns as",
        "credit_memo",
        "return_order",
        doc="The ERP document an imported refund becomes.",
    )
    return_location: str = _value(ORDERS, "Return location", "", "ERP location of the restocked lines of credit memos.")
    refund_account: str = _value(
        ORDERS,
        "Refund account",
        "",
        "G/L account for what a refund pays beyond its item lines (shipping, adjustments).",
    )
    refund_account_non_restock: str = _value(
        ORDERS,
        "Refund account, items not restocked",
        "",
        "G/L account of refunded lines whose items do not go back to stock.",
    )
    # --- Product/price sync -----------------------------------------------------------------------------
    sync_item: str = _choice(
        PRODUCTS,
        "Sync item",
        "",
        "to_shopify",
        "from_shopify",
        doc="Direction of sync-products; blank: products only come in with orders.",
    )
    can_update_shopify_products: bool = _flag(
        PRODUCTS,
        "Can update Shopify products",
        False,
        "The ERP may change title, description, SKU, barcode and variants of products in Shopify. Not together "
        "with Shopify can update items.",
    )
    shopify_can_update_items: bool = _flag(
        PRODUCTS,
        "Shopify can update items",
        False,
        "Shopify may change items in the ERP. Not together with Can update Shopify products.",
    )
    auto_create_unknown_items: bool = _flag(
        PRODUCTS,
        "Auto create unknown items",
        False,
        "Products that match no item become ERP items (and variants) when they are imported.",
    )
    item_template: str = _value(PRODUCTS, "Item template code", "", "Template of the items created that way.")
    sku_mapping: str = _choice(
        PRODUCTS,
        "SKU mapping",
        "item_no",
        "variant_code",
        "item_no_variant_code",
        "vendor_item_no",
        "barcode",
        "",
        doc="What a variant's SKU holds: the item no., the variant code, both, the vendor item no. or the barcode.",
    )
    sku_separator: str = _value(
        PRODUCTS,
        "SKU field separator",
        "|",
        "Splits item no. and variant code in an item no. + variant code SKU.",
    )
    variant_prefix: str = _value(
        PRODUCTS,
        "Variant prefix",
        "V_",
        "Prefix of the variant codes made up when a SKU gives none (V_001, V_002, ...).",
    )
    find_mapping_by_barcode: bool = _flag(
        PRODUCTS, "Find mapping by barcode", True, "When the SKU matches no item, try the variant's barcode."
    )
    sync_item_images: str = _choice(
        PRODUCTS,
        "Sync item images",
        "disabled",
        "to_shopify",
        "from_shopify",
        doc="Direction of sync-images.",
    )
    status_for_created_products: str = _choice(
        PRODUCTS,
        "Status for created products",
        "active",
        "draft",
        "unlisted",
        doc="Status of the products the ERP creates in Shopify.",
    )
    action_for_removed_products: str = _choice(
        PRODUCTS,
        "Action for removed products and blocked items",
        "",
        "archive",
        "draft",
        doc="What happens in Shopify to the product of a blocked item: nothing, archived, or back to draft.",
    )
    sync_prices: bool = _flag(
        PRODUCTS, "Sync prices with products", True, "A product sync also sends price, compare-at price and cost."
    )
    customer_price_group: str = _value(
        PRODUCTS, "Customer price group", "", "Price list group whose prices become the Shopify prices."
    )
    prices_including_tax: bool = _flag(
        PRODUCTS,
        "Prices including tax",
        False,
        "Shopify prices include tax: a net price is turned into a gross one with the ERP's tax rate.",
    )
    tax_business_group: str = _value(
        PRODUCTS,
        "Tax business group",
        "",
        "Tax business group (BC's VAT Bus. Posting Group) whose rates turn net prices into gross ones and back.",
    )
    currency_code: str = _value(PRODUCTS, "Currency code", "", "Shop currency; blank is the ERP's local currency.")
    price_change_limit_pct: int = _value(
        PRODUCTS,
        "Price change limit (%)",
        50,
        "A product sync that would change a price by more than this share stops before sending, unless forced.",
    )
    # --- Inventory --------------------------------------------------------------------------------------
    inventory_tracked: bool = _flag(
        INVENTORY, "Inventory tracked", True, "Shopify tracks the stock of the variants the ERP creates."
    )
    default_inventory_policy: str = _choice(
        INVENTORY,
        "Default inventory policy",
        "continue",
        "deny",
        doc="Continue: Shopify keeps selling a created variant at zero stock; deny: it stops.",
    )
    zero_stock_limit: int = _value(
        INVENTORY,
        "Zero stock limit",
        100,
        "A stock push that would take more variants than this to zero stops before sending, unless forced.",
    )
    # --- Customers --------------------------------------------------------------------------------------
    customer_import: str = _choice(
        CUSTOMERS,
        "Customer import from Shopify",
        "with_order_import",
        "none",
        "all",
        doc="With order import: only the customers of imported orders; all: sync-customers imports every "
        "changed customer; none: orders take the default customer.",
    )
    customer_mapping: str = _choice(
        CUSTOMERS,
        "Customer mapping type",
        "by_email_phone",
        "by_bill_to",
        "default_customer",
        doc="How a Shopify customer finds its ERP customer: by e-mail or phone, by bill-to address, or always "
        "the default customer.",
    )
    auto_create_unknown_customers: bool = _flag(
        CUSTOMERS,
        "Auto create unknown customers",
        False,
        "A Shopify customer that matches none becomes an ERP customer, made from the template.",
    )
    customer_template: str = _value(CUSTOMERS, "Customer template code", "", "Customer template for created customers.")
    default_customer_no: str = _value(
        CUSTOMERS, "Default customer no.", "", "Sell-to customer of an order when none can be mapped."
    )
    country_customers: str = _value(
        CUSTOMERS,
        "Customer per country",
        "",
        "Per ship-to country, the customer every order takes (BC's Customer Template row), e.g. 'DK=C-DK,SE=C-SE'.",
    )
    country_customer_templates: str = _value(
        CUSTOMERS,
        "Customer template per country",
        "",
        "Per country, the template customer copied for created customers, e.g. 'DK=TPL-DK'; else the template.",
    )
    shopify_can_update_customer: bool = _flag(
        CUSTOMERS,
        "Shopify can update customers",
        False,
        "Imports may change ERP customers. Not together with Can update Shopify customers.",
    )
    can_update_shopify_customer: bool = _flag(
        CUSTOMERS,
        "Can update Shopify customers",
        False,
        "The ERP may change customers in Shopify. Not together with Shopify can update customers.",
    )
    # --- Shipments/fulfillments -------------------------------------------------------------------------
    send_shipping_confirmation: bool = _flag(
        SHIPMENTS,
        "Send shipping confirmation",
        True,
        "Shopify e-mails the customer when sync-shipments creates the fulfillment (notifyCustomer).",
    )
    # --- Webhooks ---------------------------------------------------------------------------------------
    webhook_address: str = _value(
        WEBHOOKS,
        "Webhook address",
        "",
        "Where Shopify posts this shop's order webhooks (set by `shopops webhooks register`); blank: none. With "
        "an address, each event queues a sync-orders of just the orders it names, and the recurring sync-orders "
        "reconciles: it reads back the overlap and counts what no webhook brought (missed_by_webhooks).",
    )
    webhook_topics: str = _value(
        WEBHOOKS,
        "Webhook topics",
        "",
        "The topics subscribed at the address, as the last register or list found them in Shopify.",
    )
    shop_domain: str = _value(
        WEBHOOKS,
        "Shop domain",
        "",
        "The shop's myshopify.com domain, which webhooks name in X-Shopify-Shop-Domain (read from Shopify by "
        "register); blank: the host of the shop URL.",
    )
    webhook_secret_env: str = _value(
        WEBHOOKS,
        "Client secret variable",
        "",
        "Environment variable holding the app's client secret that signs webhooks; blank: "
        "SHOPOPS_WEBHOOK_SECRET_<CODE>, or client_secret in the shop's 0600 secrets file. Never the secret itself.",
    )
    reconcile_overlap_days: int = _value(
        WEBHOOKS,
        "Reconciliation overlap (days)",
        2,
        "With a webhook address, the recurring sync-orders reads orders updated this many days before its "
        "cursor again, to catch what a lost webhook never announced.",
    )
    webhook_status: str = _value(
        WEBHOOKS,
        "Webhook status",
        "",
        "What the webhooks last said about the shop, e.g. that the app was uninstalled and background syncs "
        "were turned off for it.",
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f, getattr(self, f.name))
        _exclusive(self, "can_update_shopify_products", "shopify_can_update_items")
        _exclusive(self, "shopify_can_update_customer", "can_update_shopify_customer")
        for name in ("country_customers", "country_customer_templates"):
            country_map(getattr(self, name), name)
        _code(self, "tax_business_group", 20)
        if self.webhook_secret_env and not self.webhook_secret_env.replace("_", "a").isalnum():
            raise ConfigError("webhook_secret_env", f"{self.webhook_secret_env!r} is not an environment variable name")
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
        """Name, group, label, type, default, choices and help text of every setting, in the card's order."""
        out = []
        for f in fields(cls):
            out.append(
                {
                    "name": f.name,
                    "group": f.metadata["group"],
                    "label": f.metadata["label"],
                    "type": _type_of(f).__name__,
                    "default": f.default,
                    "choices": f.metadata.get(_CHOICES),
                    "doc": f.metadata["doc"],
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
