"""``sync-payouts`` (BC 30105 and 30120): Shopify Payments payouts, balance transactions and disputes.

    ws.run("sync-payouts", shop="DEMO")

As BC does it, per run:

1. refresh the balance transactions that had no payout yet, and the payouts that are not PAID/CANCELED,
   and the disputes that are not WON/LOST (by id, ``id:1 OR id:2 ...``, in batches);
2. import new ones by since-id: ``id:>=<largest id stored>`` (the row at the boundary is upserted again).

Every page is upserted on (shop, Shopify id) in one short transaction after the call returned, so
re-running never duplicates. ``dry_run`` returns the rows that would be written and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Table, func, insert, select, update

from shopops.shopify import operations
from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.context import RunContext
from shopops.sync.registry import Param, report_spec
from shopops.sync.values import amount, shopify_id, when

#: Ids per refresh query (BC asks for 200 at a time).
REFRESH_BATCH = 100
#: Largest page per kind that stays under the 1,000-point query limit.
MAX_PAGE = {"balance_transactions": 100, "payouts": 50, "disputes": 100}
FINAL_PAYOUT = ("PAID", "CANCELED", "FAILED")
FINAL_DISPUTE = ("WON", "LOST", "ACCEPTED")


def _money(value: dict[str, Any] | None) -> Any:
    return amount((value or {}).get("amount"))


def payout_row(node: dict[str, Any]) -> dict[str, Any]:
    """A ``shopify_payout`` row from a ``SyncGetPayouts`` node."""
    summary = node.get("summary") or {}
    return {
        "id": shopify_id(node["id"]),
        "status": node.get("status"),
        "issued_at": when(node.get("issuedAt")),
        "transaction_type": node.get("transactionType"),
        "currency_code": (node.get("net") or {}).get("currencyCode"),
        "net_amount": _money(node.get("net")),
        "gross_amount": _money(node.get("gross")),
        "charges_gross": _money(summary.get("chargesGross")),
        "charges_fee": _money(summary.get("chargesFee")),
        "refunds_gross": _money(summary.get("refundsFeeGross")),
        "refunds_fee": _money(summary.get("refundsFee")),
        "adjustments_gross": _money(summary.get("adjustmentsGross")),
        "adjustments_fee": _money(summary.get("adjustmentsFee")),
        "external_trace_id": node.get("externalTraceId"),
    }


def balance_row(node: dict[str, Any]) -> dict[str, Any]:
    """A ``shopify_balance_transaction`` row from a ``GetBalanceTransactions`` node."""
    payout = node.get("associatedPayout") or {}
    return {
        "id": shopify_id(node["id"]),
        "type": node.get("type"),
        "test": bool(node.get("test")),
        "transaction_date": when(node.get("transactionDate")),
        "currency_code": (node.get("amount") or {}).get("currencyCode"),
        "amount": _money(node.get("amount")),
        "fee": _money(node.get("fee")),
        "net": _money(node.get("net")),
        "source_id": _int(node.get("sourceId")),
        "source_type": node.get("sourceType"),
        "source_order_transaction_id": _int(node.get("sourceOrderTransactionId")),
        "order_id": shopify_id((node.get("associatedOrder") or {}).get("id")),
        "payout_id": shopify_id(payout.get("id")),
        "payout_status": payout.get("status"),
    }


def dispute_row(node: dict[str, Any]) -> dict[str, Any]:
    """A ``shopify_dispute`` row from a ``GetDisputes`` node."""
    reason = node.get("reasonDetails") or {}
    return {
        "id": shopify_id(node["id"]),
        "order_id": shopify_id((node.get("order") or {}).get("id")),
        "status": node.get("status"),
        "type": node.get("type"),
        "amount": _money(node.get("amount")),
        "currency_code": (node.get("amount") or {}).get("currencyCode"),
        "reason": reason.get("reason"),
        "network_reason_code": reason.get("networkReasonCode"),
        "initiated_at": when(node.get("initiatedAt")),
        "evidence_due_by": when(node.get("evidenceDueBy")),
        "evidence_sent_on": when(node.get("evidenceSentOn")),
        "finalized_on": when(node.get("finalizedOn")),
    }


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


KINDS: dict[str, tuple[str, Table, str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "balance_transactions": (
        "GetBalanceTransactions",
        t.shopify_balance_transaction,
        "balanceTransactions",
        balance_row,
    ),
    "payouts": ("SyncGetPayouts", t.shopify_payout, "payouts", payout_row),
    "disputes": ("GetDisputes", t.shopify_dispute, "disputes", dispute_row),
}


def _open_ids(engine: Engine, shop: str, kind: str) -> list[int]:
    """Stored records still expected to change."""
    table = KINDS[kind][1]
    query = select(table.c.id).where(table.c.shop_code == shop)
    if kind == "payouts":
        query = query.where(table.c.status.is_(None) | table.c.status.not_in(FINAL_PAYOUT))
    elif kind == "disputes":
        query = query.where(table.c.status.is_(None) | table.c.status.not_in(FINAL_DISPUTE))
    else:
        query = query.where(table.c.payout_id.is_(None) | table.c.payout_status.not_in(FINAL_PAYOUT))
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(table.c.id)).scalars())


def _max_id(engine: Engine, shop: str, kind: str) -> int | None:
    table = KINDS[kind][1]
    with engine.connect() as conn:
        return conn.execute(select(func.max(table.c.id)).where(table.c.shop_code == shop)).scalar_one_or_none()


def _queries(engine: Engine, shop: str, kind: str) -> Iterator[str | None]:
    ids = _open_ids(engine, shop, kind)
    for i in range(0, len(ids), REFRESH_BATCH):
        yield " OR ".join(f"id:{n}" for n in ids[i : i + REFRESH_BATCH])
    since = _max_id(engine, shop, kind)
    yield None if since is None else f"id:>={since}"


def _upsert(ctx: RunContext, shop: str, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    now = utcnow()
    with ctx.engine.begin() as conn:
        for row in rows:
            key = (table.c.shop_code == shop) & (table.c.id == row["id"])
            stored = conn.execute(select(table).where(key)).mappings().first()
            if stored is None:
                conn.execute(insert(table).values(shop_code=shop, imported_at=now, updated_at=now, **row))
                ctx.stats["created"] += 1
            elif any(stored[k] != v for k, v in row.items()):
                conn.execute(update(table).where(key).values(updated_at=now, **row))
                ctx.stats["updated"] += 1


PARAMS = {
    "page_size": Param(int, default=100, doc="records per page (at most 50 payouts, 100 others)"),
    "disputes": Param(bool, default=True, doc="also sync disputes (BC's 30120)"),
}


@report_spec("sync-payouts", bc_id=30105, params=PARAMS)
def sync_payouts(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Shopify Payments payouts, balance transactions and disputes: new ones by since-id, open ones refreshed."""
    if ctx.shop is None:
        raise ValueError("sync-payouts needs a shop")
    shop = ctx.shop.code
    kinds = [k for k in KINDS if k != "disputes" or params.get("disputes", True)]
    changes: list[dict[str, Any]] = []
    for kind in kinds:
        document, table, field, parse = KINDS[kind]
        seen: set[int] = set()
        for query in list(_queries(ctx.engine, shop, kind)):
            variables = {"first": min(int(params.get("page_size") or 100), MAX_PAGE[kind]), "query": query}
            path = ("shopifyPaymentsAccount", field)
            for page in ctx.client.pages(operations.load(document), variables, path=path):
                rows = [parse(node) for node in page.nodes]
                rows = [r for r in rows if r["id"] not in seen]
                seen.update(r["id"] for r in rows)
                ctx.stats["read"] += len(rows)
                if ctx.dry_run:
                    changes += [{"kind": kind, **r} for r in rows]
                else:
                    _upsert(ctx, shop, table, rows)
                ctx.progress(ctx.stats["read"], None, f"{kind}, page {page.number}")
        ctx.stats[kind] = len(seen)
    return pd.DataFrame(changes) if ctx.dry_run else None
