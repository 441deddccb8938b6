"""The reports: a shared core and one package per domain, named as a user names it.

The core: ``registry`` (name <-> BC id <-> function, parameters), ``reports`` (the built-in reports, one
explicit list), ``context`` (what a report sees while it runs), ``state`` (cursors and the
skipped-record log), ``values`` (Shopify's ids, amounts and times made exact), ``clients``, ``mutations``,
``bulk_read``, ``guardrails`` and ``builtin`` (check-connection and the queue's self-tests).

The domains, each with its report(s), mapping, mirror and API calls together: ``orders`` (30104),
``sales_documents`` (30103, 296, 297), ``shipments`` (30109), ``products`` (30108), ``inventory``
(30102), ``images`` (30107), ``customers`` (30100), ``payouts`` (30105) and ``runbooks``.
"""

from __future__ import annotations

from shopops.sync.context import RunContext, RunResult
from shopops.sync.registry import REGISTRY, Param, ReportRegistry, ReportSpec, report

__all__ = ["REGISTRY", "Param", "ReportRegistry", "ReportSpec", "RunContext", "RunResult", "report"]
