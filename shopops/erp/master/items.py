"""Items, their variants and references (barcodes, vendor item nos.): the ERP side of products.

    erp.items.add("1000", "Bicycle", unit_price=Decimal("499.00"))
    erp.items.add_variant("1000", "RED", "Red frame")
    erp.items.add_reference("1000", "5701234567890", variant_code="RED")     # a barcode
    erp.items.find_by_reference("5701234567890")   # -> ItemReference(item_no='1000', variant_code='RED', ...)

Item nos., variant codes and reference nos. are codes (trimmed, upper-cased) as in Business Central.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select, update

from shopops.erp import validation as v
from shopops.erp._base import MasterTable, begin, frame, reading, record
from shopops.errors import NotFound
from shopops.store import tables as t

I = t.erp_item  # noqa: E741
IV = t.erp_item_variant
IR = t.erp_item_reference

ITEM_TYPES = t.ITEM_TYPES
REFERENCE_TYPES = t.REFERENCE_TYPES


@dataclass(frozen=True)
class Item:
    """One item (BC's Item card)."""

    no: str
    description: str
    type: str
    base_unit_of_measure: str
    unit_price: Decimal
    unit_cost: Decimal
    vendor_no: str
    vendor_item_no: str
    tax_group_code: str
    item_category_code: str
    blocked: bool
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def is_inventory(self) -> bool:
        """Whether the item keeps stock (services and non-inventory items do not)."""
        return self.type == "inventory"

    def __repr__(self) -> str:
        state = ", blocked" if self.blocked else ""
        return f"Item {self.no} {self.description!r}, {self.type}, price {self.unit_price}{state}"


@dataclass(frozen=True)
class ItemVariant:
    """A variant of an item (size, colour, ...)."""

    item_no: str
    code: str
    description: str
    blocked: bool


@dataclass(frozen=True)
class ItemReference:
    """A barcode or a vendor's number that identifies an item (and variant)."""

    item_no: str
    variant_code: str
    reference_type: str
    reference_no: str
    description: str


def clean_item(key: Any, **fields: Any) -> dict[str, Any]:
    """Checked column values of an item; FieldError names the first bad field."""
    allow_float = bool(fields.pop("_allow_float", False))
    unknown = set(fields) - {c.name for c in I.c}
    if unknown:
        raise v.FieldError(sorted(unknown)[0], f"is not an item field (fields: {', '.join(c.name for c in I.c)})")
    return {
        "no": v.code(key, "no", 20),
        "description": v.text(fields.get("description"), "description", 100),
        "type": v.choice(fields.get("type"), "type", ITEM_TYPES, default="inventory"),
        "base_unit_of_measure": v.code(fields.get("base_unit_of_measure"), "base_unit_of_measure", 10, required=False),
        "unit_price": v.decimal(fields.get("unit_price"), "unit_price", minimum=Decimal(0), allow_float=allow_float),
        "unit_cost": v.decimal(fields.get("unit_cost"), "unit_cost", minimum=Decimal(0), allow_float=allow_float),
        "vendor_no": v.code(fields.get("vendor_no"), "vendor_no", 20, required=False),
        "vendor_item_no": v.text(fields.get("vendor_item_no"), "vendor_item_no", 50),
        "tax_group_code": v.code(fields.get("tax_group_code"), "tax_group_code", 20, required=False),
        "item_category_code": v.code(fields.get("item_category_code"), "item_category_code", 20, required=False),
        "blocked": v.boolean(fields.get("blocked"), "blocked"),
    }


class Items(MasterTable[Item]):
    """The item list: ``add``, ``update``, ``upsert``, ``get``/``[no]``, ``frame()``, variants, references."""

    table = I
    record_type = Item
    label = "item"
    clean = staticmethod(clean_item)

    # --- variants -----------------------------------------------------------------------------------

    def add_variant(
        self, item_no: str, code: str, description: str = "", *, blocked: bool = False, conn: Connection | None = None
    ) -> ItemVariant:
        """Add a variant, or update its description when it exists (re-running never duplicates)."""
        values: dict[str, Any] = {
            "item_no": v.code(item_no, "item_no", 20),
            "code": v.code(code, "variant_code", 10),
            "description": v.text(description, "description", 100),
            "blocked": v.boolean(blocked, "blocked"),
        }
        with begin(self._engine, conn) as c:
            self.get(values["item_no"], conn=c)
            key = (IV.c.item_no == values["item_no"]) & (IV.c.code == values["code"])
            if c.execute(select(IV.c.code).where(key)).first():
                c.execute(update(IV).where(key).values(description=values["description"], blocked=values["blocked"]))
            else:
                c.execute(insert(IV).values(**values))
        return ItemVariant(**values)

    def variant(self, item_no: str, code: str, *, conn: Connection | None = None) -> ItemVariant | None:
        """One variant, or None."""
        with reading(self._engine, conn) as c:
            row = (
                c.execute(select(IV).where(IV.c.item_no == item_no.strip().upper(), IV.c.code == code.strip().upper()))
                .mappings()
                .first()
            )
        return record(ItemVariant, row) if row else None

    def variants(self, item_no: str | None = None) -> pd.DataFrame:
        """Variants of one item, or of all items."""
        query = select(IV).order_by(IV.c.item_no, IV.c.code)
        if item_no is not None:
            query = query.where(IV.c.item_no == item_no.strip().upper())
        with self._engine.connect() as c:
            return frame(list(c.execute(query).mappings()), [col.name for col in IV.c])

    # --- references ---------------------------------------------------------------------------------

    def add_reference(
        self,
        item_no: str,
        reference_no: str,
        *,
        type: str = "barcode",
        variant_code: str = "",
        description: str = "",
        conn: Connection | None = None,
    ) -> ItemReference:
        """Add a barcode (or vendor reference) for an item and variant; adding it again changes nothing."""
        values: dict[str, Any] = {
            "item_no": v.code(item_no, "item_no", 20),
            "variant_code": v.code(variant_code, "variant_code", 10, required=False),
            "reference_type": v.choice(type, "type", REFERENCE_TYPES),
            "reference_no": v.code(reference_no, "reference_no", 50),
            "description": v.text(description, "description", 100),
        }
        with begin(self._engine, conn) as c:
            self.get(values["item_no"], conn=c)
            if values["variant_code"] and self.variant(values["item_no"], values["variant_code"], conn=c) is None:
                raise NotFound(f"variant {values['variant_code']} of item {values['item_no']} does not exist")
            key = [IR.c[k] == values[k] for k in ("item_no", "variant_code", "reference_type", "reference_no")]
            if not c.execute(select(IR.c.id).where(*key)).first():
                c.execute(insert(IR).values(**values))
        return ItemReference(**values)

    def find_by_reference(self, reference_no: str, type: str = "barcode") -> ItemReference | None:
        """The item (and variant) a barcode or vendor reference points at, or None."""
        query = (
            select(IR)
            .where(IR.c.reference_type == type, IR.c.reference_no == reference_no.strip().upper())
            .order_by(IR.c.id)
        )
        with self._engine.connect() as c:
            row = c.execute(query).mappings().first()
        return record(ItemReference, row) if row else None

    def find_by_vendor_item_no(self, vendor_item_no: str) -> Item | None:
        """The first item (by no.) with this vendor item no., or None."""
        query = select(I).where(I.c.vendor_item_no == vendor_item_no.strip()).order_by(I.c.no)
        with self._engine.connect() as c:
            row = c.execute(query).mappings().first()
        return record(Item, row) if row else None

    def references(self, item_no: str | None = None) -> pd.DataFrame:
        """Barcodes and vendor references of one item, or of all items."""
        query = select(IR).order_by(IR.c.item_no, IR.c.variant_code, IR.c.id)
        if item_no is not None:
            query = query.where(IR.c.item_no == item_no.strip().upper())
        with self._engine.connect() as c:
            return frame(list(c.execute(query).mappings()), [col.name for col in IR.c])
