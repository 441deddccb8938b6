"""``sync-shipments`` (BC 30109): posted shipments -> Shopify fulfillments, one per location, with tracking.

    ws.run("sync-shipments", shop="DEMO")                        # every shipment not synced yet
    ws.run("sync-shipments", shop="DEMO", dry_run=True)          # the fulfillments it would create
    ws.run("sync-shipments", shop="DEMO", shipment_no="SSH000012")
    reset_shipment(ws, "SSH000012")                              # -1 / -2 back to 0, for another try

Per run, as BC's ShpfyExportShipments does it:

1. Take the shop's posted shipments of Shopify orders whose fulfillment marker is 0.
2. Per shipment, read the order's fulfillment orders **fresh from Shopify** (the mirror may be hours
   old), spread each item line's quantity over the open fulfillment-order lines of the same line item,
   and group the picks per location (see :mod:`shopops.sync.shipments.plan`).
3. Send one ``fulfillmentCreate`` per location (at most 250 line items each) with ``trackingInfo``
   (company, number, URL; only when the shipment has a tracking no.) and ``notifyCustomer`` from the
   shop card's ``send_shipping_confirmation``.
4. Keep the result on the shipment: the fulfillment's id; -2 when nothing is left to fulfil; -1 when
   Shopify refused (its userError message goes to the skipped-record log). The run goes on.

A request whose answer never came is settled before anything is sent again (see
:mod:`shopops.sync.shipments.api`), so a timeout never creates a second fulfillment; a shipment with a
marker is never taken again, so a rerun does not either.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.exc import OperationalError

from shopops.erp import FULFILLMENT_ERROR, FULFILLMENT_NOTHING_TO_FULFIL, Erp, PostedShipment, ShippingAgent
from shopops.shopify.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    MutationNotRetriedError,
    ShopifyError,
)
from shopops.sync.context import RunContext
from shopops.sync.orders.freshness import Held, held_orders
from shopops.sync.orders.parse import order_gid
from shopops.sync.registry import Param, report_spec
from shopops.sync.shipments import api
from shopops.sync.shipments.plan import (
    FulfillmentRequest,
    allocate,
    remaining_by_line,
    requests_for,
    shipped_quantities,
    tracking_for,
)

__all__ = ["CHANGE_COLUMNS", "reset_shipment", "sync_shipments"]

#: Errors that are the shop's or the database's, not one shipment's: they fail the run.
SYSTEMIC = (AuthenticationError, ForbiddenError, AccessDeniedError, ConfigurationError, OperationalError)
RECORD_TYPE = "shipment"
CHANGE_COLUMNS = [
    "shipment_no",
    "order_no",
    "shopify_order_id",
    "location_id",
    "fulfillment_orders",
    "line_items",
    "quantity",
    "tracking_company",
    "tracking_number",
    "tracking_url",
    "notify_customer",
    "action",
    "fulfillment_id",
    "message",
]
PARAMS = {
    "shipment_no": Param(str, doc="only these posted shipments (comma-separated nos., BC's No. filter)"),
}


def reset_shipment(ws: Any, no: str) -> None:
    """BC's "Update Document" action: turn a shipment's -1 or -2 marker back to 0, so that the next
    sync-shipments tries it again. A shipment fulfilled in Shopify (marker > 0) cannot be reset."""
    erp: Erp = getattr(ws, "erp", None) or Erp(ws.engine)
    erp.posted.reset_fulfillment(no)


class _Run:
    """One run's state: the shop card, the ERP, the known fulfillment ids and the change rows."""

    def __init__(self, ctx: RunContext, erp: Erp) -> None:
        assert ctx.shop is not None
        self.ctx = ctx
        self.shop = ctx.shop.code
        self.notify = bool(ctx.shop.settings.send_shipping_confirmation)
        self.erp = erp
        self.changes: list[dict[str, Any]] = []
        self.agents: dict[str, ShippingAgent | None] = {}
        frame = erp.posted.shipments(shop_code=self.shop)
        self.known: set[int] = {int(x) for x in frame["shopify_fulfillment_id"] if x is not None and int(x) > 0}
        self.held: dict[int, Held] = {}

    def agent(self, code: str) -> ShippingAgent | None:
        """The shipping agent (cached per run), None when the shipment has none or it was deleted."""
        if not code:
            return None
        if code not in self.agents:
            self.agents[code] = self.erp.shipping_agents.find(code)
        return self.agents[code]

    def row(
        self, shipment: PostedShipment, action: str, request: FulfillmentRequest | None = None, **extra: Any
    ) -> None:
        """Add one change row (one per request, or one per shipment that sends nothing)."""
        out: dict[str, Any] = {
            "shipment_no": shipment.no,
            "order_no": shipment.shopify_order_no,
            "shopify_order_id": shipment.shopify_order_id,
            "notify_customer": self.notify,
            "action": action,
        }
        if request is not None:
            out.update(
                location_id=request.location_id,
                fulfillment_orders=len({p.fulfillment_order_id for p in request.picks}),
                line_items=len(request.picks),
                quantity=request.quantity,
                tracking_company=request.tracking.company if request.tracking.number else None,
                tracking_number=request.tracking.number or None,
                tracking_url=request.tracking.url if request.tracking.number else None,
                fulfillment_id=request.result_id,
            )
        out.update(extra)
        self.changes.append(out)

    # --- one shipment ---------------------------------------------------------------------------

    def mark(self, shipment: PostedShipment, marker: int, reason: str | None) -> None:
        """Write the marker (not in a dry run) and, for -1/-2, the skipped-record log entry."""
        if reason is not None:
            self.ctx.skip(RECORD_TYPE, shipment.no, reason)
        if not self.ctx.dry_run:
            self.erp.posted.set_fulfillment_id(shipment.no, marker)

    def shipment(self, shipment: PostedShipment) -> None:
        """Plan, send and mark one shipment."""
        ctx = self.ctx
        why = self.held.get(int(shipment.shopify_order_id or 0))
        if why is not None:
            self.row(shipment, "held", message=why.reason)
            ctx.stats["held"] += 1
            if why.cancelled:  # only a person can settle a cancelled order's shipment
                self.mark(shipment, FULFILLMENT_ERROR, why.reason)
            else:  # the marker stays 0: the next run sends it once sync-orders has the order up to date
                ctx.skip(RECORD_TYPE, shipment.no, why.reason)
            return
        wanted = shipped_quantities(shipment)
        if not wanted:
            self.row(shipment, "nothing_to_fulfil", message="no item line with a Shopify order line and quantity")
            self.mark(shipment, FULFILLMENT_NOTHING_TO_FULFIL, "no item line with a Shopify order line and a quantity")
            ctx.stats["nothing_to_fulfil"] += 1
            return
        gid = order_gid(int(shipment.shopify_order_id or 0))
        lines = api.read_fulfillment_orders(ctx.client, gid)  # no transaction is open here
        if lines is None:
            reason = f"Shopify order {shipment.shopify_order_id} no longer exists"
            self.row(shipment, "error", message=reason)
            self.mark(shipment, FULFILLMENT_ERROR, reason)
            ctx.stats["failed"] += 1
            return
        before = remaining_by_line(lines)
        picks, short = allocate(wanted, lines)
        if not picks:
            reason = "nothing left to fulfil in Shopify: no open fulfillment-order line with a remaining quantity"
            self.row(shipment, "nothing_to_fulfil", message=reason)
            self.mark(shipment, FULFILLMENT_NOTHING_TO_FULFIL, reason)
            ctx.stats["nothing_to_fulfil"] += 1
            return
        if short:
            ctx.log.info("shipment %s: %d unit(s) had nothing left to fulfil", shipment.no, sum(short.values()))
            ctx.stats["units_not_fulfilled"] += sum(short.values())
        tracking = tracking_for(shipment, self.agent(shipment.shipping_agent_code))
        requests = requests_for(picks, tracking, self.notify)
        if ctx.dry_run:
            for request in requests:
                self.row(shipment, "create", request)
            ctx.stats["would_create"] += len(requests)
            return
        self.send_all(shipment, gid, requests, before)

    def send(self, gid: str, request: FulfillmentRequest, before: dict[str, int]) -> api.SendOutcome:
        """One request; an unknown outcome is settled, and a failure while settling is an error (-1),
        never a marker left at 0 that a rerun would send again."""
        try:
            return api.create(self.ctx.client, request)
        except SYSTEMIC:
            raise
        except MutationNotRetriedError as exc:
            self.ctx.stats["unknown_outcomes"] += 1
            self.ctx.log.warning("fulfillmentCreate for %s: no answer (%s); settling", gid, exc.cause)
        except ShopifyError as exc:  # refused before it ran (not retryable): not applied
            return api.SendOutcome(error=str(exc), how="failed")
        try:
            return api.settle(self.ctx.client, gid, request, before, self.known)
        except SYSTEMIC:
            raise
        except ShopifyError as exc:
            return api.SendOutcome(error=f"the outcome of fulfillmentCreate is unknown: {exc}", how="unclear")

    def send_all(
        self, shipment: PostedShipment, gid: str, requests: list[FulfillmentRequest], before: dict[str, int]
    ) -> None:
        """Send every request of a shipment; the marker is the last fulfillment's id, or -1 if any failed."""
        errors: list[str] = []
        for request in requests:
            outcome = self.send(gid, request, before)
            if outcome.fulfillment_id is not None:
                request.result_id = outcome.fulfillment_id
                self.known.add(outcome.fulfillment_id)
                self.erp.posted.set_fulfillment_id(shipment.no, outcome.fulfillment_id)  # at once: never twice
                self.ctx.stats["created"] += 1
                if outcome.how != "created":
                    self.ctx.stats[outcome.how] += 1
                self.row(shipment, "created" if outcome.how == "created" else outcome.how, request)
            else:
                errors.append(outcome.error or "Fulfillment was not created in Shopify")
                self.row(shipment, "error", request, message=outcome.error)
        if errors:
            self.mark(shipment, FULFILLMENT_ERROR, "; ".join(errors))
            self.ctx.stats["failed"] += 1


