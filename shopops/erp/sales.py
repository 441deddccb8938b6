"""Sales documents: orders, invoices and credit memos with their lines, before they are posted.

    doc = erp.sales.create(
        "order", "C0001",
        [NewSalesLine("item", "1000", Decimal(2), location_code="MAIN", shopify_order_line_id=11,
                      shopify_line_type="line_item"),
         NewSalesLine("gl_account", "6100", Decimal(1), unit_price=Decimal("4.95"), description="Shipping",
                      shopify_line_type="shipping_line", shopify_order_line_id=21)],
        shop_code="DEMO", shopify_order_id=5001, shopify_order_no="#1001",
    )
    erp.sales.release("order", doc.no)

One document per shop + Shopify order id and document type (per shop + refund id for credit memos),
and one line per Shopify line within a document: the database refuses a second one, so that
create-sales-documents can run again without duplicating. Amounts are computed here, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from shopops.erp import amounts as am
from shopops.erp import numbers
from shopops.erp import validation as v
from shopops.erp._base import begin, frame, reading, record
from shopops.erp.documents import DocumentExists, NewSalesLine, SalesDocument, SalesLine
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


def document_type_of(value: str) -> str:
    """A checked document type (order, invoice, credit_memo)."""
    return v.choice(value, "document_type", DOCUMENT_TYPES)


class Sales:
    """Create, read, release and delete unposted sales documents."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- create -------------------------------------------------------------------------------------

    def create(
        self,
        document_type: str,
        customer_no: str,
        lines: Iterable[NewSalesLine] = (),
        *,
        no: str | None = None,
        on_conflict: Literal["error", "return"] = "error",
        conn: Connection | None = None,
        **header: Any,
    ) -> SalesDocument:
        """Create a document with its lines in one transaction.

        ``header`` takes any header field (bill_to_customer_no, ship_to_*, currency_code,
        prices_including_tax, location_code, shipping_agent_code, shop_code, shopify_order_id,
        shopify_order_no, shopify_refund_id, ...). Bill-to and ship-to default from the customer.
        When the Shopify order (or refund) has a document already, DocumentExists is raised, or with
        ``on_conflict="return"`` that document is returned.
        """
        doc_type = document_type_of(document_type)
        unknown = set(header) - HEADER_FIELDS
        if unknown:
            raise ConfigError(sorted(unknown)[0], f"is not a sales header field ({', '.join(sorted(HEADER_FIELDS))})")
        with begin(self._engine, conn) as c:
            existing = self._existing_shopify(c, doc_type, header)
            if existing is not None:
                if on_conflict == "return":
                    return self.get(doc_type, existing, conn=c)
                raise DocumentExists(
                    doc_type, existing, f"{doc_type} {existing} exists already for this Shopify record"
                )
            values = self._header_values(c, doc_type, customer_no, header)
            values["no"] = v.code(no, "no", 20) if no else numbers.next_no(c, numbers.SERIES_FOR_DOCUMENT[doc_type])
            now = utcnow()
            try:
                with c.begin_nested():
                    c.execute(insert(SH).values(document_type=doc_type, created_at=now, updated_at=now, **values))
            except IntegrityError:
                raise DocumentExists(
                    doc_type, values["no"], f"sales {doc_type} {values['no']} exists already"
                ) from None
            for line in lines:
                self._insert_line(c, doc_type, values["no"], line, values["prices_including_tax"], values)
            return self.get(doc_type, values["no"], conn=c)

    def _existing_shopify(self, c: Connection, doc_type: str, header: dict[str, Any]) -> str | None:
        shop = header.get("shop_code")
        if header.get("shopify_refund_id") is not None:
            where = [SH.c.shop_code == shop, SH.c.shopify_refund_id == header["shopify_refund_id"]]
        elif header.get("shopify_order_id") is not None:
            where = [
                SH.c.shop_code == shop,
                SH.c.shopify_order_id == header["shopify_order_id"],
                SH.c.document_type == doc_type,
                SH.c.shopify_refund_id.is_(None),
            ]
        else:
            return None
        return c.execute(select(SH.c.no).where(*where)).scalar_one_or_none()

    def _header_values(self, c: Connection, doc_type: str, customer_no: str, header: dict[str, Any]) -> dict[str, Any]:
        customer = _customer(c, customer_no)
        bill_to = _customer(c, header.get("bill_to_customer_no") or customer["no"])
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
            _require(c, t.erp_location, "code", values["location_code"], "location")
        if values["shipping_agent_code"]:
            _require(c, t.erp_shipping_agent, "code", values["shipping_agent_code"], "shipping agent")
        if values.get("shopify_order_id") is not None and not values["shop_code"]:
            raise ConfigError("shop_code", "a document linked to a Shopify order needs the shop's code")
        if doc_type != "credit_memo" and values.get("shopify_refund_id") is not None:
            raise ConfigError("shopify_refund_id", "only a credit memo comes from a refund")
        for name in ("shopify_order_no", "external_document_no", "package_tracking_no"):
            values[name] = str(values.get(name) or "")
        return values

    def add_line(self, document_type: str, no: str, line: NewSalesLine, *, conn: Connection | None = None) -> SalesLine:
        """Add a line to an open, unposted document."""
        doc_type = document_type_of(document_type)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"] or head["status"] != "open":
                raise InvalidState(f"{doc_type} {head['no']} is {_state(head)}; reopen it to change its lines")
            line_no = self._insert_line(c, doc_type, head["no"], line, head["prices_including_tax"], head)
            return next(x for x in self.get(doc_type, head["no"], conn=c).lines if x.line_no == line_no)

    def _insert_line(
        self, c: Connection, doc_type: str, no: str, line: NewSalesLine, incl_tax: bool, head: dict[str, Any]
    ) -> int:
        line_type = v.choice(line.type, "type", LINE_TYPES)
        item_no = v.code(line.no, "no", 20, required=line_type != "comment")
        variant = v.code(line.variant_code, "variant_code", 10, required=False)
        location = v.code(line.location_code, "location_code", 10, required=False) or None
        description = line.description
        unit_price = line.unit_price
        if line_type == "item":
            item = _require(c, t.erp_item, "no", item_no, "item")
            description = item["description"] if description is None else description
            unit_price = item["unit_price"] if unit_price is None else unit_price
            if item["type"] == "inventory":
                location = location or head.get("location_code")
            if variant:
                iv = t.erp_item_variant
                if c.execute(select(iv.c.code).where(iv.c.item_no == item_no, iv.c.code == variant)).first() is None:
                    raise NotFound(f"variant {variant} of item {item_no} does not exist")
        elif line_type == "gl_account":
            account = _require(c, t.erp_gl_account, "no", item_no, "G/L account")
            description = account["name"] if description is None else description
        if location:
            _require(c, t.erp_location, "code", location, "location")
        quantity = v.decimal(line.quantity, "quantity", required=True)
        price = v.decimal(unit_price, "unit_price")
        discount = v.decimal(line.line_discount_amount, "line_discount_amount")
        tax = v.decimal(line.tax_percent, "tax_percent", minimum=ZERO)
        amounts = am.line_amounts(
            quantity, price, line_discount_amount=discount, tax_percent=tax, prices_including_tax=incl_tax
        )
        if line_type == "comment":
            quantity = price = discount = ZERO
            amounts = am.LineAmounts(ZERO, ZERO)
        last = c.execute(
            select(func.max(SL.c.line_no)).where(SL.c.document_type == doc_type, SL.c.document_no == no)
        ).scalar_one()
        line_no = (last or 0) + LINE_NO_STEP
        c.execute(
            insert(SL).values(
                document_type=doc_type,
                document_no=no,
                line_no=line_no,
                type=line_type,
                no=item_no,
                variant_code=variant,
                location_code=location,
                description=v.text((description or "")[:100], "description", 100),
                unit_of_measure_code=v.code(line.unit_of_measure_code, "unit_of_measure_code", 10, required=False),
                quantity=quantity,
                unit_price=price,
                line_discount_amount=discount,
                tax_percent=tax,
                amount=amounts.amount,
                amount_including_tax=amounts.amount_including_tax,
                shopify_line_type=v.text(line.shopify_line_type, "shopify_line_type", 20),
                shopify_order_line_id=line.shopify_order_line_id,
            )
        )
        return line_no

    # --- change -------------------------------------------------------------------------------------

    def update_header(self, document_type: str, no: str, *, conn: Connection | None = None, **changes: Any) -> None:
        """Change header fields of an unposted document (package_tracking_no, shipping_agent_code, ...)."""
        doc_type = document_type_of(document_type)
        unknown = set(changes) - HEADER_FIELDS
        if unknown:
            raise ConfigError(sorted(unknown)[0], "is not a header field that can be changed")
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"]:
                raise InvalidState(f"{doc_type} {head['no']} is posted")
            if changes.get("shipping_agent_code"):
                changes["shipping_agent_code"] = v.code(changes["shipping_agent_code"], "shipping_agent_code", 10)
                _require(c, t.erp_shipping_agent, "code", changes["shipping_agent_code"], "shipping agent")
            c.execute(_header_update(doc_type, head["no"]).values(updated_at=utcnow(), **changes))

    def release(self, document_type: str, no: str, *, conn: Connection | None = None) -> None:
        """Release a document (BC's Release): its lines are frozen until it is reopened."""
        self._set_status(document_type, no, "released", conn)

    def reopen(self, document_type: str, no: str, *, conn: Connection | None = None) -> None:
        """Reopen a released document so that its lines can change."""
        self._set_status(document_type, no, "open", conn)

    def _set_status(self, document_type: str, no: str, status: str, conn: Connection | None) -> None:
        doc_type = document_type_of(document_type)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"]:
                raise InvalidState(f"{doc_type} {head['no']} is posted")
            if (
                status == "released"
                and not c.execute(
                    select(SL.c.line_no).where(SL.c.document_type == doc_type, SL.c.document_no == head["no"]).limit(1)
                ).first()
            ):
                raise InvalidState(f"{doc_type} {head['no']} has no lines to release")
            c.execute(_header_update(doc_type, head["no"]).values(status=status, updated_at=utcnow()))

    def apply_invoice_discount(
        self, document_type: str, no: str, amount: Decimal | int | str, *, conn: Connection | None = None
    ) -> None:
        """Spread an order-level discount over the item and G/L lines, in proportion, to the cent.

        BC's ApplyInvDiscBasedOnAmt: the lines' amounts drop by their share and the shares sum exactly
        to ``amount``. Applying again replaces the previous discount.
        """
        doc_type = document_type_of(document_type)
        total = v.decimal(amount, "invoice_discount_amount", minimum=ZERO)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            if head["posted"] or head["status"] != "open":
                raise InvalidState(f"{doc_type} {head['no']} is {_state(head)}; reopen it first")
            lines = [x for x in self._lines(c, doc_type, head["no"]) if x.type != "comment"]
            bases = [am.round_amount(x.quantity * x.unit_price) - x.line_discount_amount for x in lines]
            if total > sum(bases, ZERO):
                raise ConfigError(
                    "invoice_discount_amount", f"{total} is more than the lines' total {sum(bases, ZERO)}"
                )
            shares = am.allocate(total, bases) if total else [ZERO] * len(lines)
            for line, share in zip(lines, shares, strict=True):
                amounts = am.line_amounts(
                    line.quantity,
                    line.unit_price,
                    line_discount_amount=line.line_discount_amount,
                    inv_discount_amount=share,
                    tax_percent=line.tax_percent,
                    prices_including_tax=head["prices_including_tax"],
                )
                c.execute(
                    update(SL)
                    .where(SL.c.document_type == doc_type, SL.c.document_no == head["no"], SL.c.line_no == line.line_no)
                    .values(
                        inv_discount_amount=share,
                        amount=amounts.amount,
                        amount_including_tax=amounts.amount_including_tax,
                    )
                )
            c.execute(_header_update(doc_type, head["no"]).values(invoice_discount_amount=total, updated_at=utcnow()))

    def delete(self, document_type: str, no: str, *, conn: Connection | None = None) -> None:
        """Delete an unposted document and its lines; refused once anything of it is posted."""
        doc_type = document_type_of(document_type)
        with begin(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no, lock=True)
            lines = self._lines(c, doc_type, head["no"])
            if head["posted"] or any(x.quantity_shipped or x.quantity_invoiced for x in lines):
                raise InvalidState(f"{doc_type} {head['no']} is (partly) posted and cannot be deleted")
            c.execute(delete(SL).where(SL.c.document_type == doc_type, SL.c.document_no == head["no"]))
            c.execute(delete(SH).where(SH.c.document_type == doc_type, SH.c.no == head["no"]))

    # --- read ---------------------------------------------------------------------------------------

    def get(self, document_type: str, no: str, *, conn: Connection | None = None) -> SalesDocument:
        """A document with its lines; NotFound when there is none."""
        doc_type = document_type_of(document_type)
        with reading(self._engine, conn) as c:
            head = self._header_row(c, doc_type, no)
            lines = self._lines(c, doc_type, head["no"])
        return record(SalesDocument, head, header=dict(head), lines=tuple(lines))

    def find_shopify(
        self, shop_code: str, shopify_order_id: int, document_type: str | None = None
    ) -> SalesDocument | None:
        """The order or invoice made from a Shopify order (not its credit memos), or None."""
        query = select(SH.c.document_type, SH.c.no).where(
            SH.c.shop_code == shop_code, SH.c.shopify_order_id == shopify_order_id, SH.c.shopify_refund_id.is_(None)
        )
        if document_type is not None:
            query = query.where(SH.c.document_type == document_type_of(document_type))
        with self._engine.connect() as c:
            row = c.execute(query.order_by(SH.c.document_type)).first()
        return self.get(row.document_type, row.no) if row else None

    def find_refund(self, shop_code: str, shopify_refund_id: int) -> SalesDocument | None:
        """The credit memo made from a Shopify refund, or None."""
        with self._engine.connect() as c:
            no = c.execute(
                select(SH.c.no).where(SH.c.shop_code == shop_code, SH.c.shopify_refund_id == shopify_refund_id)
            ).scalar_one_or_none()
        return self.get("credit_memo", no) if no else None

    def documents(
        self,
        document_type: str | None = None,
        *,
        posted: bool | None = False,
        status: str | None = None,
        shop_code: str | None = None,
        with_errors: bool | None = None,
    ) -> pd.DataFrame:
        """Sales headers as a DataFrame (unposted by default; ``posted=None`` for all)."""
        query = select(SH).order_by(SH.c.document_type, SH.c.no)
        if document_type is not None:
            query = query.where(SH.c.document_type == document_type_of(document_type))
        if posted is not None:
            query = query.where(SH.c.posted.is_(posted))
        if status is not None:
            query = query.where(SH.c.status == status)
        if shop_code is not None:
            query = query.where(SH.c.shop_code == shop_code)
        if with_errors is not None:
            query = query.where(SH.c.posting_error.isnot(None) if with_errors else SH.c.posting_error.is_(None))
        with self._engine.connect() as c:
            return frame(list(c.execute(query).mappings()), [col.name for col in SH.c])

    def lines(self, document_type: str, no: str) -> pd.DataFrame:
        """The lines of one document as a DataFrame."""
        doc = self.get(document_type, no)
        return frame([x.__dict__ for x in doc.lines], [col.name for col in SL.c])

    def _header_row(self, c: Connection, doc_type: str, no: str, *, lock: bool = False) -> dict[str, Any]:
        return header_row(c, doc_type, no, lock=lock)

    def _lines(self, c: Connection, doc_type: str, no: str) -> list[SalesLine]:
        return document_lines(c, doc_type, no)


