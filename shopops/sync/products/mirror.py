"""The product and variant mirror: Shopify's products as last seen or sent, each variant mapped to an ERP item.

``shopify_product`` and ``shopify_variant`` are BC's Shpfy Product and Shpfy Variant. sync-products fills
them on import and after every push; sync-inventory adds variants it meets that the mirror does not know
yet. A row is written only when something in it changed, so a rerun over an unchanged shop writes nothing.

    mirror = Mirror.load(engine, "DEMO")
    counts = mirror.apply(products, index, settings)     # products from the bulk catalog query
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, delete, insert, select, update

from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.products.variants import ErpIndex
from shopops.sync.values import amount, shopify_id, when

P = t.shopify_product
V = t.shopify_variant
#: Rows written per transaction.
WRITE_BATCH = 500
PRODUCT_FIELDS = ("title", "status", "vendor", "product_type", "shopify_updated_at")
VARIANT_FIELDS = ("product_id", "title", "sku", "barcode", "price", "compare_at_price", "inventory_item_id")


def content_hash(values: Any) -> str:
    """A stable SHA-256 of JSON-able content (Decimals as text), for change detection."""
    text = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def product_values(node: Mapping[str, Any]) -> dict[str, Any]:
    """Mirror columns Shopify owns, from a product node."""
    return {
        "id": shopify_id(node["id"]),
        "title": str(node.get("title") or "")[:255],
        "status": str(node.get("status") or ""),
        "vendor": str(node.get("vendor") or "")[:255],
        "product_type": str(node.get("productType") or "")[:255],
        "shopify_updated_at": when(node.get("updatedAt")),
    }


def variant_values(node: Mapping[str, Any], product_id: int) -> dict[str, Any]:
    """Mirror columns Shopify owns, from a variant node (prices exact, ids numeric)."""
    item = node.get("inventoryItem") or {}
    return {
        "id": shopify_id(node["id"]),
        "product_id": product_id,
        "title": str(node.get("title") or "")[:255],
        "sku": str(node.get("sku") or "")[:255],
        "barcode": str(node.get("barcode") or "")[:255],
        "price": amount(node.get("price")),
        "compare_at_price": amount(node.get("compareAtPrice")),
        "inventory_item_id": shopify_id(item.get("id")) if item.get("id") else None,
    }


def variant_hash(values: Mapping[str, Any]) -> str:
    """Hash of what Shopify says about a variant (so an unchanged variant is not written again)."""
    return content_hash({k: _norm(values.get(k)) for k in VARIANT_FIELDS})


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


@dataclass
class Mirror:
    """The mirror rows of one shop, in memory for one run."""

    engine: Engine
    shop: str
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    variants: dict[int, dict[str, Any]] = field(default_factory=dict)
    _of_product: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, engine: Engine, shop: str) -> Mirror:
        """Read the shop's mirror once."""
        mirror = cls(engine, shop)
        with engine.connect() as conn:
            for r in conn.execute(select(P).where(P.c.shop_code == shop)).mappings():
                mirror.products[r["id"]] = dict(r)
            for r in conn.execute(select(V).where(V.c.shop_code == shop)).mappings():
                mirror.variants[r["id"]] = dict(r)
                mirror._of_product.setdefault(r["product_id"], set()).add(r["id"])
        return mirror

    def by_inventory_item(self) -> dict[int, dict[str, Any]]:
        """Variant rows by inventory item id."""
        return {v["inventory_item_id"]: v for v in self.variants.values() if v.get("inventory_item_id")}

    def product_of_item(self) -> dict[str, int]:
        """Shopify product id by ERP item no. (the first product mapped to the item)."""
        out: dict[str, int] = {}
        for pid, p in sorted(self.products.items()):
            if p.get("item_no"):
                out.setdefault(p["item_no"], pid)
        return out

    def variants_of(self, product_id: int) -> list[dict[str, Any]]:
        """Variant rows of one product."""
        return [self.variants[i] for i in sorted(self._of_product.get(product_id, ())) if i in self.variants]

    # --- writing -------------------------------------------------------------------------------------

    def apply(
        self, products: Iterable[Mapping[str, Any]], index: ErpIndex, settings: Any, *, dry_run: bool = False
    ) -> Counter[str]:
        """Bring the mirror up to date with products (each with ``variants``); map new variants to items."""
        counts: Counter[str] = Counter()
        batch: list[tuple[str, dict[str, Any]]] = []
        for node in products:
            counts["products"] += 1
            values = product_values(node)
            pid = values["id"]
            mapped_item = (self.products.get(pid) or {}).get("item_no")
            seen: list[int] = []
            for vnode in node.get("variants") or []:
                counts["variants"] += 1
                row = self._variant_row(variant_values(vnode, pid), index, settings, mapped_item)
                mapped_item = mapped_item or row.get("item_no")
                seen.append(row["id"])
                if row.get("item_no") is None:
                    counts["unmapped"] += 1
                if self._changed(self.variants.get(row["id"]), row, ("hash", "item_no", "variant_code")):
                    batch.append(("variant", row))
            for gone in [v["id"] for v in self.variants_of(pid) if v["id"] not in seen]:
                batch.append(("delete_variant", {"id": gone}))
            values["item_no"] = mapped_item
            if self._changed(self.products.get(pid), values, (*PRODUCT_FIELDS, "item_no")):
                batch.append(("product", values))
            if len(batch) >= WRITE_BATCH:
                counts.update(self._write(batch, dry_run))
                batch = []
        counts.update(self._write(batch, dry_run))
        return counts

    def _variant_row(
        self, values: dict[str, Any], index: ErpIndex, settings: Any, product_item: str | None
    ) -> dict[str, Any]:
        old = self.variants.get(values["id"]) or {}
        row = {**values, "hash": variant_hash(values)}
        if old.get("item_no"):
            row["item_no"], row["variant_code"] = old["item_no"], old.get("variant_code") or ""
            return row
        found = index.map_variant(values["sku"], values["barcode"], settings, product_item)
        row["item_no"], row["variant_code"] = (found[0], found[1]) if found else (None, "")
        return row

    @staticmethod
    def _changed(old: Mapping[str, Any] | None, new: Mapping[str, Any], fields: Iterable[str]) -> bool:
        return old is None or any(old.get(f) != new.get(f) for f in fields)

    def add_variants(self, rows: Iterable[dict[str, Any]], *, dry_run: bool = False) -> int:
        """Insert variants the mirror does not know yet (sync-inventory meets them first); returns how many."""
        batch = [("variant", r) for r in rows if r["id"] not in self.variants]
        self._write(batch, dry_run)
        return len(batch)

    def _write(self, batch: list[tuple[str, dict[str, Any]]], dry_run: bool) -> Counter[str]:
        counts: Counter[str] = Counter()
        if not batch:
            return counts
        now = utcnow()
        with self.engine.begin() as conn:
            for kind, row in batch:
                if kind == "delete_variant":
                    counts["variants_deleted"] += 1
                    if not dry_run:
                        conn.execute(delete(V).where(V.c.shop_code == self.shop, V.c.id == row["id"]))
                    gone = self.variants.pop(row["id"], None)
                    if gone is not None:
                        self._of_product.get(gone["product_id"], set()).discard(row["id"])
                    continue
                table, cache = (P, self.products) if kind == "product" else (V, self.variants)
                row = {k: v for k, v in row.items() if k not in ("shop_code", "updated_at")}
                old = cache.get(row["id"])
                counts[f"{kind}s_{'updated' if old else 'created'}"] += 1
                if not dry_run:
                    if old is None:
                        conn.execute(insert(table).values(shop_code=self.shop, updated_at=now, **row))
                    else:
                        key = and_(table.c.shop_code == self.shop, table.c.id == row["id"])
                        conn.execute(update(table).where(key).values(updated_at=now, **row))
                cache[row["id"]] = {**(old or {}), **row}
                if kind == "variant":
                    self._of_product.setdefault(cache[row["id"]]["product_id"], set()).add(row["id"])
        return counts

    def save_product(self, values: dict[str, Any], variants: list[dict[str, Any]]) -> None:
        """Write one product and its variants as the ERP just sent them (after a productSet)."""
        batch: list[tuple[str, dict[str, Any]]] = [("product", values)]
        batch += [("variant", v) for v in variants]
        keep = {v["id"] for v in variants}
        batch += [("delete_variant", {"id": v["id"]}) for v in self.variants_of(values["id"]) if v["id"] not in keep]
        self._write(batch, dry_run=False)
