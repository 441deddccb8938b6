"""Refunds of processed orders -> ERP credit memos (BC's "Return and Refund Process" = auto create).

Run at the end of ``create-sales-documents`` and, through it, after ``sync-orders`` when the shop card's
``return_refund_process`` is ``auto_create``. For each refund of a processed order that is not processed:

* it waits while a refund transaction of the order is pending;
* it is passed over (with the reason) when a line has no amount and is not a return (BC's "Can Create
  Credit Memo"), or when an account it needs is blank;
* restocked lines become item lines at ``return_location`` (else the original line's location), lines
  not restocked go to ``refund_account_non_restock`` (a sold gift card back to ``sold_gift_card_account``),
  and the rest of the refunded money (shipping, adjustments) to ``refund_account``, so that the credit
  memo's total is exactly what was refunded.

The credit memo and the refund's ``processed`` mark are written in one transaction, and the ERP's unique
key on shop + refund id refuses a second credit memo for the same refund. Refunds made before the order's
document was created are marked processed with it (the document already has the current quantities).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from shopops.erp import Erp, NewSalesLine, SalesDocument
from shopops.erp import amounts as am
from shopops.errors import ShopopsError
from shopops.shop_settings import ShopSettings
from shopops.store import tables as t
from shopops.sync.context import RunContext
from shopops.sync.sales_documents.mapping import ErpLookups, MappingError, map_item

O = t.shopify_order  # noqa: E741
R = t.shopify_refund
RL = t.shopify_refund_line
TX = t.shopify_order_transaction
ZERO = Decimal(0)
RESTOCKED_TYPES = ("RETURN", "RESTOCK", "LEGACY_RESTOCK")


class RefundWait(Exception):
    """The refund cannot become a credit memo yet (a refund transaction is pending); tried again next run."""


def refunds_to_process(conn: Connection, shop: str) -> list[dict[str, Any]]:
    """Unprocessed refunds of processed orders, oldest first, with their order's header."""
    query = (
        select(R.c.id, R.c.order_id, R.c.total_refunded, R.c.presentment_total_refunded, R.c.note)
        .select_from(R.join(O, (O.c.shop_code == R.c.shop_code) & (O.c.id == R.c.order_id)))
        .where(R.c.shop_code == shop, R.c.processed.is_(False), O.c.processed.is_(True))
        .order_by(R.c.shopify_created_at, R.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def refund_pending(conn: Connection, shop: str, order_id: int) -> bool:
    """Whether a refund transaction of the order is still pending."""
    query = select(TX.c.id).where(
        TX.c.shop_code == shop, TX.c.order_id == order_id, TX.c.kind == "REFUND", TX.c.status == "PENDING"
    )
    return conn.execute(query.limit(1)).first() is not None


def plan_credit_memo(
    refund: dict[str, Any],
    refund_lines: list[dict[str, Any]],
    order: dict[str, Any],
    order_lines: dict[int, dict[str, Any]],
    document: SalesDocument,
    settings: ShopSettings,
    lookups: ErpLookups,
) -> list[NewSalesLine]:
    """The credit memo's lines for one refund; MappingError says which line or setting stands in the way."""
    presentment = order.get("processed_currency_handling") == "presentment" and bool(document.currency_code)
    rate = Decimal(1)
    if presentment and order.get("total_amount"):
        rate = Decimal(order["presentment_total_amount"]) / Decimal(order["total_amount"])
    by_line = {x.shopify_order_line_id: x for x in document.lines if x.shopify_line_type != "shipping_line"}
    lines: list[NewSalesLine] = []
    credited = ZERO
    for rl in sorted(refund_lines, key=lambda r: r["id"]):
        subtotal = Decimal(rl.get("subtotal_amount") or 0)
        restocked = bool(rl.get("restocked")) or rl.get("restock_type") in RESTOCKED_TYPES
        if not subtotal and rl.get("restock_type") != "RETURN":
            raise MappingError(f"refund line {rl['id']} has no amount and is not a return: no credit memo")
        if not rl["quantity"]:
            continue
        unit = am.round_amount(Decimal(rl.get("unit_amount") or subtotal / rl["quantity"]) * rate)
        original = by_line.get(rl["line_id"])
        order_line = order_lines.get(rl["line_id"], {})
        tax = original.tax_percent if original else ZERO
        incl = document.prices_including_tax
        computed = am.line_amounts(Decimal(rl["quantity"]), unit, tax_percent=tax, prices_including_tax=incl)
        # Shopify's tax on the refund line (shop currency) is what goes back to the customer, to the cent
        shopify_tax = None if presentment or rl.get("tax_amount") is None else Decimal(rl["tax_amount"])
        difference = ZERO if shopify_tax is None else am.tax_difference(shopify_tax, computed)
        common: dict[str, Any] = {
            "shopify_line_type": "refund_line",
            "shopify_order_line_id": int(rl["id"]),
            "tax_percent": tax,
            "tax_difference": difference,
        }
        description = str(order_line.get("title") or (original.description if original else "Refund"))[:100]
        if order_line.get("is_gift_card") or (original is not None and original.shopify_line_type == "gift_card"):
            account = _account(settings.sold_gift_card_account, "sold_gift_card_account", rl)
            line = NewSalesLine("gl_account", account, rl["quantity"], unit, description=description, **common)
        elif restocked:
            if original is not None and original.type == "item":
                item_no, variant, location = original.no, original.variant_code, original.location_code
            else:
                match = map_item(order_line.get("sku"), settings, lookups)
                item_no, variant, location = match.item_no, match.variant_code, None
            line = NewSalesLine(
                "item",
                item_no,
                rl["quantity"],
                unit,
                variant_code=variant,
                location_code=settings.return_location or location or settings.order_location_code or None,
                description=description,
                **common,
            )
        else:
            account = _account(settings.refund_account_non_restock, "refund_account_non_restock", rl)
            line = NewSalesLine("gl_account", account, rl["quantity"], unit, description=description, **common)
        lines.append(line)
        credited += am.line_amounts(
            Decimal(rl["quantity"]), unit, tax_percent=tax, prices_including_tax=incl, tax_difference=difference
        ).amount_including_tax
    total = refund.get("presentment_total_refunded" if presentment else "total_refunded") or ZERO
    remainder = Decimal(total) - credited
    if remainder:
        if not settings.refund_account:
            raise MappingError(
                f"{am.plain(remainder)} of the refund is not on a line (shipping, adjustments), "
                "but refund_account is blank"
            )
        lines.append(
            NewSalesLine(
                "gl_account",
                settings.refund_account,
                Decimal(1),
                remainder,
                description="Refund (shipping and adjustments)",
                shopify_line_type="refund",
                shopify_order_line_id=int(refund["id"]),
            )
        )
    if not lines:
        raise MappingError("the refund has no lines and no amount: nothing to credit")
    return lines


def _account(account: str, setting: str, rl: dict[str, Any]) -> str:
    if not account:
        raise MappingError(f"refund line {rl['id']} needs {setting}, which is blank")
    return account


def create_credit_memos(ctx: RunContext, erp: Erp, lookups: ErpLookups) -> list[dict[str, Any]]:
    """Credit memos for the shop's unprocessed refunds of processed orders; the change rows (dry run too)."""
    assert ctx.shop is not None
    shop, settings = ctx.shop.code, ctx.shop.settings
    with ctx.engine.connect() as conn:
        todo = refunds_to_process(conn, shop)
    changes = []
    for refund in todo:
        change = {"order_id": refund["order_id"], "action": "credit_memo", "document_type": "credit_memo"}
        try:
            lines, document, order = _plan(ctx, erp, lookups, shop, settings, refund)
        except RefundWait as exc:
            ctx.stats["refunds_waiting"] += 1
            changes.append({**change, "action": "waiting", "message": str(exc)})
            continue
        except MappingError as exc:
            ctx.skip("refund", refund["id"], f"refund {refund['id']} of order {refund['order_id']}: {exc}")
            changes.append({**change, "action": "error", "message": str(exc)})
            continue
        change.update(order_no=order.get("order_no"), customer_no=document.sell_to_customer_no, lines=len(lines))
        if not ctx.dry_run:
            try:
                with ctx.engine.begin() as conn:
                    change["document_no"] = _write(erp, conn, shop, refund, order, document, lines, settings)
            except (ShopopsError, IntegrityError) as exc:
                text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                ctx.skip("refund", refund["id"], f"the ERP refused the credit memo: {text}")
                changes.append({**change, "action": "error", "message": text})
                continue
            ctx.stats["credit_memos_created"] += 1
        changes.append(change)
    return changes


def _plan(
    ctx: RunContext, erp: Erp, lookups: ErpLookups, shop: str, settings: ShopSettings, refund: dict[str, Any]
) -> tuple[list[NewSalesLine], SalesDocument, dict[str, Any]]:
    if settings.process_returns_as != "credit_memo":
        raise MappingError("process_returns_as=return_order: the ERP has no return orders; choose credit_memo")
    with ctx.engine.connect() as conn:
        if refund_pending(conn, shop, refund["order_id"]):
            raise RefundWait(f"a refund transaction of order {refund['order_id']} is pending")
        order = dict(
            conn.execute(select(O).where(O.c.shop_code == shop, O.c.id == refund["order_id"])).mappings().one()
        )
        refund_lines = [
            dict(r)
            for r in conn.execute(select(RL).where(RL.c.shop_code == shop, RL.c.refund_id == refund["id"])).mappings()
        ]
        line_table = t.shopify_order_line
        order_lines = {
            r["id"]: dict(r)
            for r in conn.execute(
                select(line_table).where(line_table.c.shop_code == shop, line_table.c.order_id == refund["order_id"])
            ).mappings()
        }
    document = erp.sales.find_shopify(shop, refund["order_id"])
    if document is None:
        raise MappingError("the order's sales document no longer exists (unlink the order and create it again)")
    return plan_credit_memo(refund, refund_lines, order, order_lines, document, settings, lookups), document, order


def _write(
    erp: Erp,
    conn: Connection,
    shop: str,
    refund: dict[str, Any],
    order: dict[str, Any],
    document: SalesDocument,
    lines: list[NewSalesLine],
    settings: ShopSettings,
) -> str:
    memo = erp.sales.create(
        "credit_memo",
        document.sell_to_customer_no,
        lines,
        on_conflict="return",
        conn=conn,
        bill_to_customer_no=document.bill_to_customer_no,
        shop_code=shop,
        shopify_order_id=refund["order_id"],
        shopify_order_no=order.get("order_no") or "",
        shopify_refund_id=refund["id"],
        currency_code=document.currency_code,
        prices_including_tax=document.prices_including_tax,
        applies_to_doc_no=document.no,
    )
    if settings.auto_release_sales_orders and memo.status == "open":
        erp.sales.release("credit_memo", memo.no, conn=conn)
    conn.execute(update(R).where(R.c.shop_code == shop, R.c.id == refund["id"]).values(processed=True))
    return memo.no
