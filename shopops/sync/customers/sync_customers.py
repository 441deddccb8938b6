"""``sync-customers`` (BC 30100 "Shopify Sync Customers"): customers both ways, with echo suppression.

    ws.shops.set("DEMO", customer_import="all", auto_create_unknown_customers=True)
    ws.run("sync-customers", shop="DEMO")
    export_customers(ws, "DEMO", ["C0001"])      # the explicit action that creates Shopify customers

Import, as the shop card's ``customer_import`` says:

* ``all``: customers changed since the cursor. A known (linked) one updates its ERP customer when
  ``shopify_can_update_customer`` is on. A new one is matched to an ERP customer by exact e-mail, then
  normalised e-mail, then phone (:mod:`shopops.sync.customers.matching`, never a similar customer); when
  nothing matches and ``auto_create_unknown_customers`` is on, an ERP customer is created from the
  template (``country_customer_templates``, else ``customer_template``), else the mirror row stays unlinked.
* ``with_order_import``: only customers the ERP already knows (linked, or matching an ERP customer that
  came with an order) are refreshed, and only when ``shopify_can_update_customer`` is on; nothing is created.
* ``none``: no import.

Export (``can_update_shopify_customer``): a linked ERP customer whose shared content hashes differently
from the link's hash is pushed with ``customerUpdate``. New Shopify customers come only from
:func:`shopops.sync.customers.export.export_customers`. Echoes are suppressed by the hash
(:mod:`shopops.sync.customers.mirror`): nothing that came from one side is sent back to it.

The cursor is taken before paging and saved after. ``dry_run`` returns the plan and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select

from shopops.erp import Erp
from shopops.erp import numbers as erp_numbers
from shopops.erp.master.customers import Customer
from shopops.erp.validation import FieldError
from shopops.shop_settings import ShopSettings, country_map
from shopops.shopify import operations
from shopops.store import tables as t
from shopops.store.types import utcnow
from shopops.sync.context import RunContext
from shopops.sync.customers.export import export_changed, export_customers
from shopops.sync.customers.matching import Ambiguous, CustomerIndex
from shopops.sync.customers.mirror import (
    CustomerLinks,
    content_hash,
    customer_address,
    erp_fields_from_shopify,
    error_values,
    mirror_values,
    shared_from_erp,
    shared_from_shopify,
)
from shopops.sync.registry import report_spec
from shopops.sync.state import get_cursor, set_cursor, updated_since
from shopops.sync.values import shopify_id, when

REPORT = "sync-customers"
CURSOR = "customers"
#: Customers per page of the import.
PAGE_SIZE = 100
#: Number series of customers created by the syncs (the same one order import uses).
CUSTOMER_SERIES = "customer"
COLUMNS = ["direction", "shopify_id", "customer_no", "action", "how", "reason"]
TEMPLATE_FIELDS = ("currency_code", "customer_price_group", "tax_area_code")


@dataclass
class ImportPlan:
    """What the import does with one Shopify customer."""

    shopify_id: int
    action: str  # unchanged, echo, update, link, create, mirror, skip
    customer_no: str | None = None
    how: str = ""
    reason: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def load_erp(erp: Erp) -> dict[str, Customer]:
    """Every ERP customer by no. (one query)."""
    with erp.engine.connect() as conn:
        rows = conn.execute(select(t.erp_customer)).mappings().all()
    return {r["no"]: Customer(**dict(r)) for r in rows}


@report_spec(
    REPORT, bc_id=30100, description="Customers both ways: import per the shop card, export of linked customers."
)
def sync_customers(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Import customers changed in Shopify, then push linked ERP customers that changed."""
    assert ctx.shop is not None
    settings = ctx.shop.settings
    erp = Erp(ctx.engine)
    links = CustomerLinks.load(ctx.engine, ctx.shop.code)
    customers = load_erp(erp)
    rows: list[list[Any]] = []
    if _imports(settings):
        rows += import_customers(ctx, erp, links, customers)
    else:
        ctx.log.info("customer_import=%s: no customer import for %s", settings.customer_import, ctx.shop.code)
    rows += export_changed(ctx, links, customers)
    return pd.DataFrame(rows, columns=COLUMNS) if ctx.dry_run else None


def _imports(settings: ShopSettings) -> bool:
    if settings.customer_import == "all":
        return True
    return settings.customer_import == "with_order_import" and settings.shopify_can_update_customer


def import_customers(
    ctx: RunContext, erp: Erp, links: CustomerLinks, customers: dict[str, Customer]
) -> list[list[Any]]:
    """Customers changed since the cursor -> mirror -> ERP; the cursor moves after the last page."""
    assert ctx.shop is not None
    shop, settings = ctx.shop.code, ctx.shop.settings
    started = utcnow()
    cursor = get_cursor(ctx.engine, shop, CURSOR)
    index = CustomerIndex((c.no, c.email, c.phone) for c in customers.values())
    variables = {"first": PAGE_SIZE, "query": updated_since(cursor)}
    out: list[list[Any]] = []
    for node in ctx.client.paginate(operations.load("GetCustomers"), variables, path=("customers",)):
        ctx.stats["read"] += 1
        plan = plan_import(node, links, index, customers, settings)
        out.append(["import", plan.shopify_id, plan.customer_no, plan.action, plan.how, plan.reason])
        if not ctx.dry_run:
            _apply(ctx, erp, links, index, customers, node, plan)
        elif plan.action == "skip":
            ctx.stats["skipped"] += 1
        ctx.progress(ctx.stats["read"], None, f"customer {plan.shopify_id}: {plan.action}")
    if not ctx.dry_run and ctx.stats["read"]:  # nothing read: the cursor stands, a quiet rerun writes nothing
        set_cursor(ctx.engine, shop, CURSOR, started)
    return out


