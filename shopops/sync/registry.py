"""Reports by name: ``sync-orders`` <-> BC 30104 <-> the function that runs it, and its parameters.

Teams add their own reports with the decorator::

    @shopops.report("nightly-export", description="Orders of the day to the data lake",
                    params={"days": int, "bucket": shopops.Param(str, required=True)})
    def nightly_export(ctx, params):
        ...

Parameters are checked when an entry is enqueued, so a typo fails at once instead of at 3 a.m.
Workers load extra report modules from ``$SHOPOPS_PLUGINS`` (comma-separated module names) and from the
``shopops.reports`` entry-point group.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import pandas as pd

from shopops.errors import ConfigError, NotFound

PLUGINS_ENV = "SHOPOPS_PLUGINS"
ENTRY_POINT_GROUP = "shopops.reports"
COMMON_PARAMS = ("dry_run",)

ReportFn = Callable[[Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class Param:
    """One report parameter: its type, default, whether it must be given, allowed values, help."""

    type: type
    default: Any = None
    required: bool = False
    choices: tuple[Any, ...] | None = None
    doc: str = ""

    def check(self, report: str, name: str, value: Any) -> Any:
        """The value, converted where that is lossless (ISO text to a date); else ConfigError."""
        if value is None:
            if self.required:
                raise ConfigError(f"{report}.{name}", "is required")
            return None
        expected = self.type
        if expected in (dt.date, dt.datetime) and isinstance(value, str):
            try:
                value = expected.fromisoformat(value)
            except ValueError:
                raise ConfigError(f"{report}.{name}", f"{value!r} is not an ISO {expected.__name__}") from None
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if not ok:
            raise ConfigError(f"{report}.{name}", f"expected {expected.__name__}, got {type(value).__name__} {value!r}")
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{report}.{name}", f"{value!r} is not one of {', '.join(map(repr, self.choices))}")
        return value


def _as_param(spec: type | Param) -> Param:
    return spec if isinstance(spec, Param) else Param(spec)


@dataclass(frozen=True)
class ReportSpec:
    """A registered report."""

    name: str
    function: ReportFn
    bc_id: int | None = None
    description: str = ""
    params: Mapping[str, Param] = field(default_factory=dict)
    needs_shop: bool = True

    def check_params(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Checked parameters with defaults filled in; JSON-safe (dates as ISO text)."""
        unknown = [k for k in given if k not in self.params and k not in COMMON_PARAMS]
        if unknown:
            known = ", ".join(sorted([*self.params, *COMMON_PARAMS]))
            raise ConfigError(f"{self.name}.{unknown[0]}", f"is not a parameter of {self.name} (it takes: {known})")
        out: dict[str, Any] = {}
        for name, param in self.params.items():
            value = param.check(self.name, name, given.get(name, param.default))
            if value is not None:
                out[name] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
        if "dry_run" in given:
            out["dry_run"] = Param(bool).check(self.name, "dry_run", given["dry_run"])
        return out

    def typed_params(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Stored (JSON) parameters back to their Python types, for the report function."""
        out = dict(stored)
        for name, param in self.params.items():
            if param.type in (dt.date, dt.datetime) and isinstance(out.get(name), str):
                out[name] = param.type.fromisoformat(out[name])
        return out


SPEC_ATTRIBUTE = "report_spec"
"""The attribute of a report function that holds its ReportSpec."""


def report_spec(
    name: str,
    *,
    bc_id: int | None = None,
    description: str = "",
    params: Mapping[str, type | Param] | None = None,
    needs_shop: bool = True,
) -> Callable[[ReportFn], ReportFn]:
    """Decorator that describes ``fn(ctx, params)`` as the report ``name`` without registering it.

    The built-in reports are described this way and registered through the one explicit list in
    ``shopops.sync.reports``, so that importing a module never changes what a process can run.
    """

    def decorate(fn: ReportFn) -> ReportFn:
        spec = ReportSpec(
            name=name,
            function=fn,
            bc_id=bc_id,
            description=description or (fn.__doc__ or "").strip().split("\n")[0],
            params={k: _as_param(v) for k, v in (params or {}).items()},
            needs_shop=needs_shop,
        )
        setattr(fn, SPEC_ATTRIBUTE, spec)
        return fn

    return decorate


def spec_of(fn: ReportFn) -> ReportSpec:
    """The ReportSpec that ``report_spec`` attached to a report function."""
    spec = getattr(fn, SPEC_ATTRIBUTE, None)
    if not isinstance(spec, ReportSpec):
        raise TypeError(f"{fn!r} is not a report function (decorate it with report_spec)")
    return spec


class ReportRegistry:
    """The reports a process knows."""

    def __init__(self) -> None:
        self._by_name: dict[str, ReportSpec] = {}
        self._loaded_plugins = False

    def register(self, spec: ReportSpec) -> ReportSpec:
        """Add a report; registering the same name again replaces it (reloading a notebook cell)."""
        self._by_name[spec.name] = spec
        return spec

    def register_builtins(self, specs: Iterable[ReportSpec]) -> None:
        """Add the built-in reports (``shopops.sync.reports.BUILTIN_REPORTS``); a report already registered
        under the same name, e.g. a team's replacement, is kept."""
        for spec in specs:
            self._by_name.setdefault(spec.name, spec)

    def report(
        self,
        name: str,
        *,
        bc_id: int | None = None,
        description: str = "",
        params: Mapping[str, type | Param] | None = None,
        needs_shop: bool = True,
    ) -> Callable[[ReportFn], ReportFn]:
        """Decorator that registers ``fn(ctx, params)`` as the report ``name`` (a team's own report)."""
        describe = report_spec(name, bc_id=bc_id, description=description, params=params, needs_shop=needs_shop)

        def decorate(fn: ReportFn) -> ReportFn:
            self.register(spec_of(describe(fn)))
            return fn

        return decorate

    def get(self, name: str | int) -> ReportSpec:
        """A report by name or BC id (``30104`` and ``"30104"`` run ``sync-orders``)."""
        if isinstance(name, int) or (isinstance(name, str) and name.isdigit()):
            for spec in self._by_name.values():
                if spec.bc_id == int(name):
                    return spec
        elif name in self._by_name:
            return self._by_name[name]
        known = ", ".join(sorted(self._by_name)) or "none"
        raise NotFound(
            f"unknown report {name!r} (known: {known}); a team report must be imported here: "
            f"add its module to ${PLUGINS_ENV} or the '{ENTRY_POINT_GROUP}' entry points"
        )

    def __contains__(self, name: object) -> bool:
        try:
            self.get(name)  # type: ignore[arg-type]
        except NotFound:
            return False
        return True

    def __iter__(self) -> Iterator[ReportSpec]:
        return iter(sorted(self._by_name.values(), key=lambda s: s.name))

    def frame(self) -> pd.DataFrame:
        """name, BC id, description, parameters: one row per report."""
        rows = [
            {
                "name": s.name,
                "bc_id": s.bc_id,
                "description": s.description,
                "parameters": ", ".join(f"{k}: {p.type.__name__}" for k, p in s.params.items()),
            }
            for s in self
        ]
        return pd.DataFrame(rows, columns=["name", "bc_id", "description", "parameters"])

    def load_plugins(self, modules: str | None = None) -> list[str]:
        """Import the report modules named in ``$SHOPOPS_PLUGINS`` and the entry points; the names loaded."""
        loaded: list[str] = []
        spec = modules if modules is not None else os.environ.get(PLUGINS_ENV, "")
        for module in [m.strip() for m in spec.split(",") if m.strip()]:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise ConfigError(PLUGINS_ENV, f"cannot import report module {module!r}: {exc}") from exc
            loaded.append(module)
        if not self._loaded_plugins:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                ep.load()
                loaded.append(ep.value)
            self._loaded_plugins = True
        return loaded


REGISTRY = ReportRegistry()
report = REGISTRY.report
