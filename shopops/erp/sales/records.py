"""The records of a sales document: the line to add, and the header and lines as stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopops.erp import amounts as am
from shopops.errors import ShopopsError

ZERO = Decimal(0)


class DocumentExists(ShopopsError):
    """A sales document for this Shopify order (or refund) exists already; ``no`` is its number."""

    def __init__(self, document_type: str, no: str, message: str) -> None:
        self.document_type = document_type
        self.no = no
        super().__init__(message)


@dataclass(frozen=True)
class NewSalesLine:
    """A line to add. ``unit_price`` None takes the item's price; ``description`` None the item's or account's."""

    type: str
    no: str
    quantity: Decimal | int | str = Decimal(1)
    unit_price: Decimal | int | str | None = None
    variant_code: str = ""
    location_code: str | None = None
    description: str | None = None
    unit_of_measure_code: str = ""
    line_discount_amount: Decimal | int | str = ZERO
    tax_percent: Decimal | int | str = ZERO
    shopify_line_type: str = ""
    shopify_order_line_id: int | None = None
    tax_difference: Decimal | int | str = ZERO


@dataclass(frozen=True)
class NewSalesDocument:
    """A document to create in a batch (``Sales.create_many``): what ``Sales.create`` takes, as a record."""

    document_type: str
    customer_no: str
    lines: tuple[NewSalesLine, ...] | list[NewSalesLine] = ()
    no: str | None = None
    header: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SalesLine:
    """A line of a sales document, as stored."""

    document_type: str
    document_no: str
    line_no: int
    type: str
    no: str
    variant_code: str
    location_code: str | None
    description: str
    unit_of_measure_code: str
    quantity: Decimal
    quantity_shipped: Decimal
    quantity_invoiced: Decimal
    unit_price: Decimal
    line_discount_amount: Decimal
    inv_discount_amount: Decimal
    tax_percent: Decimal
    amount: Decimal
    amount_including_tax: Decimal
    shopify_line_type: str
    shopify_order_line_id: int | None
    tax_difference: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        """Quantity still to ship."""
        return self.quantity - self.quantity_shipped

    @property
    def to_invoice(self) -> Decimal:
        """Quantity shipped and not yet invoiced."""
        return self.quantity_shipped - self.quantity_invoiced


@dataclass(frozen=True)
class SalesDocument:
    """A sales header with its lines. ``posting_error`` holds the last failed posting's reason."""

    document_type: str
    no: str
    sell_to_customer_no: str
    bill_to_customer_no: str
    status: str
    posted: bool
    posting_error: str | None
    currency_code: str
    prices_including_tax: bool
    posting_date: dt.date | None
    document_date: dt.date | None
    location_code: str | None
    shipping_agent_code: str | None
    package_tracking_no: str
    invoice_discount_amount: Decimal
    shop_code: str | None
    shopify_order_id: int | None
    shopify_order_no: str
    shopify_refund_id: int | None
    last_shipment_no: str
    last_posting_no: str
    header: dict[str, Any] = field(repr=False, default_factory=dict)
    lines: tuple[SalesLine, ...] = ()

    @property
    def amount(self) -> Decimal:
        """Total excluding tax."""
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def amount_including_tax(self) -> Decimal:
        """Total including tax."""
        return sum((line.amount_including_tax for line in self.lines), ZERO)

    def __repr__(self) -> str:
        state = "posted" if self.posted else self.status
        shopify = f", Shopify {self.shopify_order_no or self.shopify_order_id}" if self.shopify_order_id else ""
        error = f", error: {self.posting_error}" if self.posting_error else ""
        return (
            f"Sales {self.document_type.replace('_', ' ')} {self.no} for {self.sell_to_customer_no}, "
            f"{len(self.lines)} lines, {am.plain(self.amount_including_tax)} {self.currency_code or 'LCY'} incl. tax, "
            f"{state}{shopify}{error}"
        )
