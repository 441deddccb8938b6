"""Prune the real Shopify Admin API schema down to what the sandbox serves.

Reads ``../shared/shopify/admin_2026-07.introspection.json.gz`` (the introspection JSON Shopify ships)
and writes ``shopops/sandbox/schema.graphql``: SDL without descriptions, holding only the root fields
the sandbox serves and the types reachable from them.

Pruning rule, chosen so that the result stays small yet faithful:

* root fields: exactly those in ``QUERY_FIELDS`` and ``MUTATION_FIELDS``;
* every kept object/interface type keeps all its scalar and enum fields (cheap, and the sandbox can
  answer them with defaults) plus the object-typed fields listed for it in ``OBJECT_FIELDS``;
  ``*Connection``, ``*Edge`` and ``*Payload`` types keep all their fields;
* input objects, enums and unions are kept whole; interfaces keep only the kept implementations;
* descriptions are dropped, except on the values of the enums in ``DESCRIBED_ENUMS`` (the sandbox
  reads Shopify's country names from ``CountryCode``, so that they are the real API's own).

Run: ``python scripts/prune_schema.py [--source PATH] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "shopify" / "admin_2026-07.introspection.json.gz"
DEFAULT_OUT = ROOT / "shopops" / "sandbox" / "schema.graphql"

QUERY_FIELDS = [
    "shop",
    "locations",
    "location",
    "products",
    "product",
    "productVariants",
    "productVariant",
    "inventoryItems",
    "inventoryItem",
    "inventoryLevel",
    "customers",
    "customer",
    "orders",
    "ordersCount",
    "order",
    "fulfillmentOrders",
    "fulfillmentOrder",
    "fulfillment",
    "node",
    "nodes",
    "bulkOperation",
    "currentBulkOperation",
    "bulkOperations",
    "shopifyPaymentsAccount",
    "webhookSubscriptions",
    "webhookSubscription",
]
MUTATION_FIELDS = [
    "webhookSubscriptionCreate",
    "webhookSubscriptionUpdate",
    "webhookSubscriptionDelete",
    "productSet",
    "productCreate",
    "productUpdate",
    "productVariantsBulkCreate",
    "productVariantsBulkUpdate",
    "inventorySetQuantities",
    "inventoryActivate",
    "customerCreate",
    "customerUpdate",
    "orderCreate",
    "orderCancel",
    "orderClose",
    "orderOpen",
    "orderMarkAsPaid",
    "orderUpdate",
    "orderEditBegin",
    "orderEditAddVariant",
    "orderEditSetQuantity",
    "orderEditCommit",
    "refundCreate",
    "fulfillmentCreate",
    "fulfillmentTrackingInfoUpdate",
    "stagedUploadsCreate",
    "bulkOperationRunQuery",
    "bulkOperationRunMutation",
    "bulkOperationCancel",
    "productCreateMedia",
    "productVariantAppendMedia",
    "productVariantDetachMedia",
    "fileDelete",
]

# Object-typed fields kept per type (scalar/enum fields are always kept).
OBJECT_FIELDS: dict[str, list[str]] = {
    # a refund's sales agreement: the way a bulk query reaches the refund's lines (Order.refunds is a list)
    "RefundAgreement": ["refund"],
    "OrderAgreement": ["order"],
    "Shop": ["billingAddress", "plan", "primaryDomain"],
    "WebhookSubscription": ["endpoint"],
    "ShopAddress": [],
    "Location": ["address", "inventoryLevel", "inventoryLevels"],
    "Product": [
        "options",
        "variants",
        "media",
        "featuredMedia",
        "featuredImage",
        "images",
        "priceRangeV2",
        "variantsCount",
        "seo",
    ],
    "ProductPriceRangeV2": ["minVariantPrice", "maxVariantPrice"],
    "ProductVariant": ["product", "inventoryItem", "selectedOptions", "image", "media"],
    "ProductOption": ["optionValues"],
    "SelectedOption": ["optionValue"],
    "InventoryItem": ["inventoryLevel", "inventoryLevels", "variant", "unitCost", "measurement"],
    "InventoryItemMeasurement": ["weight"],
    "InventoryLevel": ["item", "location", "quantities"],
    "InventoryAdjustmentGroup": ["changes"],
    "InventoryChange": ["item", "location"],
    "Customer": [
        "addresses",
        "addressesV2",
        "defaultAddress",
        "defaultEmailAddress",
        "defaultPhoneNumber",
        "amountSpent",
        "orders",
        "lastOrder",
    ],
    "Order": [
        "agreements",
        "billingAddress",
        "shippingAddress",
        "customer",
        "customAttributes",
        "lineItems",
        "shippingLines",
        "shippingLine",
        "taxLines",
        "discountApplications",
        "transactions",
        "fulfillmentOrders",
        "fulfillments",
        "refunds",
        "cancellation",
        "subtotalPriceSet",
        "totalPriceSet",
        "totalTaxSet",
        "totalDiscountsSet",
        "totalShippingPriceSet",
        "totalRefundedSet",
        "totalReceivedSet",
        "totalOutstandingSet",
        "currentTotalPriceSet",
        "currentSubtotalPriceSet",
        "currentTotalTaxSet",
        "currentTotalDiscountsSet",
        "totalTipReceivedSet",
        "netPaymentSet",
        "originalTotalPriceSet",
        "totalCapturableSet",
        "cartDiscountAmountSet",
        "currentCartDiscountAmountSet",
        "currentShippingPriceSet",
        "currentTaxLines",
    ],
    "LineItem": [
        "variant",
        "product",
        "customAttributes",
        "discountAllocations",
        "taxLines",
        "originalUnitPriceSet",
        "originalTotalSet",
        "discountedUnitPriceSet",
        "discountedTotalSet",
        "totalDiscountSet",
        "discountedUnitPriceAfterAllDiscountsSet",
    ],
    "DiscountAllocation": ["allocatedAmountSet", "discountApplication"],
    "ShippingLine": [
        "originalPriceSet",
        "discountedPriceSet",
        "currentDiscountedPriceSet",
        "taxLines",
        "discountAllocations",
    ],
    "TaxLine": ["priceSet"],
    "OrderTransaction": ["amountSet", "parentTransaction", "fees"],
    "TransactionFee": ["amount", "flatFee", "taxAmount"],
    "FulfillmentOrder": ["assignedLocation", "lineItems", "order", "fulfillments", "destination"],
    "FulfillmentOrderAssignedLocation": ["location"],
    "FulfillmentOrderLineItem": ["lineItem", "variant"],
    "Fulfillment": ["trackingInfo", "fulfillmentLineItems", "location", "order", "fulfillmentOrders"],
    "FulfillmentLineItem": ["lineItem", "originalTotalSet", "discountedTotalSet"],
    "Refund": ["refundLineItems", "totalRefundedSet", "transactions", "order", "refundShippingLines"],
    "RefundLineItem": ["lineItem", "location", "priceSet", "subtotalSet", "totalTaxSet"],
    "RefundShippingLine": ["shippingLine", "subtotalAmountSet", "taxAmountSet"],
    "OrderCancellation": [],
    "CalculatedOrder": [
        "addedLineItems",
        "lineItems",
        "cartDiscountAmountSet",
        "originalOrder",
        "shippingLines",
        "stagedChanges",
        "subtotalPriceSet",
        "taxLines",
        "totalOutstandingSet",
        "totalPriceSet",
    ],
    "CalculatedLineItem": [
        "customAttributes",
        "discountedUnitPriceSet",
        "editableSubtotalSet",
        "originalUnitPriceSet",
        "stagedChanges",
        "uneditableSubtotalSet",
        "variant",
    ],
    "CalculatedShippingLine": ["price"],
    "OrderStagedChangeAddCustomItem": ["originalUnitPrice"],
    "OrderStagedChangeAddLineItemDiscount": ["value"],
    "OrderStagedChangeAddShippingLine": ["price"],
    "OrderStagedChangeAddVariant": ["variant"],
    "OrderStagedChangeDecrementItem": ["lineItem"],
    "OrderStagedChangeIncrementItem": ["lineItem"],
    "OrderStagedChangeRemoveDiscount": ["discountApplication"],
    "OrderStagedChangeRemoveShippingLine": ["shippingLine"],
    "DiscountApplication": ["value"],
    "DiscountCodeApplication": ["value"],
    "ManualDiscountApplication": ["value"],
    "AutomaticDiscountApplication": ["value"],
    "ScriptDiscountApplication": ["value"],
    "MediaImage": ["image", "preview", "mediaErrors", "originalSource"],
    "MediaPreviewImage": ["image"],
    "Media": ["preview", "mediaErrors"],
    "StagedMediaUploadTarget": ["parameters"],
    "ShopifyPaymentsAccount": ["balance", "payouts", "balanceTransactions", "disputes"],
    "ShopifyPaymentsPayout": ["gross", "net", "summary"],
    "ShopifyPaymentsPayoutSummary": [
        "adjustmentsFee",
        "adjustmentsGross",
        "chargesFee",
        "chargesGross",
        "refundsFee",
        "refundsFeeGross",
        "reservedFundsFee",
        "reservedFundsGross",
        "retriedPayoutsFee",
        "retriedPayoutsGross",
        "advanceFees",
        "advanceGross",
    ],
    "ShopifyPaymentsBalanceTransaction": ["amount", "fee", "net", "associatedOrder", "associatedPayout"],
    "ShopifyPaymentsDispute": ["amount", "order", "reasonDetails"],
    "MoneyBag": ["shopMoney", "presentmentMoney"],
    "Weight": [],
    "ProductSetOperation": ["product", "userErrors"],
}
# Types kept although no kept field names them (implementations of kept interfaces).
EXTRA_TYPES = [
    "RefundAgreement",
    "OrderAgreement",
    "MediaImage",
    "DiscountCodeApplication",
    "ManualDiscountApplication",
    "AutomaticDiscountApplication",
    "ScriptDiscountApplication",
]
# Enums whose values keep their descriptions (CountryCode: "United States." is the country's name).
DESCRIBED_ENUMS = {"CountryCode"}
BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
ALWAYS_WHOLE_SUFFIXES = ("Connection", "Edge", "Payload")


def _base(ref: dict[str, Any]) -> dict[str, Any]:
    while ref.get("ofType"):
        ref = ref["ofType"]
    return ref


def _sig(ref: dict[str, Any]) -> str:
    if ref["kind"] == "NON_NULL":
        return _sig(ref["ofType"]) + "!"
    if ref["kind"] == "LIST":
        return "[" + _sig(ref["ofType"]) + "]"
    return str(ref["name"])


class Pruner:
    """Walks the introspection from the served root fields and prints the kept part as SDL."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.types: dict[str, dict[str, Any]] = {t["name"]: t for t in schema["types"]}
        self.kept_fields: dict[str, list[dict[str, Any]]] = {}
        self.kept: set[str] = set()

    def _is_leaf(self, ref: dict[str, Any]) -> bool:
        return _base(ref)["kind"] in ("SCALAR", "ENUM")

    def _fields_for(self, name: str) -> list[dict[str, Any]]:
        t = self.types[name]
        if name == "QueryRoot":
            wanted = set(QUERY_FIELDS)
            return [f for f in t["fields"] if f["name"] in wanted]
        if name == "Mutation":
            wanted = set(MUTATION_FIELDS)
            return [f for f in t["fields"] if f["name"] in wanted]
        if name.endswith(ALWAYS_WHOLE_SUFFIXES) or name == "PageInfo":
            return [
                f for f in t["fields"] if _base(f["type"])["name"] not in ("QueryRoot", "Job") or f["name"] == "job"
            ]
        extra = set(OBJECT_FIELDS.get(name, []))
        for iface in t.get("interfaces") or []:
            if iface["name"] in ("Node", "DisplayableError", "Media", "DiscountApplication"):
                extra |= set(OBJECT_FIELDS.get(iface["name"], []))
        return [f for f in t["fields"] if self._is_leaf(f["type"]) or f["name"] in extra]

    def walk(self) -> None:
        queue = ["QueryRoot", "Mutation", *EXTRA_TYPES]
        while queue:
            name = queue.pop()
            if name in self.kept:
                continue
            self.kept.add(name)
            t = self.types[name]
            refs: list[dict[str, Any]] = []
            if t["kind"] in ("OBJECT", "INTERFACE"):
                fields = self._fields_for(name)
                self.kept_fields[name] = fields
                for f in fields:
                    refs.append(f["type"])
                    refs.extend(a["type"] for a in f["args"])
            elif t["kind"] == "INPUT_OBJECT":
                refs.extend(f["type"] for f in t["inputFields"])
            elif t["kind"] == "UNION":
                refs.extend(t["possibleTypes"])
            for ref in refs:
                base = _base(ref)["name"]
                if base not in self.kept:
                    queue.append(base)

    def _args(self, args: list[dict[str, Any]]) -> str:
        if not args:
            return ""
        parts = []
        for a in args:
            s = f"{a['name']}: {_sig(a['type'])}"
            if a.get("defaultValue") is not None:
                s += f" = {a['defaultValue']}"
            parts.append(s)
        return "(" + ", ".join(parts) + ")"

    def _interfaces(self, t: dict[str, Any]) -> str:
        names = [i["name"] for i in t.get("interfaces") or [] if i["name"] in self.kept]
        return (" implements " + " & ".join(sorted(names))) if names else ""

    def sdl(self) -> str:
        out = ["schema {\n  query: QueryRoot\n  mutation: Mutation\n}", "directive @idempotent(key: String!) on FIELD"]
        for name in sorted(self.kept):
            t = self.types[name]
            kind = t["kind"]
            if kind == "SCALAR":
                if name not in BUILTIN_SCALARS:
                    out.append(f"scalar {name}")
            elif kind == "ENUM":
                vals = "\n".join(
                    f"  {json.dumps(v['description'], ensure_ascii=False)} {v['name']}"
                    if name in DESCRIBED_ENUMS and v.get("description")
                    else f"  {v['name']}"
                    for v in t["enumValues"]
                )
                out.append(f"enum {name} {{\n{vals}\n}}")
            elif kind == "UNION":
                out.append(f"union {name} = " + " | ".join(sorted(p["name"] for p in t["possibleTypes"])))
            elif kind == "INPUT_OBJECT":
                body = "\n".join(
                    f"  {f['name']}: {_sig(f['type'])}"
                    + (f" = {f['defaultValue']}" if f.get("defaultValue") is not None else "")
                    for f in t["inputFields"]
                )
                out.append(f"input {name} {{\n{body}\n}}")
            else:
                word = "type" if kind == "OBJECT" else "interface"
                body = "\n".join(
                    f"  {f['name']}{self._args(f['args'])}: {_sig(f['type'])}" for f in self.kept_fields[name]
                )
                out.append(f"{word} {name}{self._interfaces(t)} {{\n{body}\n}}")
        return "\n\n".join(out) + "\n"


def prune(source: Path) -> str:
    """Return the pruned SDL for the introspection file at ``source``."""
    with gzip.open(source, "rt", encoding="utf-8") as f:
        schema = json.load(f)["data"]["__schema"]
    pruner = Pruner(schema)
    pruner.walk()
    return pruner.sdl()


def main() -> None:
    """Command-line entry point: write the pruned schema and say how big it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    sdl = prune(args.source)
    args.out.write_text(sdl, encoding="utf-8")
    from graphql import build_schema

    schema = build_schema(sdl)
    print(f"wrote {args.out} ({len(sdl):,} bytes, {len(schema.type_map)} types)")


if __name__ == "__main__":
    main()
