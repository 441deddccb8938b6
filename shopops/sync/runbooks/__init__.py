"""Runbooks: a notebook run headless as a report, recurring like any other (no BC counterpart).

Modules: ``report`` (the ``runbook`` report), ``execution`` (papermill, the executed copy, the failing
cell). ``shopops.runbook.run_runbook`` runs one in the foreground and logs it.

Tables owned: none; a run is a job queue log entry like every report's.
"""
