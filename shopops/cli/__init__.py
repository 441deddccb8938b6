"""The ``shopops`` command. Every command has --help; bad input exits non-zero with one clear line.

``base`` holds the root group, the workspace a command opens and the one-line errors; the commands
live by theme: ``setup_commands`` (db, shop, reports, demo, sandbox, lab), ``queue_commands`` (queue,
schedule), ``run_commands`` (run, runbook, worker, scheduler) and ``webhook_commands`` (webhooks). Each
imports what it needs when it runs, so that the command starts in a tenth of a second.
"""

from __future__ import annotations

from shopops.cli import queue_commands, run_commands, setup_commands, webhook_commands
from shopops.cli.base import cli, main

__all__ = ["cli", "main", "queue_commands", "run_commands", "setup_commands", "webhook_commands"]
