"""Bulk operations with JSONL download, Shopify Payments reads, staged uploads and media."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import requests

from shopops.sandbox import Sandbox

from . import documents as docs
from .conftest import Client


def _finish(client: Client, op_id: str) -> dict[str, Any]:
    for _ in range(200):
        status: dict[str, Any] = client.data(docs.BULK_STATUS, {"id": op_id})["bulkOperation"]
        if status["status"] in ("COMPLETED", "FAILED", "CANCELED"):
            return status
        time.sleep(0.05)
    raise AssertionError("bulk operation did not finish")


def test_bulk_products_jsonl_with_parent_ids(client: Client, sandbox: Sandbox) -> None:
    run = client.data(docs.BULK_RUN, {"query": docs.BULK_PRODUCTS})["bulkOperationRunQuery"]
    assert run["userErrors"] == [] and run["bulkOperation"]["status"] == "CREATED"
    status = _finish(client, run["bulkOperation"]["id"])
    assert status["status"] == "COMPLETED"
    lines = [json.loads(x) for x in requests.get(status["url"], timeout=10).text.splitlines()]
    products = [x for x in lines if "__parentId" not in x]
    variants = [x for x in lines if "__parentId" in x]
    assert len(products) == len(sandbox.state.table("Product"))
    assert len(variants) == len(sandbox.state.table("ProductVariant"))
    assert status["objectCount"] == str(len(lines)) and int(status["fileSize"]) > 0
    product_ids = {p["id"] for p in products}
    assert all(v["__parentId"] in product_ids for v in variants)
    assert "variants" not in products[0]
    current = client.data(docs.BULK_CURRENT)["currentBulkOperation"]
    assert current["status"] == "COMPLETED"


def test_bulk_orders_with_filter(client: Client, sandbox: Sandbox) -> None:
    run = client.data(docs.BULK_RUN, {"query": docs.BULK_ORDERS})["bulkOperationRunQuery"]
    status = _finish(client, run["bulkOperation"]["id"])
    lines = [json.loads(x) for x in requests.get(status["url"], timeout=10).text.splitlines()]
    paid = [o for o in sandbox.state.table("Order").values() if o["displayFinancialStatus"] == "PAID"]
    assert len([x for x in lines if "__parentId" not in x]) == len(paid)
    listed = client.data(docs.BULK_LIST, {"query": "status:completed"})["bulkOperations"]["nodes"]
    assert len(listed) >= 1


def test_bulk_cancel_of_finished_operation_is_a_user_error(client: Client) -> None:
    run = client.data(docs.BULK_RUN, {"query": docs.BULK_PRODUCTS})["bulkOperationRunQuery"]
    _finish(client, run["bulkOperation"]["id"])
    result = client.data(docs.BULK_CANCEL, {"id": run["bulkOperation"]["id"]})["bulkOperationCancel"]
    assert result["bulkOperation"]["status"] == "COMPLETED"
    assert "cannot be canceled" in result["userErrors"][0]["message"]


def test_bulk_query_user_errors(client: Client) -> None:
    for query, fragment in (
        (docs.BULK_NO_CONNECTION, "at least one connection"),
        (docs.BULK_TOO_DEEP, "nesting"),
        ("{ nope }", "Invalid bulk query"),
    ):
        errors = client.data(docs.BULK_RUN, {"query": query})["bulkOperationRunQuery"]["userErrors"]
        assert errors and fragment in errors[0]["message"] and errors[0]["code"] == "INVALID"


def test_payments_payouts_balance_transactions_disputes(client: Client) -> None:
    account = client.data(docs.PAYMENTS)["shopifyPaymentsAccount"]
    payouts = account["payouts"]["nodes"]
    assert payouts and payouts[0]["status"] == "SCHEDULED"
    issued = [p["issuedAt"] for p in payouts]
    assert issued == sorted(issued, reverse=True)
    assert any(p["status"] == "PAID" for p in payouts)
    txs = account["balanceTransactions"]["nodes"]
    assert {"CHARGE"} <= {t["type"] for t in txs}
    assert all(t["associatedPayout"]["id"] for t in txs)
    charge = next(t for t in txs if t["type"] == "CHARGE")
    amount, fee = Decimal(charge["amount"]["amount"]), Decimal(charge["fee"]["amount"])
    assert Decimal(charge["net"]["amount"]) == amount - fee
    assert account["disputes"]["nodes"][0]["order"]["id"]


def test_staged_upload_then_product_media(client: Client, sandbox: Sandbox) -> None:
    targets = client.data(
        docs.STAGED_UPLOADS,
        {
            "input": [
                {"filename": "shirt.png", "mimeType": "image/png", "resource": "IMAGE", "httpMethod": "POST"},
                {"filename": "cap.png", "mimeType": "image/png", "resource": "IMAGE", "httpMethod": "PUT"},
            ]
        },
    )
    post_target, put_target = targets["stagedUploadsCreate"]["stagedTargets"]
    assert post_target["url"].startswith(sandbox.url)
    fields = {p["name"]: p["value"] for p in post_target["parameters"]}
    response = requests.post(
        post_target["url"], data=fields, files={"file": ("shirt.png", b"\x89PNG-shirt")}, timeout=10
    )
    assert response.status_code == 201
    assert requests.put(put_target["url"], data=b"\x89PNG-cap", timeout=10).status_code == 200
    assert requests.get(post_target["resourceUrl"], timeout=10).content == b"\x89PNG-shirt"
    product = next(iter(sandbox.state.table("Product").values()))
    updated = client.data(
        docs.PRODUCT_ADD_MEDIA,
        {
            "product": {"id": product["id"]},
            "media": [
                {"originalSource": post_target["resourceUrl"], "mediaContentType": "IMAGE", "alt": "Shirt"},
                {"originalSource": f"{sandbox.url}/files/never-uploaded.png", "mediaContentType": "IMAGE"},
            ],
        },
    )
    media = updated["productUpdate"]["product"]["media"]["nodes"]
    assert [m["status"] for m in media[-2:]] == ["READY", "FAILED"]
    assert media[-2]["alt"] == "Shirt"