def plan_import(
    node: dict[str, Any],
    links: CustomerLinks,
    index: CustomerIndex,
    customers: dict[str, Customer],
    settings: ShopSettings,
) -> ImportPlan:
    """The rules of the module docstring for one Shopify customer (no writes)."""
    sid = shopify_id(node["id"]) or 0
    row = links.rows.get(sid) or {}
    linked = row.get("erp_customer_no")
    if linked and linked in customers:
        if row.get("shopify_updated_at") == when(node.get("updatedAt")):
            return ImportPlan(sid, "unchanged", linked)
        if content_hash(shared_from_shopify(node)) == row.get("hash"):
            return ImportPlan(sid, "echo" if row.get("last_updated_by") == "erp" else "unchanged", linked)
        if not settings.shopify_can_update_customer:
            return ImportPlan(sid, "mirror", linked, reason="shopify_can_update_customer is off")
        return ImportPlan(sid, "update", linked, "link", fields=erp_fields_from_shopify(node))
    address = customer_address(node)
    email = str((node.get("defaultEmailAddress") or {}).get("emailAddress") or "")
    phone = str((node.get("defaultPhoneNumber") or {}).get("phoneNumber") or address.get("phone") or "")
    found = index.match(email, phone)
    taken = links.by_erp_no()
    if isinstance(found, Ambiguous):
        return ImportPlan(sid, "skip", reason=found.reason)
    if found is not None and found.no in taken and taken[found.no]["id"] != sid:
        reason = f"ERP customer {found.no} ({found.how}) is linked to Shopify customer {taken[found.no]['id']}"
        return ImportPlan(sid, "skip", reason=reason)
    if found is not None:
        fields = erp_fields_from_shopify(node) if settings.shopify_can_update_customer else {}
        return ImportPlan(sid, "link", found.no, found.how, fields=fields)
    if settings.customer_import != "all":
        return ImportPlan(sid, "ignore", reason="not known to the ERP (customer_import=with_order_import)")
    if not settings.auto_create_unknown_customers:
        return ImportPlan(sid, "mirror", reason="no ERP customer matches; auto_create_unknown_customers is off")
    try:
        defaults = _template(settings, address.get("countryCodeV2") or "", customers)
    except LookupError as exc:
        return ImportPlan(sid, "skip", reason=str(exc))
    return ImportPlan(sid, "create", how="created", fields={**defaults, **erp_fields_from_shopify(node)})


def _template(settings: ShopSettings, country: str, customers: dict[str, Customer]) -> dict[str, Any]:
    templates = country_map(settings.country_customer_templates, "country_customer_templates")
    template = templates.get(country.upper()) or settings.customer_template
    if not template:
        return {}
    found = customers.get(template.strip().upper())
    if found is None:
        setting = "country_customer_templates" if country.upper() in templates else "customer_template"
        raise LookupError(f"{setting} names template customer {template}, which does not exist in the ERP")
    return {k: getattr(found, k) for k in TEMPLATE_FIELDS}


def _apply(
    ctx: RunContext,
    erp: Erp,
    links: CustomerLinks,
    index: CustomerIndex,
    customers: dict[str, Customer],
    node: dict[str, Any],
    plan: ImportPlan,
) -> None:
    """Carry out one plan: the ERP write (its own short transaction), then the mirror row."""
    values = mirror_values(node)
    if plan.action in ("unchanged", "echo", "ignore"):
        ctx.stats[plan.action] += 1
        if plan.action != "ignore":
            links.save(values)  # writes only when Shopify's stamp or fields moved
        return
    if plan.action == "skip":
        ctx.skip("shopify_customer", plan.shopify_id, plan.reason)
        links.save({**values, **error_values(plan.shopify_id, plan.reason)})
        return
    if plan.action == "mirror":
        ctx.stats["mirrored" if plan.customer_no else "unlinked"] += 1
        links.save({**values, **error_values(plan.shopify_id, None)})
        return
    try:
        customer = _write_erp(erp, plan)
    except FieldError as exc:
        reason = f"the ERP refused the customer: {exc}"
        ctx.stats["failed"] += 1
        ctx.skip("shopify_customer", plan.shopify_id, reason)
        links.save({**values, **error_values(plan.shopify_id, reason)})
        return
    customers[customer.no] = customer
    if plan.action == "create":
        index.add(customer.no, customer.email, customer.phone)
    ctx.stats[{"create": "created", "update": "updated", "link": "linked"}[plan.action]] += 1
    if plan.action == "link" and plan.fields:
        ctx.stats["updated"] += 1
    synced = shared_from_erp(customer) if plan.fields else shared_from_shopify(node)
    links.save(
        {
            **values,
            **error_values(plan.shopify_id, None),
            "erp_customer_no": customer.no,
            "hash": content_hash(synced),
            "last_updated_by": "shopify",
        }
    )


def _write_erp(erp: Erp, plan: ImportPlan) -> Customer:
    if plan.action == "create":
        with erp.engine.begin() as conn:
            no = erp_numbers.next_no(conn, CUSTOMER_SERIES)
            return erp.customers.add(no, conn=conn, **plan.fields)
    assert plan.customer_no is not None
    if plan.fields:
        return erp.customers.update(plan.customer_no, **plan.fields)
    return erp.customers.get(plan.customer_no)


__all__ = ["export_customers", "plan_import", "sync_customers"]
