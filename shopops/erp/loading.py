"""Load items, customers, stock and tax rates from a DataFrame or a CSV file, row by row.

Every row is checked first; a bad row is reported (row, field, value, reason) and the good rows load.
A row is written whole or not at all (its own savepoint), and loading the same file again updates
instead of duplicating: items and customers are matched on ``no``, tax rates on business group and
product group; stock rows are counts (physical inventory), so only the difference to what is on hand is
posted.

    result = erp.load_items("items.csv")
    result                     # items: 120 rows, 118 inserted, 0 updated, 0 unchanged, 2 rejected
    result.errors              # DataFrame: row, field, value, reason

Row numbers: for a CSV file the line in the file (the header is line 1, so the first item is row 2, as
a spreadsheet shows it); for a DataFrame its index label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from shopops.erp import validation as v
from shopops.erp.master.customers import Customers, clean_customer
from shopops.erp.master.items import Items, clean_item
from shopops.erp.master.tax_rates import TaxRates, clean_tax_rate
from shopops.erp.stock import Stock
from shopops.errors import ConfigError, ShopopsError

CHUNK_ROWS = 500
ERROR_COLUMNS = ["row", "field", "value", "reason"]
ITEM_COLUMNS = {
    c
    for c in (
        "description",
        "type",
        "base_unit_of_measure",
        "unit_price",
        "unit_cost",
        "vendor_no",
        "vendor_item_no",
        "tax_group_code",
        "item_category_code",
        "blocked",
    )
}
CUSTOMER_COLUMNS = {
    "name",
    "address",
    "address_2",
    "city",
    "post_code",
    "county",
    "country_code",
    "email",
    "phone",
    "currency_code",
    "customer_price_group",
    "tax_area_code",
    "blocked",
}


@dataclass
class LoadResult:
    """What a load did: counts per outcome and the rejected rows with their reasons."""

    kind: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    error_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> pd.DataFrame:
        """The rejected rows: row, field, value, reason."""
        return pd.DataFrame(self.error_rows, columns=ERROR_COLUMNS)

    @property
    def rejected(self) -> int:
        """How many rows were not loaded."""
        return len({e["row"] for e in self.error_rows})

    @property
    def ok(self) -> bool:
        """Whether every row loaded."""
        return not self.error_rows

    def __repr__(self) -> str:
        ignored = f", ignored columns {self.ignored_columns}" if self.ignored_columns else ""
        return (
            f"{self.kind}: {self.rows} rows, {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected{ignored}"
        )


def read_source(source: pd.DataFrame | str | Path) -> pd.DataFrame:
    """A DataFrame as given, or a CSV read as text (no value is guessed into a float), rows numbered
    by their line in the file."""
    if isinstance(source, pd.DataFrame):
        return source
    data = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    data.index = pd.RangeIndex(2, 2 + len(data))
    return data


def _prepare(data: pd.DataFrame, kind: str, required: list[str], known: set[str]) -> tuple[pd.DataFrame, LoadResult]:
    data = data.rename(columns=lambda name: str(name).strip().lower().replace(" ", "_"))
    missing = [name for name in required if name not in data.columns]
    if missing:
        raise ConfigError(missing[0], f"the {kind} data has no {missing[0]!r} column (columns: {list(data.columns)})")
    result = LoadResult(kind=kind, rows=len(data))
    result.ignored_columns = [c for c in data.columns if c not in known and c not in required]
    return data, result


def _rows(data: pd.DataFrame, columns: list[str]) -> Iterator[tuple[Any, dict[str, Any]]]:
    present = [c for c in columns if c in data.columns]
    for label, values in zip(data.index, data[present].itertuples(index=False, name=None), strict=True):
        yield label, dict(zip(present, values, strict=True))


def _load(
    engine: Engine,
    data: pd.DataFrame,
    result: LoadResult,
    columns: list[str],
    key_of: Callable[[dict[str, Any]], Any],
    check: Callable[[dict[str, Any]], None],
    write: Callable[[Connection, dict[str, Any]], str],
    *,
    key_field: str = "no",
) -> LoadResult:
    """Check every row, then write the good ones in chunks, each row in a savepoint of its own."""
    seen: dict[Any, Any] = {}
    good: list[tuple[Any, dict[str, Any]]] = []
    for label, row in _rows(data, columns):
        try:
            check(row)
            key = key_of(row)
        except v.FieldError as exc:
            result.error_rows.append({"row": label, "field": exc.field, "value": exc.value, "reason": exc.reason})
            continue
        if key in seen:
            result.error_rows.append(
                {
                    "row": label,
                    "field": key_field,
                    "value": str(key),
                    "reason": f"repeats row {seen[key]}; kept the first",
                }
            )
            continue
        seen[key] = label
        good.append((label, row))
    for start in range(0, len(good), CHUNK_ROWS):
        with engine.begin() as conn:
            for label, row in good[start : start + CHUNK_ROWS]:
                try:
                    with conn.begin_nested():
                        outcome = write(conn, row)
                except (ShopopsError, IntegrityError, DataError) as exc:
                    name = exc.field if isinstance(exc, ConfigError) else ""
                    reason = str(exc.orig) if isinstance(exc, IntegrityError | DataError) else str(exc)
                    result.error_rows.append({"row": label, "field": name, "value": None, "reason": reason})
                    continue
                setattr(result, outcome, getattr(result, outcome) + 1)
    result.error_rows.sort(key=lambda e: str(e["row"]).zfill(12))
    return result


def load_items(engine: Engine, source: pd.DataFrame | str | Path) -> LoadResult:
    """Items from columns no, description (required), unit_price, unit_cost, type, blocked, vendor_item_no,
    ..., and an optional barcode (added as an item reference)."""
    items = Items(engine)
    data, result = _prepare(read_source(source), "items", ["no"], ITEM_COLUMNS | {"barcode"})
    columns = ["no", *sorted(ITEM_COLUMNS & set(data.columns)), *(["barcode"] if "barcode" in data.columns else [])]

    def fields(row: dict[str, Any]) -> dict[str, Any]:
        return {k: val for k, val in row.items() if k in ITEM_COLUMNS}

    def check(row: dict[str, Any]) -> None:
        clean_item(row["no"], _allow_float=True, **fields(row))
        if "description" in row and v.is_missing(row["description"]):
            raise v.FieldError("description", "is required", row["description"])
        if not v.is_missing(row.get("barcode")):
            v.code(row["barcode"], "barcode", 50)

    def write(conn: Connection, row: dict[str, Any]) -> str:
        checked = clean_item(row["no"], _allow_float=True, **fields(row))
        given = {k: checked[k] for k in fields(row)}
        outcome = items.upsert(checked["no"], conn=conn, **given)
        if not v.is_missing(row.get("barcode")):
            items.add_reference(checked["no"], v.code(row["barcode"], "barcode", 50), conn=conn)
        return outcome

    return _load(engine, data, result, columns, lambda row: v.code(row["no"], "no", 20), check, write)


def load_customers(engine: Engine, source: pd.DataFrame | str | Path) -> LoadResult:
    """Customers from columns no, name (required), email, phone, address fields, country_code, ..."""
    customers = Customers(engine)
    data, result = _prepare(read_source(source), "customers", ["no", "name"], CUSTOMER_COLUMNS)
    columns = ["no", *sorted(CUSTOMER_COLUMNS & set(data.columns))]

    def fields(row: dict[str, Any]) -> dict[str, Any]:
        return {k: val for k, val in row.items() if k in CUSTOMER_COLUMNS}

    def check(row: dict[str, Any]) -> None:
        clean_customer(row["no"], **fields(row))

    def write(conn: Connection, row: dict[str, Any]) -> str:
        checked = clean_customer(row["no"], **fields(row))
        return customers.upsert(checked["no"], conn=conn, **{k: checked[k] for k in fields(row)})

    return _load(engine, data, result, columns, lambda row: v.code(row["no"], "no", 20), check, write)


def load_stock(engine: Engine, source: pd.DataFrame | str | Path, *, document_no: str = "") -> LoadResult:
    """Stock counts from columns item_no, location_code, quantity (required) and variant_code.

    Each row is a count: the difference to what is on hand is posted as an adjustment ("updated"), or
    nothing when it matches ("unchanged"). An unknown item, variant or location rejects the row.
    """
    stock = Stock(engine)
    data, result = _prepare(read_source(source), "stock", ["item_no", "location_code", "quantity"], {"variant_code"})
    columns = ["item_no", "variant_code", "location_code", "quantity"]

    def key_of(row: dict[str, Any]) -> tuple[str, str, str]:
        return (
            v.code(row["item_no"], "item_no", 20),
            v.code(row.get("variant_code"), "variant_code", 10, required=False),
            v.code(row["location_code"], "location_code", 10),
        )

    def check(row: dict[str, Any]) -> None:
        key_of(row)
        v.decimal(row["quantity"], "quantity", required=True, minimum=Decimal(0), allow_float=True)

    def write(conn: Connection, row: dict[str, Any]) -> str:
        item, variant, location = key_of(row)
        qty = v.decimal(row["quantity"], "quantity", required=True, allow_float=True)
        delta = stock.set_quantity(item, location, qty, variant_code=variant, document_no=document_no, conn=conn)
        return "updated" if delta else "unchanged"

    return _load(engine, data, result, columns, key_of, check, write)


def load_tax_rates(engine: Engine, source: pd.DataFrame | str | Path) -> LoadResult:
    """Tax rates from columns business_group, product_group and percent (all required); a row for a pair
    that exists changes its percent."""
    rates = TaxRates(engine)
    columns = ["business_group", "product_group", "percent"]
    data, result = _prepare(read_source(source), "tax rates", columns, set())

    def checked(row: dict[str, Any]) -> dict[str, Any]:
        return clean_tax_rate(row["business_group"], row["product_group"], row["percent"], allow_float=True)

    def key_of(row: dict[str, Any]) -> tuple[str, str]:
        values = checked(row)
        return values["business_group"], values["product_group"]

    def write(conn: Connection, row: dict[str, Any]) -> str:
        return rates.upsert(checked(row), conn=conn)

    def check(row: dict[str, Any]) -> None:
        checked(row)

    return _load(engine, data, result, columns, key_of, check, write, key_field="business_group/product_group")