def header_row(c: Connection, doc_type: str, no: str, *, lock: bool = False) -> dict[str, Any]:
    """The header's columns (locked for update on PostgreSQL when ``lock``); NotFound when missing."""
    query = select(SH).where(SH.c.document_type == doc_type, SH.c.no == no.strip().upper())
    if lock and c.dialect.name == "postgresql":
        query = query.with_for_update()
    row = c.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"sales {doc_type.replace('_', ' ')} {no} does not exist")
    return dict(row)


def document_lines(c: Connection, doc_type: str, no: str) -> list[SalesLine]:
    """The document's lines in line order."""
    rows = c.execute(
        select(SL).where(SL.c.document_type == doc_type, SL.c.document_no == no).order_by(SL.c.line_no)
    ).mappings()
    return [record(SalesLine, r) for r in rows]


def _header_update(doc_type: str, no: str) -> Any:
    return update(SH).where(SH.c.document_type == doc_type, SH.c.no == no)


def _state(head: dict[str, Any]) -> str:
    return "posted" if head["posted"] else str(head["status"])


def _customer(c: Connection, no: str) -> dict[str, Any]:
    return _require(c, t.erp_customer, "no", v.code(no, "customer_no", 20), "customer")


def _require(c: Connection, table: Table, key: str, value: str, label: str) -> dict[str, Any]:
    row = c.execute(select(table).where(table.c[key] == value)).mappings().first()
    if row is None:
        raise NotFound(f"{label} {value} does not exist")
    return dict(row)


def line_keys(lines: Sequence[SalesLine]) -> set[tuple[str, int | None]]:
    """The Shopify keys (line type, line id) of the lines, to skip lines a re-run would duplicate."""
    return {(x.shopify_line_type, x.shopify_order_line_id) for x in lines if x.shopify_order_line_id is not None}
