"""ERP customers to Shopify: updates of linked customers (sync-customers) and the explicit create action.

* :func:`export_changed` (part of ``sync-customers``): a linked customer whose shared content no longer
  hashes as the link says changed in the ERP; with ``can_update_shopify_customer`` it goes to Shopify with
  ``customerUpdate``, and the link stores the hash of what was sent (so the import ignores the echo).
* ``add-customers-to-shopify`` (BC 30112 "Shopify Add Customer to Shopify"), also as
  ``export_customers(ws, "DEMO", ["C0001", "C0002"])``: creates Shopify customers for ERP customers. Before
  creating one it looks for an existing Shopify customer with the same e-mail or phone; Shopify's search is
  tokenized, so every hit is checked for an exact (normalised) match before it is linked.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from shopops.erp import Erp
from shopops.erp.master.customers import Customer
from shopops.shopify import operations
from shopops.sync.context import RunContext
from shopops.sync.customers.matching import normalise_email, phones_match
from shopops.sync.customers.mirror import (
    CustomerLinks,
    content_hash,
    customer_email,
    customer_phone,
    error_values,
    mirror_values,
    shared_from_erp,
    shared_from_shopify,
    shopify_input,
)
from shopops.sync.mutations import execute_mutation
from shopops.sync.registry import Param, report_spec
from shopops.sync.values import shopify_id

ADD_REPORT = "add-customers-to-shopify"
COLUMNS = ["direction", "shopify_id", "customer_no", "action", "how", "reason"]
#: Shopify customers read per look-up by e-mail or phone (only exact matches count).
FIND_FIRST = 10


def export_changed(ctx: RunContext, links: CustomerLinks, customers: dict[str, Customer]) -> list[list[Any]]:
    """Push linked ERP customers whose content changed since the last send or receive."""
    assert ctx.shop is not None
    allowed = ctx.shop.settings.can_update_shopify_customer
    out: list[list[Any]] = []
    for row in sorted(links.rows.values(), key=lambda r: r["id"]):
        customer = customers.get(row.get("erp_customer_no") or "")
        if customer is None:
            continue
        shared = shared_from_erp(customer)
        if content_hash(shared) == row.get("hash"):
            continue
        if not allowed:
            ctx.stats["erp_changes_not_sent"] += 1
            continue
        out.append(["export", row["id"], customer.no, "update", "link", ""])
        if ctx.dry_run:
            continue
        data = execute_mutation(
            ctx.client,
            operations.load("SyncCustomerUpdate"),
            {"input": shopify_input(customer, f"gid://shopify/Customer/{row['id']}")},
            user_errors="return",
        )
        payload = data["customerUpdate"]
        if not _saved(ctx, links, payload, row["id"], customer, "updated"):
            continue
        ctx.progress(len(out), None, f"customer {customer.no} sent")
    return out


def _saved(
    ctx: RunContext, links: CustomerLinks, payload: dict[str, Any], sid: int | None, customer: Customer, stat: str
) -> bool:
    """Mirror what Shopify now holds and the hash of what was sent; a userError marks the row instead."""
    errors = payload.get("userErrors") or []
    if errors or not payload.get("customer"):
        message = "; ".join(str(e.get("message")) for e in errors) or "no customer returned"
        ctx.stats["failed"] += 1
        ctx.skip("customer", customer.no, f"Shopify refused the customer: {message}")
        if sid is not None:
            links.save(error_values(sid, f"Shopify refused the customer: {message}"[:500]))
        return False
    values = mirror_values(payload["customer"])
    links.save(
        {
            **values,
            **error_values(values["id"], None),
            "erp_customer_no": customer.no,
            "hash": content_hash(shared_from_erp(customer)),
            "last_updated_by": "erp",
        }
    )
    ctx.stats[stat] += 1
    return True


# --- the explicit action ----------------------------------------------------------------------------------


@report_spec(
    ADD_REPORT,
    bc_id=30112,
    description="Create Shopify customers for ERP customers (linking an exact e-mail/phone match instead).",
    params={"customers": Param(str, required=True, doc="ERP customer nos., joined by |")},
)
def add_customers(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Create (or link) a Shopify customer for each ERP customer named."""
    assert ctx.shop is not None
    erp = Erp(ctx.engine)
    links = CustomerLinks.load(ctx.engine, ctx.shop.code)
    linked = links.by_erp_no()
    rows: list[list[Any]] = []
    wanted = [n.strip().upper() for n in str(params["customers"]).split("|") if n.strip()]
    for done, no in enumerate(dict.fromkeys(wanted), start=1):
        rows.append(_add_one(ctx, erp, links, linked, no))
        ctx.progress(done, len(wanted), f"customer {no}")
    return pd.DataFrame(rows, columns=COLUMNS)


