"""Which ERP item and variant a Shopify variant is, and which SKU an ERP item gets: the shop's SKU mapping.

Both directions follow the shop card's ``sku_mapping`` (BC's "SKU Mapping"), with the barcode as fallback
when ``find_mapping_by_barcode`` is on::

    index = ErpIndex.load(engine)                       # items, variants, barcodes, vendor item nos., once
    index.map_variant(sku="1000|RED", barcode="", settings=card)   # -> ("1000", "RED") or None
    index.sku_for("1000", "RED", settings=card)                      # -> "1000|RED"

The index is read once per run (a handful of queries) so that mapping 20k variants costs no query each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from shopops.store import tables as t

Mapped = tuple[str, str]  # item no., variant code


def code(value: str | None) -> str:
    """A value the way the ERP keeps codes: trimmed and upper-cased."""
    return (value or "").strip().upper()


@dataclass
class ErpItem:
    """What the syncs need to know of one item."""

    no: str
    description: str
    type: str
    blocked: bool
    vendor_item_no: str
    unit_price: Any
    variants: dict[str, bool] = field(default_factory=dict)  # code -> blocked
    variant_names: dict[str, str] = field(default_factory=dict)  # code -> description

    @property
    def keeps_stock(self) -> bool:
        """Services and non-inventory items have no stock to sync."""
        return self.type == "inventory"


@dataclass
class ErpIndex:
    """The ERP's items, variants, barcodes and vendor item nos., in memory for one run."""

    items: dict[str, ErpItem] = field(default_factory=dict)
    barcodes: dict[str, Mapped] = field(default_factory=dict)
    barcode_of: dict[Mapped, str] = field(default_factory=dict)
    by_vendor_item_no: dict[str, str] = field(default_factory=dict)
    items_by_variant_code: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, engine: Engine) -> ErpIndex:
        """Read every item, variant and reference once."""
        index = cls()
        I, IV, IR = t.erp_item, t.erp_item_variant, t.erp_item_reference  # noqa: E741
        with engine.connect() as conn:
            for r in conn.execute(
                select(I.c.no, I.c.description, I.c.type, I.c.blocked, I.c.vendor_item_no, I.c.unit_price)
            ):
                index.items[r.no] = ErpItem(r.no, r.description, r.type, r.blocked, r.vendor_item_no, r.unit_price)
                if r.vendor_item_no:
                    index.by_vendor_item_no.setdefault(code(r.vendor_item_no), r.no)
            for v in conn.execute(select(IV.c.item_no, IV.c.code, IV.c.description, IV.c.blocked)):
                item = index.items.get(v.item_no)
                if item is not None:
                    item.variants[v.code] = v.blocked
                    item.variant_names[v.code] = v.description
                    index.items_by_variant_code[v.code].append(v.item_no)
            for ref in conn.execute(
                select(IR.c.item_no, IR.c.variant_code, IR.c.reference_type, IR.c.reference_no).order_by(IR.c.id)
            ):
                key = (ref.item_no, ref.variant_code)
                if ref.reference_type == "barcode":
                    index.barcodes.setdefault(ref.reference_no, key)
                    index.barcode_of.setdefault(key, ref.reference_no)
                elif ref.reference_type == "vendor":
                    index.by_vendor_item_no.setdefault(code(ref.reference_no), ref.item_no)
        return index

    # --- Shopify -> ERP ------------------------------------------------------------------------------

    def map_variant(
        self, sku: str | None, barcode: str | None, settings: Any, product_item_no: str | None = None
    ) -> Mapped | None:
        """The (item, variant) a Shopify variant is, by SKU mapping, then by barcode; None when unknown."""
        found = self._by_sku(code(sku), settings, product_item_no) if sku else None
        if found is None and settings.find_mapping_by_barcode and barcode:
            found = self.barcodes.get(code(barcode))
        return found

    def _by_sku(self, sku: str, settings: Any, product_item_no: str | None) -> Mapped | None:
        strategy = settings.sku_mapping
        if strategy == "item_no":
            return (sku, "") if sku in self.items else None
        if strategy == "item_no_variant_code":
            sep = code(settings.sku_separator) or "|"
            parts = sku.split(sep)
            item_no, variant = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
            item = self.items.get(item_no)
            if item is None or (variant and variant not in item.variants):
                return None
            return item_no, variant
        if strategy == "variant_code":
            owners = self.items_by_variant_code.get(sku, [])
            if product_item_no in owners:
                return str(product_item_no), sku
            return (owners[0], sku) if len(owners) == 1 else None
        if strategy == "vendor_item_no":
            owner = self.by_vendor_item_no.get(sku)
            return (owner, "") if owner else None
        if strategy == "barcode":
            return self.barcodes.get(sku)
        return None

    # --- ERP -> Shopify ------------------------------------------------------------------------------

    def sku_for(self, item_no: str, variant_code: str, settings: Any) -> str:
        """The SKU an ERP item and variant get in Shopify under the shop's SKU mapping ('' when none)."""
        strategy = settings.sku_mapping
        found = self.items.get(item_no)
        if strategy == "item_no":
            return item_no
        if strategy == "variant_code":
            return variant_code or item_no
        if strategy == "item_no_variant_code":
            return f"{item_no}{settings.sku_separator}{variant_code}" if variant_code else item_no
        if strategy == "vendor_item_no":
            return found.vendor_item_no if found else ""
        if strategy == "barcode":
            return self.barcode_for(item_no, variant_code)
        return ""

    def barcode_for(self, item_no: str, variant_code: str) -> str:
        """The item's (variant's) barcode reference, or ''."""
        return self.barcode_of.get((item_no, variant_code), "")
