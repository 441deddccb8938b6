"""Writing a new sales document: the checked header, its lines in one statement, and batches of documents.

:meth:`shopops.erp.sales.documents.Sales.create` makes one document in its own (or the caller's) transaction;
:meth:`~shopops.erp.sales.documents.Sales.create_many` makes many, each inside a savepoint of a shared transaction
so that a refused document rolls back alone while the others commit together. Both go through
:func:`insert_document`, which checks everything the header and lines name against :class:`MasterData`
(each customer, item, location... read once), takes the number from :class:`NumberBlocks` and writes the
header and all lines with two statements built once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from shopops.erp import amounts as am
from shopops.erp import numbers
from shopops.erp import validation as v
from shopops.erp.lookups import MasterData, loose_code
from shopops.erp.sales.records import DocumentExists, NewSalesLine
from shopops.errors import ConfigError, InvalidState, NotFound
from shopops.store import tables as t
from shopops.store.types import utcnow

SH = t.erp_sales_header
SL = t.erp_sales_line
DOCUMENT_TYPES = t.SALES_DOCUMENT_TYPES
LINE_TYPES = t.SALES_LINE_TYPES
LINE_NO_STEP = 10000
ZERO = Decimal(0)

# header fields a caller may set at creation or change with update_header (the rest are kept by the engine)
HEADER_FIELDS = frozenset(
    c.name
    for c in SH.c
    if c.name
    not in {
        "document_type",
        "no",
        "status",
        "posted",
        "posting_error",
        "last_shipment_no",
        "last_posting_no",
        "created_at",
        "updated_at",
        "invoice_discount_amount",
    }
)

_BY_REFUND = select(SH.c.no).where(SH.c.shop_code == bindparam("shop"), SH.c.shopify_refund_id == bindparam("refund"))
_BY_ORDER = select(SH.c.no).where(
    SH.c.shop_code == bindparam("shop"),
    SH.c.shopify_order_id == bindparam("order"),
    SH.c.document_type == bindparam("doc_type"),
    SH.c.shopify_refund_id.is_(None),
)
_INSERT_HEADER = insert(SH)
_INSERT_LINES = insert(SL)
_LAST_LINE_NO = select(func.max(SL.c.line_no)).where(
    SL.c.document_type == bindparam("doc_type"), SL.c.document_no == bindparam("no")
)


def document_type_of(value: str) -> str:
    """A checked document type (order, invoice, credit_memo)."""
    return v.choice(value, "document_type", DOCUMENT_TYPES)


def check_header_fields(header: dict[str, Any]) -> None:
    """ConfigError naming the first keyword that is not a header field."""
    unknown = set(header) - HEADER_FIELDS
    if unknown:
        raise ConfigError(sorted(unknown)[0], f"is not a sales header field ({', '.join(sorted(HEADER_FIELDS))})")


def existing_shopify(c: Connection, doc_type: str, header: dict[str, Any]) -> str | None:
    """The no. of the document made from this Shopify order (or refund) already, if any."""
    shop = header.get("shop_code")
    if header.get("shopify_refund_id") is not None:
        return c.execute(_BY_REFUND, {"shop": shop, "refund": header["shopify_refund_id"]}).scalar_one_or_none()
    if header.get("shopify_order_id") is not None:
        params = {"shop": shop, "order": header["shopify_order_id"], "doc_type": doc_type}
        return c.execute(_BY_ORDER, params).scalar_one_or_none()
    return None


def require(row: dict[str, Any] | None, label: str, value: str) -> dict[str, Any]:
    """The row, or NotFound naming what is missing."""
    if row is None:
        raise NotFound(f"{label} {value} does not exist")
    return row


def insert_document(
    c: Connection,
    master: MasterData,
    series: numbers.NumberBlocks,
    doc_type: str,
    customer_no: str,
    lines: Iterable[NewSalesLine],
    header: dict[str, Any],
    *,
    no: str | None = None,
    on_conflict: str = "error",
    guard: bool = True,
    release: bool = False,
) -> tuple[str, bool]:
    """Write one checked document with its lines: (no., True) or, with ``on_conflict="return"``, the
    existing document's (no., False). DocumentExists when the Shopify record or the no. has one already.

    ``guard`` puts the header's insert in a savepoint, so that the caller's transaction can go on after
    DocumentExists; without it the caller rolls back (its own savepoint, or the whole transaction).
    ``release`` writes it released (InvalidState without lines, as ``Sales.release`` says)."""
    existing = existing_shopify(c, doc_type, header)
    if existing is not None:
        if on_conflict == "return":
            return existing, False
        raise DocumentExists(doc_type, existing, f"{doc_type} {existing} exists already for this Shopify record")
    new_lines = list(lines)
    _prefetch(master, customer_no, new_lines, header)
    values = header_values(master, doc_type, customer_no, header)
    values["no"] = v.code(no, "no", 20) if no else series.next_no(numbers.SERIES_FOR_DOCUMENT[doc_type])
    if release:
        if not new_lines:
            raise InvalidState(f"{doc_type} {values['no']} has no lines to release")
        values["status"] = "released"
    now = utcnow()
    try:
        with c.begin_nested() if guard else nullcontext():
            c.execute(_INSERT_HEADER, {"document_type": doc_type, "created_at": now, "updated_at": now, **values})
    except IntegrityError:
        raise DocumentExists(doc_type, values["no"], f"sales {doc_type} {values['no']} exists already") from None
    rows = [
        line_values(master, doc_type, values["no"], LINE_NO_STEP * (i + 1), line, values)
        for i, line in enumerate(new_lines)
    ]
    if rows:
        c.execute(_INSERT_LINES, rows)
    return values["no"], True


def _prefetch(master: MasterData, customer_no: str, lines: Sequence[NewSalesLine], header: dict[str, Any]) -> None:
    """Read the master rows a document names with one query per table (best effort: checks come later)."""
    master.prefetch("customer", [loose_code(customer_no), loose_code(header.get("bill_to_customer_no"))])
    master.prefetch("item", [loose_code(x.no) for x in lines if x.type == "item"])
    master.prefetch("gl_account", [loose_code(x.no) for x in lines if x.type == "gl_account"])
    master.prefetch(
        "location", [loose_code(x.location_code) for x in lines] + [loose_code(header.get("location_code"))]
    )


def header_values(master: MasterData, doc_type: str, customer_no: str, header: dict[str, Any]) -> dict[str, Any]:
    """The checked header columns: bill-to and ship-to default from the customers, codes must exist."""
    customer = _customer(master, customer_no)
    bill_to = _customer(master, header.get("bill_to_customer_no") or customer["no"])
    values: dict[str, Any] = {"sell_to_customer_no": customer["no"], "bill_to_customer_no": bill_to["no"]}
    for part in ("name", "address", "address_2", "city", "post_code", "county", "country_code"):
        values[f"bill_to_{part}"] = header.get(f"bill_to_{part}", bill_to[part])
        values[f"ship_to_{part}"] = header.get(f"ship_to_{part}", customer[part])
    values["email"] = header.get("email", customer["email"])
    values["phone"] = header.get("phone", customer["phone"])
    values["currency_code"] = v.code(
        header.get("currency_code", customer["currency_code"]), "currency_code", 10, required=False
    )
    for name, value in header.items():
        values.setdefault(name, value)
    values["prices_including_tax"] = bool(values.get("prices_including_tax", False))
    for name, size in (("location_code", 10), ("shipping_agent_code", 10), ("shop_code", 20)):
        values[name] = v.code(values.get(name), name, size, required=False) or None
    if values["location_code"]:
        require(master.location(values["location_code"]), "location", values["location_code"])
    if values["shipping_agent_code"]:
        require(master.shipping_agent(values["shipping_agent_code"]), "shipping agent", values["shipping_agent_code"])
    if values.get("shopify_order_id") is not None and not values["shop_code"]:
        raise ConfigError("shop_code", "a document linked to a Shopify order needs the shop's code")
    if doc_type != "credit_memo" and values.get("shopify_refund_id") is not None:
        raise ConfigError("shopify_refund_id", "only a credit memo comes from a refund")
    for name in ("shopify_order_no", "external_document_no", "package_tracking_no"):
        values[name] = str(values.get(name) or "")
    return values


def _customer(master: MasterData, no: str) -> dict[str, Any]:
    code = v.code(no, "customer_no", 20)
    return require(master.customer(code), "customer", code)


def line_values(
    master: MasterData, doc_type: str, no: str, line_no: int, line: NewSalesLine, head: dict[str, Any]
) -> dict[str, Any]:
    """The checked columns of one new line (amounts computed exactly); NotFound names a missing code."""
    line_type = v.choice(line.type, "type", LINE_TYPES)
    item_no = v.code(line.no, "no", 20, required=line_type != "comment")
    variant = v.code(line.variant_code, "variant_code", 10, required=False)
    location = v.code(line.location_code, "location_code", 10, required=False) or None
    description = line.description
    unit_price = line.unit_price
    if line_type == "item":
        item = require(master.item(item_no), "item", item_no)
        description = item["description"] if description is None else description
        unit_price = item["unit_price"] if unit_price is None else unit_price
        if item["type"] == "inventory":
            location = location or head.get("location_code")
        if variant and master.variant(item_no, variant) is None:
            raise NotFound(f"variant {variant} of item {item_no} does not exist")
    elif line_type == "gl_account":
        account = require(master.gl_account(item_no), "G/L account", item_no)
        description = account["name"] if description is None else description
    if location:
        require(master.location(location), "location", location)
    quantity = v.decimal(line.quantity, "quantity", required=True)
    price = v.decimal(unit_price, "unit_price")
    discount = v.decimal(line.line_discount_amount, "line_discount_amount")
    tax = v.decimal(line.tax_percent, "tax_percent", minimum=ZERO)
    difference = v.decimal(line.tax_difference, "tax_difference")
    amounts = am.line_amounts(
        quantity,
        price,
        line_discount_amount=discount,
        tax_percent=tax,
        prices_including_tax=head["prices_including_tax"],
        tax_difference=difference,
    )
    if line_type == "comment":
        quantity = price = discount = difference = ZERO
        amounts = am.LineAmounts(ZERO, ZERO)
    return {
        "document_type": doc_type,
        "document_no": no,
        "line_no": line_no,
        "type": line_type,
        "no": item_no,
        "variant_code": variant,
        "location_code": location,
        "description": v.text((description or "")[:100], "description", 100),
        "unit_of_measure_code": v.code(line.unit_of_measure_code, "unit_of_measure_code", 10, required=False),
        "quantity": quantity,
        "unit_price": price,
        "line_discount_amount": discount,
        "tax_percent": tax,
        "amount": amounts.amount,
        "amount_including_tax": amounts.amount_including_tax,
        "tax_difference": difference,
        "shopify_line_type": v.text(line.shopify_line_type, "shopify_line_type", 20),
        "shopify_order_line_id": line.shopify_order_line_id,
    }


def insert_line(c: Connection, doc_type: str, no: str, line: NewSalesLine, head: dict[str, Any]) -> int:
    """Add one line after the document's last line; returns its line no."""
    last = c.execute(_LAST_LINE_NO, {"doc_type": doc_type, "no": no}).scalar_one()
    line_no = int(last or 0) + LINE_NO_STEP
    c.execute(_INSERT_LINES, [line_values(MasterData(c), doc_type, no, line_no, line, head)])
    return line_no
