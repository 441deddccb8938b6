"""An ERP with a little master data, on each backend."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from shopops.erp import Erp


@pytest.fixture
def erp(ws: Any) -> Erp:
    """ws.erp with two locations, G/L accounts, a carrier, three items and two customers."""
    erp: Erp = ws.erp
    erp.locations.add("MAIN", name="Main warehouse")
    erp.locations.add("RETURNS", name="Returns")
    erp.gl_accounts.add("6100", name="Shipping charges")
    erp.gl_accounts.add("6200", name="Tips")
    erp.shipping_agents.add("DHL", name="DHL Express", internet_address="https://dhl.example/track?id=%1")
    erp.items.add("1000", description="Bicycle", unit_price=D("499.00"), unit_cost=D("300"))
    erp.items.add_variant("1000", "RED", "Red frame")
    erp.items.add("2000", description="Bell", unit_price=D("19.99"))
    erp.items.add("9000", description="Gift wrapping", type="service", unit_price=D("5.00"))
    erp.customers.add("C1", name="Ada Lovelace", email="ada@example.com", phone="+44 020 7946 0000", city="London")
    erp.customers.add("C2", name="Charles Babbage", email="charles@example.com")
    erp.stock.set_quantity("1000", "MAIN", D(10), variant_code="RED")
    erp.stock.set_quantity("2000", "MAIN", D(50))
    return erp
