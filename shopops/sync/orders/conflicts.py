"""Conflict detection for processed orders (BC's "Has Order State Error").

Once an order has a sales document, a change in Shopify is not copied into the mirror's lines: the
document would no longer match. Instead the order is marked ``has_conflict`` with the reason, and the
user decides (update the document, or unlink it). What counts as a conflict, as in BC:

* the current quantity of items went **up**;
* the set of lines changed (the hash of the sorted line ids differs);
* the shipping amount changed;
* the order was cancelled;
* a refund arrived that will not become a credit memo by itself (the shop's ``return_refund_process``
  is not ``auto_create``, or the refund has zero-amount lines that are not restocked).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Decimal
from typing import Any

from shopops.sync.orders.parse import OrderData


def is_processed(header: Mapping[str, Any] | None) -> bool:
    """True when the order has (had) a sales document: ``processed`` or a document number."""
    return bool(header and (header.get("processed") or header.get("sales_document_no")))


def _refund_can_become_credit_memo(data: OrderData, refund_id: int) -> bool:
    lines = [r for r in data.refund_lines if r["refund_id"] == refund_id]
    return all((r.get("subtotal_amount") or Decimal(0)) != 0 or r.get("restock_type") == "RETURN" for r in lines)


def line_changes(stored_lines: Mapping[int, Mapping[str, Any]], data: OrderData) -> list[str]:
    """What an edit did to the lines, as a person reads it: added, removed, quantity changed (by title)."""
    new = {int(x["id"]): x for x in data.lines}
    changes = []
    for line_id, line in sorted(new.items(), key=lambda kv: kv[1].get("position", 0)):
        old = stored_lines.get(line_id)
        title = repr(line.get("title") or line_id)
        if old is None:
            changes.append(f"line {title} added ({line.get('current_quantity')})")
        elif old.get("current_quantity") != line.get("current_quantity"):
            changes.append(f"line {title} quantity {old.get('current_quantity')} -> {line.get('current_quantity')}")
    for line_id, old in stored_lines.items():
        if line_id not in new:
            changes.append(f"line {old.get('title') or line_id!r} removed")
    return changes


def find_conflicts(
    stored: Mapping[str, Any] | None,
    stored_refund_ids: Set[int],
    data: OrderData,
    return_refund_process: str = "",
    stored_lines: Mapping[int, Mapping[str, Any]] | None = None,
) -> list[str]:
    """Why the re-imported ``data`` no longer matches the processed order ``stored`` (empty: no conflict).

    ``stored_lines`` (the mirror's lines by id) lets an edit say what it changed."""
    if stored is None or not is_processed(stored):
        return []
    new = data.header
    reasons: list[str] = []
    old_qty, new_qty = stored.get("current_total_quantity"), new.get("current_total_quantity")
    if old_qty is not None and new_qty is not None and new_qty > old_qty:
        reasons.append(f"quantity went up from {old_qty} to {new_qty}")
    if stored.get("line_items_hash") and stored["line_items_hash"] != new.get("line_items_hash"):
        reasons.append("the order's lines were added or removed")
    old_ship, new_ship = stored.get("shipping_amount"), new.get("shipping_amount")
    if (old_ship or Decimal(0)) != (new_ship or Decimal(0)):
        reasons.append(f"shipping changed from {old_ship} to {new_ship}")
    if new.get("edited") and stored_lines is not None:
        changed = line_changes(stored_lines, data)
        if changed:
            reasons.append("edited in Shopify: " + ", ".join(changed))
    if new.get("cancelled_at") and not stored.get("cancelled_at"):
        reasons.append("cancelled in Shopify")
    new_refunds = sorted(r["id"] for r in data.refunds if r["id"] not in stored_refund_ids)
    if new_refunds:
        handled = return_refund_process == "auto_create" and all(
            _refund_can_become_credit_memo(data, r) for r in new_refunds
        )
        if not handled:
            reasons.append(f"refunded after processing (refund {', '.join(map(str, new_refunds))})")
    return reasons


def conflict_message(reasons: list[str]) -> str:
    """The text stored in ``conflict_reason``."""
    return (
        "already processed; changes were not propagated to the sales document: "
        + "; ".join(reasons)
        + ". Update the processed documents, then resolve the conflict."
    )
