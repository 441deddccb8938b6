"""``python -m shopops`` is the ``shopops`` command."""

from __future__ import annotations

from shopops.cli import main

main()
