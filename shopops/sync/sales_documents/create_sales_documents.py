"""``create-sales-documents`` (BC 30103): unprocessed Shopify orders -> ERP sales orders or invoices.

    ws.run("create-sales-documents", shop="DEMO")                        # every unprocessed order
    ws.run("create-sales-documents", shop="DEMO", order_no="#1001,#1002", dry_run=True)

Per order, as BC's "Shopify Create Sales Orders" does it, with a commit after each:

1. **Mapping** (reads only, no transaction open): the customer and every item line
   (:mod:`shopops.sync.sales_documents.mapping`), then the document (:mod:`shopops.sync.sales_documents.planning`).
   An order that cannot be mapped gets ``has_error`` and the precise reason (which line, which SKU,
   which setting) in ``error_message`` and in the skipped-record log; the run goes on with the next.
2. **One transaction**: a new customer when auto-created, the document with its lines, the residual
   order discount, the release (``auto_release_sales_orders``), and the order marked ``processed`` with
   the document no. and the currency handling used. All of it, or none of it.

Re-running never duplicates: processed orders are not taken again, and the ERP refuses a second
document per shop + Shopify order id (an order whose document exists already is just linked to it).
Cancelled orders that were never processed get no document (counted as ``cancelled``). Afterwards, when
the shop's ``return_refund_process`` is ``auto_create``, refunds of processed orders become credit memos
(:mod:`shopops.sync.sales_documents.refunds`). ``dry_run`` returns the documents it would create as a DataFrame.
The actions on one order (unlink, mark conflict resolved) are in :mod:`shopops.sync.orders.actions`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from shopops.erp import Erp
from shopops.erp import numbers as erp_numbers
from shopops.errors import ShopopsError
from shopops.shop_settings import ShopSettings
from shopops.store import tables as t
from shopops.sync.context import RunContext
from shopops.sync.registry import Param, report_spec
from shopops.sync.sales_documents import refunds
from shopops.sync.sales_documents.mapping import (
    CustomerChoice,
    ErpLookups,
    ItemMatch,
    MappingError,
    map_customer,
    map_line_item,
    variant_links,
)
from shopops.sync.sales_documents.planning import PlannedDocument, plan_document

O = t.shopify_order  # noqa: E741
SH = t.erp_sales_header
CUSTOMER_SERIES = "customer"
MAX_ERROR = 2000
CHANGE_COLUMNS = [
    "order_id",
    "order_no",
    "action",
    "document_type",
    "document_no",
    "customer_no",
    "lines",
    "currency_code",
    "amount",
    "amount_including_tax",
    "invoice_discount",
    "message",
]
PARAMS = {
    "order_ids": Param(list, doc="only these Shopify order ids (the sync-orders hook passes the new ones)"),
    "order_no": Param(str, doc="only these orders by name (comma-separated, e.g. #1001,#1002)"),
    "financial_status": Param(str, doc="only these financial statuses (comma-separated, e.g. paid)"),
    "fulfillment_status": Param(str, doc="only these fulfillment statuses (comma-separated, e.g. fulfilled)"),
}


def _csv(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").split(",") if x.strip()]


def candidates(conn: Connection, shop: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Unprocessed orders of ``shop`` passing the filters: id, order no., cancelled_at, in order of import."""
    query = select(O.c.id, O.c.order_no, O.c.cancelled_at).where(O.c.shop_code == shop, O.c.processed.is_(False))
    if params.get("order_ids") is not None:
        query = query.where(O.c.id.in_([int(x) for x in params["order_ids"]]))
    if params.get("order_no"):
        query = query.where(O.c.order_no.in_(_csv(params["order_no"])))
    for name in ("financial_status", "fulfillment_status"):
        if params.get(name):
            query = query.where(O.c[name].in_([x.upper() for x in _csv(params[name])]))
    return [dict(r) for r in conn.execute(query.order_by(O.c.shopify_created_at, O.c.id)).mappings()]


def _order_rows(table: Any) -> Any:
    return select(table).where(table.c.shop_code == bindparam("b_shop"), table.c.order_id == bindparam("b_order_id"))