@report_spec("sync-shipments", bc_id=30109, params=PARAMS)
def sync_shipments(ctx: RunContext, params: dict[str, Any]) -> pd.DataFrame | None:
    """Posted shipments -> Shopify fulfillments (fulfillmentCreate), one per location, with tracking
    company, number and URL and the shop's notify flag; -1 / -2 markers and the skipped-record log."""
    if ctx.shop is None:
        raise ValueError("sync-shipments needs a shop")
    run = _Run(ctx, Erp(ctx.engine))
    shipments = run.erp.posted.shipments_to_sync(run.shop)
    only = {x.strip().upper() for x in str(params.get("shipment_no") or "").split(",") if x.strip()}
    if only:
        shipments = [s for s in shipments if s.no in only]
    # one batched read before anything is sent: our own fulfillments below must not look like changes
    run.held = held_orders(ctx.client, ctx.engine, run.shop, [s.shopify_order_id or 0 for s in shipments], "fulfilled")
    for done, shipment in enumerate(shipments, start=1):
        ctx.stats["read"] += 1
        try:
            run.shipment(shipment)
        except SYSTEMIC:
            raise
        except ShopifyError as exc:  # a read that kept failing: the marker stays 0, the next run retries
            reason = f"{type(exc).__name__}: {exc}"[:2000]
            ctx.stats["failed"] += 1
            run.row(shipment, "error", message=reason)
            ctx.skip(RECORD_TYPE, shipment.no, reason)
        ctx.progress(done, len(shipments), f"shipment {shipment.no}")
    if ctx.dry_run:
        return pd.DataFrame(run.changes, columns=CHANGE_COLUMNS)
    return None
