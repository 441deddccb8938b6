"""sync-payouts against the sandbox, on SQLite and PostgreSQL: new records by since-id, open ones refreshed,
no duplicates on a re-run, and a dry run that writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.sandbox import Sandbox
from shopops.store import tables as t


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="small", plan="plus") as shop:
        yield shop


@pytest.fixture
def shop(ws: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SANDBOX_TOKEN", sandbox.add_token("demo"))
    ws.shops.add("SBX", url=sandbox.url, token_env="SANDBOX_TOKEN", allow_background_sync=False)
    return "SBX"


def count(ws: Any, table: sa.Table) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def one(ws: Any, table: sa.Table, record_id: int) -> dict[str, Any]:
    with ws.engine.connect() as conn:
        return dict(conn.execute(sa.select(table).where(table.c.id == record_id)).mappings().one())


def test_imports_everything_once(ws: Any, shop: str, sandbox: Any) -> None:
    state = sandbox.state
    result = ws.run("sync-payouts", shop=shop)
    assert result.ok, result.error
    assert count(ws, t.shopify_payout) == len(state.table("ShopifyPaymentsPayout")) > 0
    assert count(ws, t.shopify_balance_transaction) == len(state.table("ShopifyPaymentsBalanceTransaction"))
    assert count(ws, t.shopify_dispute) == len(state.table("ShopifyPaymentsDispute")) > 0
    payout = next(iter(state.table("ShopifyPaymentsPayout").values()))
    row = one(ws, t.shopify_payout, int(payout["legacyResourceId"]))
    assert row["net_amount"] == Decimal(payout["net"]["amount"]) and row["status"] == payout["status"]
    tx = one(ws, t.shopify_balance_transaction, int(next(iter(state.table("ShopifyPaymentsBalanceTransaction")))))
    assert tx["payout_id"] is not None and isinstance(tx["fee"], Decimal)

    again = ws.run("sync-payouts", shop=shop)
    assert again.ok and again.stats.get("created", 0) == 0 and again.stats.get("updated", 0) == 0
    assert count(ws, t.shopify_payout) == len(state.table("ShopifyPaymentsPayout"))


def test_open_payouts_and_disputes_are_refreshed_and_new_ones_added(ws: Any, shop: str, sandbox: Any) -> None:
    ws.run("sync-payouts", shop=shop)
    state = sandbox.state
    scheduled = next(p for p in state.table("ShopifyPaymentsPayout").values() if p["status"] == "SCHEDULED")
    dispute = next(iter(state.table("ShopifyPaymentsDispute").values()))
    old = (scheduled["status"], dispute["status"])
    with state.lock:
        scheduled["status"], dispute["status"] = "PAID", "UNDER_REVIEW" if old[1] != "UNDER_REVIEW" else "LOST"
        added = state.insert("ShopifyPaymentsPayout", {**scheduled, "id": None, "status": "SCHEDULED"})
        added.pop("legacyResourceId", None)
    try:
        result = ws.run("sync-payouts", shop=shop)
    finally:
        with state.lock:
            scheduled["status"], dispute["status"] = old
            state.table("ShopifyPaymentsPayout").pop(int(added["id"].rsplit("/", 1)[-1]))
    assert result.ok, result.error
    assert one(ws, t.shopify_payout, int(scheduled["legacyResourceId"]))["status"] == "PAID"
    assert one(ws, t.shopify_payout, int(added["id"].rsplit("/", 1)[-1]))["status"] == "SCHEDULED"
    if old[1] not in ("WON", "LOST"):
        assert one(ws, t.shopify_dispute, int(dispute["legacyResourceId"]))["status"] != old[1]
    assert result.stats["created"] == 1 and result.stats["updated"] >= 1


def test_dry_run_writes_nothing(ws: Any, shop: str) -> None:
    result = ws.run("sync-payouts", shop=shop, dry_run=True)
    assert result.ok and result.changes is not None and len(result.changes) > 0
    assert set(result.changes["kind"]) >= {"payouts", "balance_transactions"}
    assert count(ws, t.shopify_payout) == count(ws, t.shopify_balance_transaction) == 0
