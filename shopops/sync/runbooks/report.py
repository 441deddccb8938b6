"""The ``runbook`` report: a notebook run headless as a job queue entry, recurring like any other.

    ws.queue.enqueue("runbook", params={"notebook": "notebooks/04-job-queue.ipynb",
                                        "parameters": {"shop": "DEMO"}},
                     recurrence=shopops.Recurrence(date_formula="<1D>", at="06:00", tz="UTC"))

``parameters`` is a JSON object, given as a dict or as JSON text (``-p parameters '{"shop": "DEMO"}'``
on the command line). When the entry names a shop and the parameters do not, the notebook gets
``shop``. The queue's own log entry records the run; its stats name the executed copy, and a failing
cell fails the run with the cell's error and the copy's path. papermill is imported only when the
report runs.
"""

from __future__ import annotations

import json
from typing import Any

from shopops.sync.context import RunContext
from shopops.sync.registry import Param, report_spec


class _JsonObjectType(type):
    def __instancecheck__(cls, value: object) -> bool:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return False
        return isinstance(value, dict)


class JsonObject(metaclass=_JsonObjectType):
    """A report parameter type: a dict, or JSON text of an object (``'{"shop": "DEMO"}'``)."""


def as_dict(value: Any) -> dict[str, Any]:
    """A JsonObject parameter as a dict (None is empty)."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value)


@report_spec(
    "runbook",
    description="Runs a notebook headless (papermill) and keeps the executed copy; see shopops.runbook.",
    params={
        "notebook": Param(str, required=True, doc="path of the .ipynb, as the worker sees it"),
        "parameters": Param(JsonObject, doc="the notebook's parameters, a JSON object"),
        "output_dir": Param(str, default="runbook-runs", doc="where executed copies go"),
    },
    needs_shop=False,
)
def runbook(ctx: RunContext, params: dict[str, Any]) -> None:
    """Execute the notebook; a failing cell fails the run, naming the cell and the executed copy."""
    from shopops.sync.runbooks.execution import execute_notebook

    parameters = as_dict(params.get("parameters"))
    if ctx.shop is not None:
        parameters.setdefault("shop", ctx.shop.code)
    ctx.progress(0, 1, f"running {params['notebook']}")
    result = execute_notebook(params["notebook"], parameters, params.get("output_dir"))
    ctx.stats["cells"] = result.cells
    ctx.stats["output"] = str(result.output)  # type: ignore[assignment]
    ctx.progress(1, 1, f"executed copy: {result.output}")
    ctx.log.info("%r", result)
    if not result.ok:
        raise RuntimeError(f"{result.error} (executed copy: {result.output})")
