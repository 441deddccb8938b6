"""On hand, reserved, available and projected, exact on both backends."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from shopops.erp import Erp, NewSalesLine
from shopops.errors import ConfigError, NotFound


def test_counts_post_only_the_difference(erp: Erp) -> None:
    assert erp.stock.on_hand("1000", variant_code="RED") == D(10)
    assert erp.stock.set_quantity("1000", "MAIN", D(10), variant_code="RED") == 0
    assert erp.stock.set_quantity("1000", "MAIN", D("7.5"), variant_code="RED") == D("-2.5")
    assert erp.stock.on_hand("1000", variant_code="RED", location_code="MAIN") == D("7.5")
    assert len(erp.stock.entries(item_no="1000")) == 2


def test_decimal_quantities_sum_exactly(erp: Erp) -> None:
    for _ in range(10):
        erp.stock.adjust("2000", "RETURNS", D("0.1"))
    assert erp.stock.on_hand("2000", location_code="RETURNS") == D("1.0")
    assert erp.stock.on_hand("2000") == D("51.0")


def test_reserved_available_projected(erp: Erp) -> None:
    erp.sales.create("order", "C1", [NewSalesLine("item", "2000", D(3), location_code="MAIN")])
    erp.sales.create("invoice", "C2", [NewSalesLine("item", "2000", D(2), location_code="MAIN")])
    erp.sales.create("credit_memo", "C2", [NewSalesLine("item", "2000", D(1), location_code="MAIN")])
    assert erp.stock.reserved("2000", location_code="MAIN") == D(5)
    assert erp.stock.available("2000", location_code="MAIN") == D(45)
    assert erp.stock.projected("2000", location_code="MAIN") == D(46)
    levels = erp.stock.levels(item_no="2000")
    row = levels.set_index(["item_no", "variant_code", "location_code"]).loc[("2000", "", "MAIN")]
    assert (row.on_hand, row.reserved, row.available, row.projected) == (D(50), D(5), D(45), D(46))


def test_stock_refuses_what_keeps_no_stock(erp: Erp) -> None:
    with pytest.raises(ConfigError, match="service"):
        erp.stock.adjust("9000", "MAIN", D(1))
    with pytest.raises(NotFound, match="location NOWHERE"):
        erp.stock.adjust("2000", "NOWHERE", D(1))
    with pytest.raises(NotFound, match="variant BLUE"):
        erp.stock.adjust("1000", "MAIN", D(1), variant_code="BLUE")