# built once: building a statement per order cost more than running it
_ORDER = select(O).where(O.c.shop_code == bindparam("b_shop"), O.c.id == bindparam("b_order_id"))
_ORDER_ROWS = {
    "lines": _order_rows(t.shopify_order_line),
    "shipping": _order_rows(t.shopify_order_shipping_line),
    "taxes": _order_rows(t.shopify_order_tax_line),
    "refund_lines": _order_rows(t.shopify_refund_line),
}
_PROCESSED = select(O.c.processed).where(O.c.shop_code == bindparam("b_shop"), O.c.id == bindparam("b_order_id"))
_PROCESSED_LOCKED = _PROCESSED.with_for_update()
_EXISTING = (
    select(SH.c.no)
    .where(SH.c.shop_code == bindparam("b_shop"), SH.c.shopify_order_id == bindparam("b_order_id"))
    .where(SH.c.shopify_refund_id.is_(None))
    .order_by(SH.c.document_type)
)
_MARK_PROCESSED = (
    update(O)
    .where(O.c.shop_code == bindparam("b_shop"), O.c.id == bindparam("b_order_id"))
    .values(
        processed=True,
        sales_document_no=bindparam("no"),
        processed_currency_handling=bindparam("currency_handling"),
        has_error=False,
        error_message=None,
    )
)
_REFUND = t.shopify_refund
_REFUNDS_PROCESSED = (
    update(_REFUND)
    .where(_REFUND.c.shop_code == bindparam("b_shop"), _REFUND.c.order_id == bindparam("b_order_id"))
    .values(processed=True)
)


def load_order(conn: Connection, shop: str, order_id: int) -> dict[str, Any]:
    """The order's header and the rows its document is made from (lines, shipping lines, tax lines)."""
    key = {"b_shop": shop, "b_order_id": order_id}
    order: dict[str, Any] = {"header": dict(conn.execute(_ORDER, key).mappings().one())}
    for name, query in _ORDER_ROWS.items():
        order[name] = [dict(r) for r in conn.execute(query, key).mappings()]
    variant_ids = sorted({int(line["variant_id"]) for line in order["lines"] if line.get("variant_id")})
    order["variant_links"] = variant_links(conn, shop, variant_ids)
    return order


def map_order(
    order: dict[str, Any], settings: ShopSettings, lookups: ErpLookups
) -> tuple[CustomerChoice, PlannedDocument]:
    """Customer, items and the planned document of one loaded order; MappingError with the first reason."""
    header = order["header"]
    customer = map_customer(header, settings, lookups)
    items: dict[int, ItemMatch] = {}
    for line in sorted(order["lines"], key=lambda r: r["position"]):
        if not line["current_quantity"] or line.get("is_tip") or line.get("is_gift_card"):
            continue
        try:
            items[int(line["id"])] = map_line_item(line, settings, lookups, order.get("variant_links", {}))
        except MappingError as exc:
            raise MappingError(f"line {int(line['position']) + 1} {line.get('title')!r}: {exc}") from None
    planned = plan_document(
        header,
        order["lines"],
        order["shipping"],
        order["taxes"],
        items,
        customer.no or "(new)",
        settings,
        refund_lines=order["refund_lines"],
    )
    return customer, planned


def existing_document(conn: Connection, shop: str, order_id: int) -> str | None:
    """The no. of the order or invoice made from this Shopify order already, if any."""
    return conn.execute(_EXISTING, {"b_shop": shop, "b_order_id": order_id}).scalars().first()


def write_document(
    erp: Erp,
    conn: Connection,
    order: dict[str, Any],
    customer: CustomerChoice,
    planned: PlannedDocument,
    settings: ShopSettings,
) -> tuple[str, str]:
    """In the caller's transaction: customer, document, discount, release, and the order marked processed.

    Returns ("created" | "linked", document no.).
    """
    header = order["header"]
    shop, order_id = header["shop_code"], header["id"]
    key = {"b_shop": shop, "b_order_id": order_id}
    locked = _PROCESSED_LOCKED if conn.dialect.name == "postgresql" else _PROCESSED
    if conn.execute(locked, key).scalar_one():
        return "already processed", header.get("sales_document_no") or ""
    action = "linked"
    no = existing_document(conn, shop, order_id)
    if no is None:
        action = "created"
        customer_no = customer.no
        if customer_no is None:
            customer_no = erp_numbers.next_no(conn, CUSTOMER_SERIES)
            erp.customers.add(customer_no, conn=conn, **(customer.create or {}))
        # released at once unless the discount must be spread over the open document first; no savepoint
        # and no read-back: any refusal rolls this whole transaction back
        release_now = settings.auto_release_sales_orders and not planned.invoice_discount
        no = erp.sales.create_no(
            planned.document_type, customer_no, planned.lines, no=planned.no, release=release_now, conn=conn,
            savepoint=False, **planned.header,
        )  # fmt: skip
        if planned.invoice_discount:
            erp.sales.apply_invoice_discount(planned.document_type, no, planned.invoice_discount, conn=conn)
            if settings.auto_release_sales_orders:
                erp.sales.release(planned.document_type, no, conn=conn)
    conn.execute(_MARK_PROCESSED, {**key, "no": no, "currency_handling": settings.currency_handling})
    # refunds made before the document are in it already (it takes the current quantities): never credit them
    conn.execute(_REFUNDS_PROCESSED, key)
    return action, no


