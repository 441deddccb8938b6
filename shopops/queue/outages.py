"""A database that goes away for a moment (a restart, a failover, a terminated backend) is not a bug.

Workers and the scheduler retry on their own once the database is back; what an operator needs then is
one line saying what happened, not a traceback on every heartbeat and tick. Anything else is still
logged whole.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` says the database connection was lost or could not be made."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError)


def log_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """Log a failed step of the loop: one line for a database outage (it is retried), the traceback else."""
    if is_outage(exc):
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        log.warning("%s: the database is unreachable (%s); retrying", what, reason[0] if reason else type(exc).__name__)
    else:
        log.error("%s", what, exc_info=exc)
