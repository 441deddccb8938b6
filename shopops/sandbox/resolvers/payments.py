"""Shopify Payments: the account, payouts, balance transactions and disputes (read-only), and their seed.

Balance transactions are derived from orders paid through the ``shopify_payments`` gateway (charges,
refunds, fees of 2.9% + 0.30); they are grouped into weekly payouts (the newest still SCHEDULED, the
one before IN_TRANSIT). A few charges carry a dispute.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from shopops.sandbox.engine.search import Matcher
from shopops.sandbox.resolvers.common import ResolverMap, connect, money_v2, state_of, time_sort
from shopops.sandbox.state.store import Record, ShopState, iso, money

FEE_RATE, FEE_FIXED = Decimal("0.029"), Decimal("0.30")
PAYOUT_SEARCH = Matcher(
    {
        "status": ("string", lambda r: r["status"].lower()),
        "issued_at": ("time", lambda r: r.get("issuedAt")),
        "date": ("time", lambda r: r.get("issuedAt")),
        "id": ("number", lambda r: r["id"]),
    },
    default=lambda r: r.get("status"),
)
TX_SEARCH = Matcher(
    {
        "payout_date": ("time", lambda r: r.get("_payoutDate")),
        "payout_status": ("string", lambda r: (r.get("associatedPayout") or {}).get("status", "").lower()),
        "processed_at": ("time", lambda r: r.get("transactionDate")),
        "transaction_date": ("time", lambda r: r.get("transactionDate")),
        "type": ("string", lambda r: r["type"].lower()),
        "id": ("number", lambda r: r["id"]),
    },
    default=lambda r: r.get("type"),
)
DISPUTE_SEARCH = Matcher(
    {
        "status": ("string", lambda r: r["status"].lower()),
        "initiated_at": ("time", lambda r: r.get("initiatedAt")),
        "id": ("number", lambda r: r["id"]),
    },
    default=lambda r: r.get("status"),
)


def _week_start(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (moment - timedelta(days=moment.weekday())).replace(hour=0, minute=0, second=0)


def seed_payments(state: ShopState, rng: random.Random) -> None:
    """Derive balance transactions, weekly payouts and disputes from the seeded orders."""
    cur = state.info.currency
    weeks: dict[datetime, list[Record]] = {}
    for tx in list(state.table("OrderTransaction").values()):
        if tx["gateway"] != "shopify_payments" or tx["status"] != "SUCCESS" or tx["kind"] not in ("SALE", "REFUND"):
            continue
        amount = Decimal(tx["_amount"]) * (1 if tx["kind"] == "SALE" else -1)
        fee = (abs(amount) * FEE_RATE + FEE_FIXED).quantize(Decimal("0.01")) if tx["kind"] == "SALE" else Decimal(0)
        order = state.get(tx["orderId"], "Order") or {}
        bt = state.insert(
            "ShopifyPaymentsBalanceTransaction",
            {
                "type": "CHARGE" if tx["kind"] == "SALE" else "REFUND",
                "test": bool(order.get("test")),
                "amount": money_v2(amount, cur),
                "fee": money_v2(fee, cur),
                "net": money_v2(amount - fee, cur),
                "transactionDate": tx["processedAt"],
                "sourceType": "CHARGE" if tx["kind"] == "SALE" else "REFUND",
                "sourceId": tx["legacyResourceId"],
                "sourceOrderTransactionId": tx["legacyResourceId"],
                "associatedOrder": {"id": order.get("id"), "name": order.get("name")},
                "_orderId": order.get("id"),
            },
            tx["processedAt"],
        )
        weeks.setdefault(_week_start(tx["processedAt"]), []).append(bt)
    ordered = sorted(weeks)
    for i, week in enumerate(ordered):
        txs = weeks[week]
        issued = iso(week + timedelta(days=7, hours=6))
        status = "SCHEDULED" if i == len(ordered) - 1 else "IN_TRANSIT" if i == len(ordered) - 2 else "PAID"
        gross = sum((Decimal(t["amount"]["amount"]) for t in txs if t["type"] == "CHARGE"), Decimal(0))
        refunds = sum((Decimal(t["amount"]["amount"]) for t in txs if t["type"] == "REFUND"), Decimal(0))
        fees = sum((Decimal(t["fee"]["amount"]) for t in txs), Decimal(0))
        net = gross + refunds - fees
        zero = money_v2(0, cur)
        payout = state.insert(
            "ShopifyPaymentsPayout",
            {
                "status": status,
                "issuedAt": issued,
                "transactionType": "DEPOSIT" if net >= 0 else "WITHDRAWAL",
                "gross": money_v2(gross + refunds, cur),
                "net": money_v2(net, cur),
                "externalTraceId": f"TRACE{week:%Y%m%d}",
                "summary": {
                    "chargesGross": money_v2(gross, cur),
                    "chargesFee": money_v2(fees, cur),
                    "refundsFeeGross": money_v2(refunds, cur),
                    "refundsFee": zero,
                    "adjustmentsGross": zero,
                    "adjustmentsFee": zero,
                    "reservedFundsGross": zero,
                    "reservedFundsFee": zero,
                    "retriedPayoutsGross": zero,
                    "retriedPayoutsFee": zero,
                    "advanceGross": zero,
                    "advanceFees": zero,
                },
            },
            issued,
        )
        for t in txs:
            t["associatedPayout"] = {"id": payout["id"], "status": status}
            t["_payoutDate"] = issued
    charges = [t for t in state.table("ShopifyPaymentsBalanceTransaction").values() if t["type"] == "CHARGE"]
    for t in rng.sample(charges, min(len(charges), max(len(charges) // 50, 1 if charges else 0))):
        state.insert(
            "ShopifyPaymentsDispute",
            {
                "status": rng.choice(["NEEDS_RESPONSE", "UNDER_REVIEW", "WON", "LOST"]),
                "type": "CHARGEBACK",
                "amount": t["amount"],
                "initiatedAt": t["transactionDate"],
                "_orderId": t["_orderId"],
                "evidenceDueBy": iso(
                    datetime.fromisoformat(t["transactionDate"].replace("Z", "+00:00")) + timedelta(days=21)
                ),
                "reasonDetails": {
                    "reason": rng.choice(["FRAUDULENT", "PRODUCT_NOT_RECEIVED", "DUPLICATE"]),
                    "networkReasonCode": "4837",
                },
            },
            t["transactionDate"],
        )


def _account(_root: Any, info: GraphQLResolveInfo, **_args: Any) -> dict[str, Any]:
    state = state_of(info)
    pending = sum(
        (
            Decimal(t["net"]["amount"])
            for t in state.table("ShopifyPaymentsBalanceTransaction").values()
            if (t.get("associatedPayout") or {}).get("status") == "SCHEDULED"
        ),
        Decimal(0),
    )
    return {
        "id": "gid://shopify/ShopifyPaymentsAccount/1",
        "activated": True,
        "country": "US",
        "defaultCurrency": state.info.currency,
        "onboardable": False,
        "balance": [{"amount": money(pending), "currencyCode": state.info.currency}],
    }


def _payouts(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = state_of(info).table("ShopifyPaymentsPayout").values()
    if args.get("transactionType"):
        rows = [r for r in rows if r["transactionType"] == args["transactionType"]]  # type: ignore[assignment]
    return connect(info, rows, args, {"ISSUED_AT": time_sort("issuedAt"), "ID": None}, PAYOUT_SEARCH)


def _balance(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    rows = state_of(info).table("ShopifyPaymentsBalanceTransaction").values()
    return connect(
        info,
        rows,
        args,
        {"PROCESSED_AT": time_sort("transactionDate"), "ID": None, "PAYOUT_DATE": time_sort("_payoutDate")},
        TX_SEARCH,
    )


def _disputes(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connect(info, state_of(info).table("ShopifyPaymentsDispute").values(), args, None, DISPUTE_SEARCH)


RESOLVERS: ResolverMap = {
    "QueryRoot": {"shopifyPaymentsAccount": _account},
    "ShopifyPaymentsAccount": {"payouts": _payouts, "balanceTransactions": _balance, "disputes": _disputes},
    "ShopifyPaymentsDispute": {"order": lambda s, i, **_a: state_of(i).get(s.get("_orderId"), "Order")},
}
