"""Workspace: one database and what lives in it (shops, the job queue, the reports)."""

from __future__ import annotations

import logging
import os
import socket
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from tqdm.auto import tqdm

from shopops.erp import Erp
from shopops.errors import ConfigError, NotFound
from shopops.queue import JobEntry, JobQueue, Outcome, UnknownReport
from shopops.queue.schedule_file import ApplyResult
from shopops.queue.schedule_file import apply as apply_schedule_file
from shopops.shops import ShopRegistry
from shopops.store.engine import safe_url
from shopops.store.opening import open_engine
from shopops.store.types import utcnow
from shopops.store.urls import default_url
from shopops.sync.clients import client_for
from shopops.sync.context import RunContext, RunResult
from shopops.sync.registry import REGISTRY, ReportRegistry, ReportSpec
from shopops.sync.reports import BUILTIN_REPORTS

SYNC_LOG = logging.getLogger("shopops.sync")


class Workspace:
    """Shops, the job queue and the reports on one database. Made by ``shopops.open()``."""

    def __init__(self, engine: Engine, registry: ReportRegistry = REGISTRY) -> None:
        self.engine = engine
        registry.register_builtins(BUILTIN_REPORTS)
        self.registry = registry
        self.shops = ShopRegistry(engine)
        self.erp = Erp(engine)
        self.queue = JobQueue(engine, executor=self._execute, validator=self._validate)
        self._closed = False

    # --- reports ---------------------------------------------------------------------------------------

    @property
    def reports(self) -> pd.DataFrame:
        """name, BC id, description, parameters of every report this process knows."""
        return self.registry.frame()

    def _validate(self, report: str, shop: str | None, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        spec = self.registry.get(report)
        if shop is not None:
            self.shops[shop]  # raises NotFound with the shops there are
        elif spec.needs_shop:
            raise ConfigError("shop", f"{spec.name} syncs one shop; pass shop='CODE' (shops: {self.shops.codes()})")
        return spec.name, spec.check_params(params)

    # --- running ---------------------------------------------------------------------------------------

    def run(
        self,
        report: str,
        shop: str | None = None,
        *,
        background: bool | None = None,
        max_attempts: int | None = None,
        **params: Any,
    ) -> Any:
        """Run a report the way the shop card says.

        When the shop allows background syncs, an entry in the shop's category that starts now (the
        JobEntry is returned), tried up to ``max_attempts`` times (default 1; a run lost with its worker
        is tried once more); otherwise the report runs here and now, with a progress bar, and still
        leaves a log entry (the RunResult is returned). ``background`` overrides the card.
        """
        name, checked = self._validate(report, shop, params)
        card = self.shops[shop].settings if shop else None
        if background is None:
            background = bool(card and card.allow_background_sync)
        if background:
            return self.queue.enqueue(
                name,
                shop=shop,
                params=checked,
                category=card.category if card else None,
                max_attempts=1 if max_attempts is None else max_attempts,
                description=f"{name} for {shop}, started by hand" if shop else f"{name}, started by hand",
            )
        if max_attempts is not None and max_attempts != 1:
            raise ConfigError(
                "max_attempts", "a run in the foreground is tried once; queue it (background=True) to retry it"
            )
        return self.run_foreground(name, shop, checked)

    def run_foreground(self, report: str, shop: str | None, params: Mapping[str, Any]) -> RunResult:
        """Run now in this process, with a progress bar; logged as a foreground run."""
        spec = self.registry.get(report)
        worker = f"foreground:{socket.gethostname()}:{os.getpid()}"
        log_id = self.queue.store.open_foreground_log(None, spec.name, shop, params, worker)
        started = utcnow()
        # disable=None: a bar in a terminal or a notebook, nothing when stderr is a pipe or a file (a script's
        # log would otherwise get one bar per run, and a pipe nobody reads fills up and stops the process)
        bar = tqdm(total=None, desc=spec.name, unit="rec", leave=False, disable=None)

        def progress(done: int, total: int | None, message: str) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.n = done
            bar.set_postfix_str(message, refresh=False)
            bar.refresh()

        ctx = self._context(spec, shop, params, progress)
        error: str | None = None
        changes: pd.DataFrame | None = None
        try:
            returned = spec.function(ctx, spec.typed_params(params))
            if isinstance(returned, pd.DataFrame):
                changes = returned
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            self.queue.store.close_log(log_id, outcome=None, error=error, traceback=traceback.format_exc())
        finally:
            bar.close()
        outcome = self._outcome(ctx)
        if error is None:
            self.queue.store.close_log(log_id, outcome=outcome, error=None, traceback=None)
        return RunResult(
            report=spec.name,
            shop=shop,
            status="error" if error else "success",
            stats=outcome.stats,
            api_cost=outcome.api_cost,
            started_at=started,
            ended_at=utcnow(),
            error=error,
            changes=changes,
            log_id=log_id,
        )

    def _execute(self, entry: JobEntry, progress: Any) -> Outcome:
        """The queue's executor: run the report an entry names, in a worker thread."""
        try:
            spec = self.registry.get(entry.report)
        except NotFound as exc:
            raise UnknownReport(str(exc)) from None
        # _context and typed_params each make their own copy of the parameters
        ctx = self._context(spec, entry.shop, entry.parameters, progress)
        spec.function(ctx, spec.typed_params(entry.parameters))
        return self._outcome(ctx)

    def _context(self, spec: ReportSpec, shop: str | None, params: Mapping[str, Any], progress: Any) -> RunContext:
        shop_obj = self.shops[shop] if shop else None
        if shop_obj is not None and not shop_obj.settings.enabled:
            raise ConfigError("enabled", f"shop {shop} is disabled; turn it on in the shop card to sync it")
        return RunContext(
            engine=self.engine,
            shop=shop_obj,
            params=dict(params),
            dry_run=bool(params.get("dry_run", False)),
            report=spec.name,
            progress=progress,
            client_factory=(lambda: client_for(shop_obj)) if shop_obj is not None else None,
            log=SYNC_LOG,  # RunContext's default, without a look-up under logging's lock every run
        )

    @staticmethod
    def _outcome(ctx: RunContext) -> Outcome:
        stats: dict[str, Any] = {**ctx.stats, **ctx.notes}
        api = ctx.api_stats()
        if api:
            stats["api"] = api
        return Outcome(stats=stats, api_cost=ctx.api_cost())

    def apply_schedule(self, path: str | Path, *, prune: bool = False) -> ApplyResult:
        """Create or update the recurring entries a schedule file declares (docs/schedule.md); an entry that
        names a shop and no category gets the shop card's. With ``prune`` the entries of earlier applies
        that the file no longer declares are deleted."""
        return apply_schedule_file(
            self.queue, Path(path), prune=prune, category_of=lambda code: self.shops[code].settings.category
        )

    def close(self) -> None:
        """Release the database connections and mark the workspace closed (see ``closed``)."""
        self._closed = True
        self.engine.dispose()

    @property
    def closed(self) -> bool:
        """True once ``close()`` ran. The engine would quietly reconnect, so views ask this before acting:
        a closed workspace usually means its notebook also stopped the sandbox or worker it talked to."""
        return self._closed

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._closed:
            return f"<shopops workspace on {safe_url(self.engine)}: closed>"
        return f"<shopops workspace on {safe_url(self.engine)}: {len(self.shops)} shops>"


def open_workspace(url: str | None = None, *, create: bool = True) -> Workspace:
    """Open the workspace at ``url`` (``$SHOPOPS_DB``, else ``./shopops.db``); see ``shopops.open``.

    With ``create`` (the default) a database that is not there yet is made; without, it is refused with
    DatabaseUnavailable, as is a database that cannot be used (the message names the URL and the fix).
    """
    return Workspace(open_engine(url or default_url(), create=create))


__all__ = ["Workspace", "open_workspace"]
