"""The house rules of the package, checked from its source with ``ast``: no import circle (a type-only
import counts too), arrows that point one way, rooms of at most 15 modules, modules a reader can hold in
one sitting, and a docstring on every package saying what it owns."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "shopops"
MAX_MODULES_PER_FOLDER = 15
MAX_MODULE_LINES = 600
EXEMPT_FROM_LENGTH = ("shopops.store.migrations.",)  # Alembic revisions are written once and kept whole

# (importer prefix, imported prefix): arrows that must not exist (DESIGN: ui/cli -> workspace -> sync ->
# shopify/erp -> store; workspace -> queue -> store; the sandbox shares no code with the client)
FORBIDDEN = [
    ("shopops.sync", "shopops.queue"),
    ("shopops.queue", "shopops.sync"),
    ("shopops.sync", "shopops.workspace"),
    ("shopops.queue", "shopops.workspace"),
    ("shopops.shopify", "shopops.sync"),
    ("shopops.shopify", "shopops.erp"),
    ("shopops.shopify", "shopops.queue"),
    ("shopops.shopify", "shopops.sandbox"),
    ("shopops.sandbox", "shopops.shopify"),
    ("shopops.sandbox", "shopops.sync"),
    ("shopops.sandbox", "shopops.erp"),
    ("shopops.erp", "shopops.sync"),
    ("shopops.erp", "shopops.shopify"),
    ("shopops.erp", "shopops.queue"),
    ("shopops.store", "shopops.sync"),
    ("shopops.store", "shopops.erp"),
    ("shopops.store", "shopops.queue"),
    ("shopops.store", "shopops.shopify"),
    # webhooks sit beside the workspace: they use sync and shopify, and nothing below them uses webhooks
    ("shopops.sync", "shopops.webhooks"),
    ("shopops.shopify", "shopops.webhooks"),
    ("shopops.queue", "shopops.webhooks"),
    ("shopops.store", "shopops.webhooks"),
    ("shopops.erp", "shopops.webhooks"),
    ("shopops.sandbox", "shopops.webhooks"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module a dotted name lives in (``shopops.sync.state.get_cursor`` -> ``shopops.sync.state``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> Iterator[str]:
    """Every shopops module ``module`` imports, wherever the import stands (top, function, TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("shopops") and (target := _resolve(alias.name)):
                    yield target
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if not source.startswith("shopops"):
                continue
            for alias in node.names:
                full = f"{source}.{alias.name}"
                target = full if full in MODULES else _resolve(source)
                if target:
                    yield target


GRAPH = {m: {t for t in _imports(m, p) if t != m} for m, p in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_the_walker_sees_imports_of_every_kind() -> None:
    # a type-only import and an import inside a function both count: the walker must see them
    assert "shopops.workspace" in GRAPH["shopops.runbook"]  # under TYPE_CHECKING
    assert "shopops.sync.runbooks.execution" in GRAPH["shopops.sync.runbooks.report"]  # inside the report
    assert "shopops.sync.state" in GRAPH["shopops.sync.orders.sync_orders"]  # from shopops.sync import state


def test_no_import_circle() -> None:
    assert _cycles() == []


@pytest.mark.parametrize(("importer", "imported"), FORBIDDEN)
def test_arrows_point_one_way(importer: str, imported: str) -> None:
    wrong = sorted(
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        if m == importer or m.startswith(importer + ".")
        for t in targets
        if t == imported or t.startswith(imported + ".")
    )
    assert wrong == []


def test_no_folder_has_more_than_15_modules() -> None:
    crowded = {
        str(folder.relative_to(ROOT.parent)): n
        for folder in [ROOT, *(p for p in ROOT.rglob("*") if p.is_dir() and p.name != "__pycache__")]
        if (n := len(list(folder.glob("*.py")))) > MAX_MODULES_PER_FOLDER
    }
    assert crowded == {}


def test_no_module_is_over_600_lines() -> None:
    long = {
        m: n
        for m, p in MODULES.items()
        if not m.startswith(EXEMPT_FROM_LENGTH) and (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def test_every_package_says_what_it_owns() -> None:
    silent = [
        m for m, p in MODULES.items() if p.name == "__init__.py" and not ast.get_docstring(ast.parse(p.read_text()))
    ]
    assert silent == [m for m in silent if m.startswith("shopops.store.migrations")]


def test_every_sync_domain_names_its_report_and_its_tables() -> None:
    domains = [p for p in (ROOT / "sync").iterdir() if (p / "__init__.py").exists()]
    assert {p.name for p in domains} >= {
        "orders",
        "sales_documents",
        "shipments",
        "products",
        "inventory",
        "images",
        "customers",
        "payouts",
    }
    for domain in domains:
        doc = ast.get_docstring(ast.parse((domain / "__init__.py").read_text())) or ""
        assert "Tables owned" in doc, domain.name


def test_the_workspace_imports_no_report_for_its_side_effect() -> None:
    source = (ROOT / "workspace.py").read_text()
    assert "noqa: F401" not in source
    assert not any(t.startswith("shopops.sync.") and t.count(".") > 2 for t in GRAPH["shopops.workspace"])
