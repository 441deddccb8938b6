"""sync-customers and add-customers-to-shopify against the sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.sandbox import Sandbox
from shopops.shopify import ShopifyClient, operations
from shopops.store import tables as t
from shopops.sync.customers.export import export_customers
from shopops.sync.state import get_cursor

SC = t.shopify_customer


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with Sandbox(seed="tiny", plan="plus") as shop:
        yield shop


def shopify_customer(sandbox: Any, **data: Any) -> str:
    """Create a customer the way a shop admin would (through the API); its GID."""
    client = ShopifyClient(sandbox.url, sandbox.token)
    return str(client.execute(operations.load("CustomerCreate"), {"input": data})["customerCreate"]["customer"]["id"])


def shopify_update(sandbox: Any, **data: Any) -> None:
    ShopifyClient(sandbox.url, sandbox.token).execute(operations.load("CustomerUpdate"), {"input": data})


def links(ws: Any) -> dict[int, dict[str, Any]]:
    with ws.engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(sa.select(SC)).mappings()}


def snapshot(ws: Any) -> tuple[Any, Any]:
    """Everything the sync may write: equal snapshots mean nothing was written."""
    return links(ws), ws.erp.customers.frame().to_dict("records")


def by_email(sandbox: Any, email: str) -> dict[str, Any]:
    return next(c for c in sandbox.state.table("Customer").values() if (c.get("email") or "") == email)


def test_import_all_matches_creates_and_a_rerun_changes_nothing(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "ALL", customer_import="all", auto_create_unknown_customers=True)
    ws.erp.customers.add("TPL", name="Template", currency_code="EUR", customer_price_group="RETAIL")
    ws.shops.set("ALL", customer_template="TPL")
    # the same person, typed differently in the ERP: linked, not created twice
    ws.erp.customers.add("LARS", name="Lars B.", email="  Lars.Brown2@EXAMPLE.com ".strip())
    # no e-mail in Shopify: found by phone, written without the country code
    ws.erp.customers.add("SOFIE", name="Sofie N.", phone="20 00 00 05")
    result = ws.run("sync-customers", shop="ALL")
    assert result.ok, result.error
    shop_customers = len(sandbox.state.table("Customer"))
    assert result.stats["read"] == shop_customers
    assert result.stats["linked"] == 2 and result.stats["created"] == shop_customers - 2
    rows = links(ws)
    assert len(rows) == shop_customers and all(r["erp_customer_no"] for r in rows.values())
    lars = int(by_email(sandbox, "lars.brown2@example.com")["id"].rsplit("/", 1)[1])
    assert rows[lars]["erp_customer_no"] == "LARS"
    sofie = next(r for r in rows.values() if r["phone"] == "+4520000005")
    assert sofie["erp_customer_no"] == "SOFIE"
    created = ws.erp.customers.get(rows[1001]["erp_customer_no"])
    assert created.currency_code == "EUR" and created.customer_price_group == "RETAIL"
    assert created.name == "Zoë Smith" and created.country_code == "DE"
    assert ws.erp.customers.get("LARS").name == "Lars B."  # shopify_can_update_customer is off
    assert get_cursor(ws.engine, "ALL", "customers") is not None

    before = snapshot(ws)
    rerun = ws.run("sync-customers", shop="ALL")
    assert rerun.ok, rerun.error
    assert rerun.stats["api"]["calls"] == 1  # one page, empty or echoes only
    assert not {"created", "updated", "linked", "exported"} & set(rerun.stats)
    assert snapshot(ws) == before


def test_similar_emails_are_never_confused_and_ambiguity_is_skipped(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "MAT", customer_import="all")
    ws.erp.customers.add("LEE", name="Lee", email="lee@example.com")
    ws.erp.customers.add("ANNLEE", name="Ann Lee", email="ann.lee@example.com")
    ws.erp.customers.add("TWIN1", name="Twin", email="twin@example.com")
    ws.erp.customers.add("TWIN2", name="Twin too", email="TWIN@example.com")
    ann = shopify_customer(sandbox, email="Ann.Lee@Example.com", firstName="Ann", lastName="Lee")
    near = shopify_customer(sandbox, email="lee@example.co", firstName="Not", lastName="Lee")
    twin = shopify_customer(sandbox, email="Twin@Example.com", firstName="Twin")
    result = ws.run("sync-customers", shop="MAT")
    assert result.ok, result.error
    rows = links(ws)
    ident = {gid: int(gid.rsplit("/", 1)[1]) for gid in (ann, near, twin)}
    assert rows[ident[ann]]["erp_customer_no"] == "ANNLEE"
    assert rows[ident[near]]["erp_customer_no"] is None  # similar is not the same
    assert rows[ident[twin]]["erp_customer_no"] is None and rows[ident[twin]]["has_error"]
    assert "TWIN1, TWIN2" in rows[ident[twin]]["error_message"]
    assert result.stats.get("created", 0) == 0  # auto_create_unknown_customers is off
    assert len(ws.erp.customers) == 4


def test_export_pushes_erp_changes_once_and_ignores_the_echo(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(
        sandbox,
        "EXP",
        customer_import="all",
        auto_create_unknown_customers=True,
        can_update_shopify_customer=True,
    )
    assert ws.run("sync-customers", shop="EXP").ok
    row = links(ws)[1004]
    no = row["erp_customer_no"]
    ws.erp.customers.update(no, city="Aarhus", name="Emma Kelly")
    result = ws.run("sync-customers", shop="EXP")
    assert result.ok, result.error
    assert result.stats["updated"] == 1 and result.stats.get("created", 0) == 0
    remote = sandbox.state.get("gid://shopify/Customer/1004", "Customer")
    assert remote["lastName"] == "Kelly" and remote["defaultAddress"]["city"] == "Aarhus"
    assert links(ws)[1004]["last_updated_by"] == "erp"
    before = snapshot(ws)
    for _ in range(2):  # the echo comes back at most once; nothing is written or sent
        rerun = ws.run("sync-customers", shop="EXP")
        assert rerun.ok, rerun.error
        assert rerun.stats["api"]["calls"] == 1
        assert not {"created", "updated", "linked"} & set(rerun.stats)
    assert snapshot(ws) == before
    # a Shopify-side change is not taken into the ERP (the card lets the ERP update Shopify only)
    shopify_update(sandbox, id="gid://shopify/Customer/1004", lastName="Walsh")
    assert ws.run("sync-customers", shop="EXP").ok
    assert ws.erp.customers.get(no).name == "Emma Kelly"


def test_import_updates_linked_customers_without_echoing_back(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "UPD", customer_import="with_order_import", shopify_can_update_customer=True)
    ws.erp.customers.add("FREJA", name="Freja A.", email="freja.andersen3@example.com")
    first = ws.run("sync-customers", shop="UPD")
    assert first.ok, first.error
    assert first.stats["linked"] == 1 and first.stats["ignore"] == len(sandbox.state.table("Customer")) - 1
    assert ws.erp.customers.get("FREJA").name == "Freja Andersen"  # Shopify may update the ERP
    assert len(links(ws)) == 1 and len(ws.erp.customers) == 1  # nothing created with order-import only
    shopify_update(sandbox, id="gid://shopify/Customer/1003", phone="+4520009999")
    second = ws.run("sync-customers", shop="UPD")
    assert second.ok, second.error
    assert second.stats["updated"] == 1
    assert ws.erp.customers.get("FREJA").phone == "+4520009999"
    assert links(ws)[1003]["last_updated_by"] == "shopify"
    assert second.stats.get("erp_changes_not_sent", 0) == 0  # the ERP's copy is no change of its own


def test_order_import_only_without_update_rights_reads_nothing(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "OFF", customer_import="with_order_import")
    result = ws.run("sync-customers", shop="OFF")
    assert result.ok, result.error
    assert result.stats.get("api", {}).get("calls", 0) == 0 and links(ws) == {}


def test_dry_run_writes_nothing(ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    add_sandbox_shop(sandbox, "DRY", customer_import="all", auto_create_unknown_customers=True)
    result = ws.run("sync-customers", shop="DRY", dry_run=True)
    assert result.ok, result.error
    assert set(result.changes["action"]) == {"create"}
    assert len(result.changes) == len(sandbox.state.table("Customer"))
    assert links(ws) == {} and len(ws.erp.customers) == 0
    assert get_cursor(ws.engine, "DRY", "customers") is None


def test_export_customers_creates_or_links_exactly(
    ws: Any, add_sandbox_shop: Any, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sandbox_shop(sandbox, "ADD")
    ws.erp.customers.add("NEW", name="Grace Hopper", email="grace@example.com", city="Arlington", country_code="US")
    ws.erp.customers.add("OLD", name="Lukas", email="LUKAS.ANDERSEN5@example.com")
    ws.erp.customers.add("NEAR", name="Near", email="andersen5@example.com")
    before = len(sandbox.state.table("Customer"))
    result = export_customers(ws, "ADD", ["NEW", "OLD", "NEAR"])
    assert result.ok, result.error
    actions = dict(zip(result.changes["customer_no"], result.changes["action"], strict=True))
    assert actions == {"NEW": "create", "OLD": "link", "NEAR": "create"}
    assert len(sandbox.state.table("Customer")) == before + 2
    grace = by_email(sandbox, "grace@example.com")
    assert grace["firstName"] == "Grace" and grace["defaultAddress"]["city"] == "Arlington"
    assert links(ws)[1005]["erp_customer_no"] == "OLD"
    again = export_customers(ws, "ADD", ["NEW", "OLD"])
    assert set(again.changes["action"]) == {"unchanged"} and again.stats.get("api", {}).get("calls", 0) == 0
