"""Actions on one Shopify order, as BC's order page has them: unlink its document, resolve its conflict.

    from shopops.sync.orders.actions import OrderActions
    actions = OrderActions(ws, "DEMO")
    actions.unlink(5001)              # deletes the unposted document, the order is unprocessed again
    actions.mark_conflict_resolved(5001)
    actions.frame()                   # the shop's orders: processed, document no., errors, conflicts

or the functions ``unlink_order(ws, "DEMO", 5001)`` and ``mark_conflict_resolved(ws, "DEMO", 5001)``.
Each runs in one transaction: the document and the order's marks change together, or not at all.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine, select, update

from shopops.erp import Erp
from shopops.errors import InvalidState, NotFound
from shopops.store import tables as t

O = t.shopify_order  # noqa: E741
SH = t.erp_sales_header
FRAME_COLUMNS = [
    "id",
    "order_no",
    "financial_status",
    "fulfillment_status",
    "processed",
    "sales_document_no",
    "processed_currency_handling",
    "has_error",
    "error_message",
    "has_conflict",
    "conflict_reason",
]


def _engine(ws: Any) -> Engine:
    return getattr(ws, "engine", ws)


def _header(conn: Any, shop: str, order_id: int) -> dict[str, Any]:
    query = select(O).where(O.c.shop_code == shop, O.c.id == order_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"Shopify order {order_id} of shop {shop} is not in the order mirror (run sync-orders)")
    return dict(row)


def unlink_order(ws: Any, shop: str, order_id: int) -> list[str]:
    """Delete the order's unposted sales order/invoice and make the order unprocessed again.

    Clears processed, the document no., the error and the conflict, and forgets the order's data hash so
    that the next sync-orders reads it in full as Shopify has it now; then create-sales-documents makes
    a new document. A (partly) posted document cannot be unlinked (InvalidState). Returns the deleted nos.
    """
    engine = _engine(ws)
    erp = Erp(engine)
    with engine.begin() as conn:
        _header(conn, shop, order_id)
        docs = conn.execute(
            select(SH.c.document_type, SH.c.no, SH.c.posted).where(
                SH.c.shop_code == shop, SH.c.shopify_order_id == order_id, SH.c.shopify_refund_id.is_(None)
            )
        ).all()
        for doc in docs:
            if doc.posted:
                raise InvalidState(f"{doc.document_type} {doc.no} of order {order_id} is posted and cannot be unlinked")
            erp.sales.delete(doc.document_type, doc.no, conn=conn)
        conn.execute(
            update(O)
            .where(O.c.shop_code == shop, O.c.id == order_id)
            .values(
                processed=False,
                sales_document_no=None,
                processed_currency_handling=None,
                has_error=False,
                error_message=None,
                has_conflict=False,
                conflict_reason=None,
                data_hash=None,
            )
        )
    return [doc.no for doc in docs]


def mark_conflict_resolved(ws: Any, shop: str, order_id: int) -> bool:
    """BC's "Mark Conflict as Resolved": clear has_conflict and its reason; False when there was none."""
    with _engine(ws).begin() as conn:
        header = _header(conn, shop, order_id)
        if not header["has_conflict"]:
            return False
        conn.execute(
            update(O).where(O.c.shop_code == shop, O.c.id == order_id).values(has_conflict=False, conflict_reason=None)
        )
    return True


def orders_frame(ws: Any, shop: str, *, errors_only: bool = False, conflicts_only: bool = False) -> pd.DataFrame:
    """The shop's orders with their processing state, for a notebook or a review."""
    query = select(*(O.c[c] for c in FRAME_COLUMNS)).where(O.c.shop_code == shop).order_by(O.c.id)
    if errors_only:
        query = query.where(O.c.has_error.is_(True))
    if conflicts_only:
        query = query.where(O.c.has_conflict.is_(True))
    with _engine(ws).connect() as conn:
        return pd.DataFrame([dict(r) for r in conn.execute(query).mappings()], columns=FRAME_COLUMNS)


class OrderActions:
    """The order actions of one shop, for notebooks: ``unlink``, ``mark_conflict_resolved``, ``frame``."""

    def __init__(self, ws: Any, shop: str) -> None:
        self.ws = ws
        self.shop = shop

    def unlink(self, order_id: int) -> list[str]:
        """See :func:`unlink_order`."""
        return unlink_order(self.ws, self.shop, order_id)

    def mark_conflict_resolved(self, order_id: int) -> bool:
        """See :func:`mark_conflict_resolved`."""
        return mark_conflict_resolved(self.ws, self.shop, order_id)

    def frame(self, *, errors_only: bool = False, conflicts_only: bool = False) -> pd.DataFrame:
        """See :func:`orders_frame`."""
        return orders_frame(self.ws, self.shop, errors_only=errors_only, conflicts_only=conflicts_only)

    def __repr__(self) -> str:
        return f"Order actions for shop {self.shop}: unlink(order_id), mark_conflict_resolved(order_id), frame()"
