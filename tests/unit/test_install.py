"""One install gives the notebooks, runbooks and PostgreSQL: they are base dependencies, environment.yml
installs the same, and the extras hold only what tests, the browser test and the benchmarks need."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text())


def name(requirement: str) -> str:
    """The distribution name of a requirement, normalised (``psycopg[binary]>=3.1`` -> ``psycopg``)."""
    return re.split(r"[\[<>=!~; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


BASE = {name(r) for r in PROJECT["dependencies"]}


def test_the_notebooks_runbooks_and_postgresql_need_no_extra() -> None:
    assert {"jupyterlab", "ipywidgets", "papermill", "nbformat", "nbclient", "ipykernel", "psycopg"} <= BASE
    assert "ipykernel>=6.29,<7" in PROJECT["dependencies"]


def test_the_extras_hold_only_test_browser_and_bench_tools() -> None:
    extras = PROJECT["optional-dependencies"]
    assert set(extras) == {"test", "browser", "bench"}
    for extra, requirements in extras.items():
        names = {name(r) for r in requirements}
        assert not names & BASE, extra
        assert not any(n.startswith("shopops") for n in names), extra  # no extra pulls in another


def test_environment_yml_installs_the_same_as_pip_install() -> None:
    conda = [d for d in ENVIRONMENT["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in ENVIRONMENT["dependencies"] if isinstance(d, dict))
    assert pip == ["-e ."]
    assert {name(d) for d in conda} >= BASE
    assert "ipykernel>=6.29,<7" in conda
