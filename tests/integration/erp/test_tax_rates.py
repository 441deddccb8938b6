"""Tax rates (BC's VAT Posting Setup): set, change, read, refuse bad values, load from CSV; both backends."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shopops.erp import Erp, FieldError
from shopops.errors import NotFound
from shopops.store import tables as t


def test_set_get_change_and_list(erp: Erp) -> None:
    rate = erp.tax_rates.set("domestic", " standard ", D("25"))
    assert (rate.business_group, rate.product_group, rate.percent) == ("DOMESTIC", "STANDARD", D("25"))
    assert repr(rate) == "TaxRate DOMESTIC x STANDARD: 25 %"
    erp.tax_rates.set("DOMESTIC", "ZERO", 0)
    erp.tax_rates.set("DOMESTIC", "REDUCED", "12.5")
    assert erp.tax_rates.get("Domestic", "Reduced").percent == D("12.5")
    assert erp.tax_rates.percent("DOMESTIC", "ZERO") == D(0), "0 is a rate"
    assert erp.tax_rates.percent("EXPORT", "STANDARD") is None
    erp.tax_rates.set("DOMESTIC", "STANDARD", D("21"))  # a change, not a second row
    assert erp.tax_rates.get("DOMESTIC", "STANDARD").percent == D("21")
    assert len(erp.tax_rates) == 3
    frame = erp.tax_rates.frame()
    assert list(frame.columns) == ["business_group", "product_group", "percent"]
    assert list(frame["product_group"]) == ["REDUCED", "STANDARD", "ZERO"]
    assert all(isinstance(p, D) for p in frame["percent"])
    with pytest.raises(NotFound, match=r"erp.tax_rates.set\('EXPORT', 'STANDARD'"):
        erp.tax_rates.get("export", "standard")
    assert erp.tax_rates.delete("DOMESTIC", "ZERO") and not erp.tax_rates.delete("DOMESTIC", "ZERO")


@pytest.mark.parametrize(
    ("business_group", "product_group", "percent", "field", "reason"),
    [
        ("", "STANDARD", D(25), "business_group", "is required"),
        ("DOMESTIC", "STAN DARD", D(25), "product_group", "spaces"),
        ("X" * 21, "STANDARD", D(25), "business_group", "at most 20"),
        ("DOMESTIC", "STANDARD", D("-1"), "percent", "at least 0"),
        ("DOMESTIC", "STANDARD", D("100.5"), "percent", "at most 100"),
        ("DOMESTIC", "STANDARD", 25.0, "percent", "float"),
        ("DOMESTIC", "STANDARD", None, "percent", "is required"),
        ("DOMESTIC", "STANDARD", "abc", "percent", "not a number"),
    ],
)
def test_bad_values_name_the_field(
    erp: Erp, business_group: str, product_group: str, percent: object, field: str, reason: str
) -> None:
    with pytest.raises(FieldError, match=reason) as caught:
        erp.tax_rates.set(business_group, product_group, percent)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert len(erp.tax_rates) == 0


def test_the_database_refuses_a_percent_out_of_range(erp: Erp) -> None:
    erp.tax_rates.set("DOMESTIC", "STANDARD", D("100"))  # the edge is allowed
    for percent in (D("100.01"), D("-0.01")):
        with pytest.raises(IntegrityError), erp.engine.begin() as conn:
            conn.execute(sa.insert(t.erp_tax_rate).values(business_group="B", product_group="P", percent=percent))
    with pytest.raises(IntegrityError), erp.engine.begin() as conn:
        conn.execute(sa.insert(t.erp_tax_rate).values(business_group="", product_group="P", percent=D(5)))


def test_load_from_csv_reports_bad_rows_and_updates_on_reload(erp: Erp, tmp_path: Path) -> None:
    path = tmp_path / "tax_rates.csv"
    path.write_text(
        "business_group,product_group,percent\n"
        "DOMESTIC,STANDARD,25\n"
        "DOMESTIC,FOOD,12\n"
        "DOMESTIC,,25\n"
        "EXPORT,STANDARD,250\n"
        "domestic,standard,20\n",
        encoding="utf-8",
    )
    result = erp.load_tax_rates(path)
    assert (result.rows, result.inserted, result.rejected) == (5, 2, 3)
    assert list(result.errors["row"]) == [4, 5, 6]
    assert list(result.errors["field"]) == ["product_group", "percent", "business_group/product_group"]
    assert erp.tax_rates.percent("DOMESTIC", "STANDARD") == D(25)
    path.write_text("business_group,product_group,percent\nDOMESTIC,STANDARD,21\nDOMESTIC,FOOD,12\n", encoding="utf-8")
    again = erp.load_tax_rates(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)
    assert erp.tax_rates.percent("DOMESTIC", "STANDARD") == D(21)