def _add_one(ctx: RunContext, erp: Erp, links: CustomerLinks, linked: dict[str, dict[str, Any]], no: str) -> list[Any]:
    customer = erp.customers.find(no)
    if customer is None:
        ctx.skip("customer", no, "does not exist in the ERP")
        return ["export", None, no, "skip", "", "does not exist in the ERP"]
    if no in linked:
        reason = f"already linked to Shopify customer {linked[no]['id']}"
        ctx.stats["already_linked"] += 1
        return ["export", linked[no]["id"], no, "unchanged", "link", reason]
    found, how = find_in_shopify(ctx, customer)
    if len(found) > 1:
        reason = f"{how} matches several Shopify customers ({', '.join(str(f) for f in sorted(found))})"
        ctx.skip("customer", no, reason)
        return ["export", None, no, "skip", how, reason]
    if found:
        node = next(iter(found.values()))
        sid = shopify_id(node["id"]) or 0
        owner = links.rows.get(sid, {}).get("erp_customer_no")
        if owner and owner != no:
            reason = f"Shopify customer {sid} ({how}) is linked to ERP customer {owner}"
            ctx.skip("customer", no, reason)
            return ["export", sid, no, "skip", how, reason]
        if not ctx.dry_run:
            shared = content_hash(shared_from_shopify(node))
            links.save({**mirror_values(node), **error_values(sid, None), "erp_customer_no": no, "hash": shared})
            ctx.stats["linked"] += 1
        return ["export", sid, no, "link", how, ""]
    if ctx.dry_run:
        return ["export", None, no, "create", "", ""]
    data = execute_mutation(
        ctx.client, operations.load("SyncCustomerCreate"), {"input": shopify_input(customer)}, user_errors="return"
    )
    payload = data["customerCreate"]
    if not _saved(ctx, links, payload, None, customer, "created"):
        return ["export", None, no, "skip", "", "Shopify refused the customer"]
    return ["export", shopify_id(payload["customer"]["id"]), no, "create", "", ""]


def find_in_shopify(ctx: RunContext, customer: Customer) -> tuple[dict[int, dict[str, Any]], str]:
    """Shopify customers with exactly this e-mail, else this phone (the search's hits checked one by one)."""
    searches = []
    if customer.email:
        searches.append(("email", f'email:"{_quoted(customer.email)}"'))
    if customer.phone:
        searches.append(("phone", f'phone:"{_quoted(customer.phone)}"'))
    for how, query in searches:
        data = ctx.client.execute(operations.load("GetCustomers"), {"first": FIND_FIRST, "query": query})
        hits = {}
        for node in data["customers"]["nodes"]:
            same = (
                normalise_email(customer_email(node)) == normalise_email(customer.email)
                if how == "email"
                else phones_match(customer_phone(node), customer.phone)
            )
            if same:
                hits[shopify_id(node["id"]) or 0] = node
        if hits:
            return hits, how
    return {}, ""


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def export_customers(ws: Any, shop: str, customer_nos: list[str] | tuple[str, ...]) -> Any:
    """Create Shopify customers for these ERP customers now (logged as a run); returns the RunResult."""
    spec = ws.registry.get(ADD_REPORT)
    params = spec.check_params({"customers": "|".join(customer_nos)})
    return ws.run_foreground(ADD_REPORT, shop, params)
