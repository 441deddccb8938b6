"""The reports (one module each), their registry and the context a report runs in."""

from __future__ import annotations

from shopops.sync.context import RunContext, RunResult
from shopops.sync.registry import REGISTRY, Param, ReportRegistry, ReportSpec, report

__all__ = ["REGISTRY", "Param", "ReportRegistry", "ReportSpec", "RunContext", "RunResult", "report"]
