"""Loading items, customers and stock: bad rows reported by row and field, good rows load, re-loads update."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pandas as pd
import pytest

from shopops.erp import Erp
from shopops.errors import ConfigError

ITEMS_CSV = """no,description,unit_price,unit_cost,type,blocked,barcode
3000,Pump,24.95,10,inventory,no,4000000000017
3001,Saddle,abc,,inventory,,
3002,Light,0.10,,lamp,,
3003,Lock,12.5,,,yes,
3000,Pump again,1,,,,
"""


def test_items_csv_reports_bad_rows_and_loads_the_good(erp: Erp, tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text(ITEMS_CSV, encoding="utf-8")
    result = erp.load_items(path)
    assert (result.rows, result.inserted, result.rejected) == (5, 2, 3)
    errors = result.errors
    assert list(errors["row"]) == [3, 4, 6]
    assert list(errors["field"]) == ["unit_price", "type", "no"]
    assert "not a number" in errors.loc[0, "reason"] and "repeats row 2" in errors.loc[2, "reason"]
    assert erp.items["3000"].unit_price == D("24.95") and erp.items["3003"].blocked
    assert "3001" not in erp.items and "3002" not in erp.items
    ref = erp.items.find_by_reference("4000000000017")
    assert ref is not None and ref.item_no == "3000"

    again = erp.load_items(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    path.write_text(ITEMS_CSV.replace("24.95", "26.95"), encoding="utf-8")
    changed = erp.load_items(path)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 1)
    assert erp.items["3000"].unit_price == D("26.95") and len(erp.items.references("3000")) == 1
    assert "items: 5 rows" in repr(changed)


def test_items_from_a_dataframe_with_float_prices(erp: Erp) -> None:
    data = pd.DataFrame({"no": ["A1", "A2"], "description": ["One", "Two"], "unit_price": [19.99, 0.1]})
    result = erp.load_items(data)
    assert result.ok and result.inserted == 2
    assert erp.items["A1"].unit_price == D("19.99") and erp.items["A2"].unit_price == D("0.1")


def test_missing_required_column_is_one_clear_error(erp: Erp) -> None:
    with pytest.raises(ConfigError, match="no 'name' column"):
        erp.load_customers(pd.DataFrame({"no": ["C7"]}))


def test_customers_load_and_update(erp: Erp) -> None:
    data = pd.DataFrame(
        {
            "No": ["C10", "C11", "C12"],
            "Name": ["Grace Hopper", "", "Alan Turing"],
            "Email": ["grace@example.com", "x@example.com", "alan-at-example"],
            "Country Code": ["US", "GB", "GB"],
        },
        index=[10, 11, 12],
    )
    result = erp.load_customers(data)
    assert result.inserted == 1
    assert list(result.errors["row"]) == [11, 12] and list(result.errors["field"]) == ["name", "email"]
    assert erp.customers["C10"].country_code == "US"
    data.loc[10, "Country Code"] = "CA"
    assert erp.load_customers(data.loc[[10]]).updated == 1
    assert erp.customers["C10"].country_code == "CA"


def test_stock_counts_load_and_reload_without_doubling(erp: Erp, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text(
        "item_no,variant_code,location_code,quantity\n"
        "1000,RED,MAIN,12\n"
        "2000,,RETURNS,3.5\n"
        "4711,,MAIN,1\n"
        "2000,,NOWHERE,1\n"
        "9000,,MAIN,1\n"
        "2000,,MAIN,-1\n",
        encoding="utf-8",
    )
    result = erp.load_stock(path, document_no="COUNT1")
    assert result.updated == 2
    assert list(result.errors["row"]) == [4, 5, 6, 7]
    reasons = " | ".join(result.errors["reason"])
    assert "item 4711 does not exist" in reasons and "location NOWHERE" in reasons and "service" in reasons
    assert erp.stock.on_hand("1000", variant_code="RED") == D(12)
    assert erp.stock.on_hand("2000", location_code="RETURNS") == D("3.5")
    entries_before = len(erp.stock.entries())
    again = erp.load_stock(path)
    assert again.updated == 0 and again.unchanged == 2
    assert len(erp.stock.entries()) == entries_before