def mark_error(ctx: RunContext, shop: str, order: dict[str, Any], message: str) -> None:
    """Keep the reason on the order (``has_error``) and in the skipped-record log; the run goes on."""
    if not ctx.dry_run:
        with ctx.engine.begin() as conn:
            conn.execute(
                update(O)
                .where(O.c.shop_code == shop, O.c.id == order["id"])
                .values(has_error=True, error_message=message[:MAX_ERROR], sales_document_no=None)
            )
    ctx.skip("order", order["id"], f"order {order.get('order_no')}: {message}")


def _change(order: dict[str, Any], action: str, **values: Any) -> dict[str, Any]:
    return {"order_id": order["id"], "order_no": order.get("order_no"), "action": action, **values}


def _planned_change(order: dict[str, Any], customer: CustomerChoice, planned: PlannedDocument) -> dict[str, Any]:
    amount, amount_incl = planned.totals()
    return _change(
        order,
        "create",
        document_type=planned.document_type,
        document_no=planned.no,
        customer_no=customer.no or "(new customer)",
        lines=len(planned.lines),
        currency_code=planned.header.get("currency_code") or "",
        amount=amount,
        amount_including_tax=amount_incl,
        invoice_discount=planned.invoice_discount,
    )


@report_spec("create-sales-documents", bc_id=30103, params=PARAMS)
def create_sales_documents(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Unprocessed Shopify orders -> ERP sales orders, or invoices when fulfilled; customer and item mapping;
    then credit memos for refunds when the shop auto-creates them."""
    if ctx.shop is None:
        raise ValueError("create-sales-documents needs a shop")
    shop, settings = ctx.shop.code, ctx.shop.settings
    erp = Erp(ctx.engine)
    lookups = ErpLookups(erp)
    with ctx.engine.connect() as conn:
        orders = candidates(conn, shop, params)
    changes: list[dict[str, Any]] = []
    for done, row in enumerate(orders, start=1):
        ctx.stats["read"] += 1
        if row["cancelled_at"] is not None:
            ctx.stats["cancelled"] += 1
            changes.append(_change(row, "cancelled", message="cancelled in Shopify; no sales document"))
            continue
        changes.append(_one(ctx, erp, lookups, shop, settings, row))
        ctx.progress(done, len(orders), f"order {row.get('order_no')}: {changes[-1]['action']}")
    if settings.return_refund_process == "auto_create":
        changes += refunds.create_credit_memos(ctx, erp, lookups)
    if ctx.dry_run:
        return pd.DataFrame(changes, columns=CHANGE_COLUMNS)
    return None


def _one(
    ctx: RunContext, erp: Erp, lookups: ErpLookups, shop: str, settings: ShopSettings, row: dict[str, Any]
) -> dict[str, Any]:
    """Map and write one order; a failure of this order is marked on it and returned as an "error" change."""
    with ctx.engine.connect() as conn:
        order = load_order(conn, shop, row["id"])
    try:
        customer, planned = map_order(order, settings, lookups)
    except MappingError as exc:
        mark_error(ctx, shop, row, str(exc))
        return _change(row, "error", message=str(exc))
    change = _planned_change(row, customer, planned)
    if ctx.dry_run:
        return change
    try:
        with ctx.engine.begin() as conn:
            action, no = write_document(erp, conn, order, customer, planned, settings)
    except (ShopopsError, IntegrityError) as exc:  # the ERP refused this order's document: the order's fault
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        message = f"the ERP refused the document: {text}"
        mark_error(ctx, shop, row, message)
        return _change(row, "error", message=message)
    ctx.stats[action.replace("already processed", "unchanged")] += 1
    change.update(action=action, document_no=no)
    return change


__all__ = ["create_sales_documents", "load_order", "map_order", "write_document"]
