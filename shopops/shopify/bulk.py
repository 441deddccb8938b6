"""Bulk query runner: start ``bulkOperationRunQuery``, poll ``bulkOperation(id:)``, stream the JSONL.

    op = client.bulk.run_query(bulk_query, on_running="wait")   # BulkResult once COMPLETED
    for order in op.objects(children={"LineItem": "lineItems"}):  # parents with children joined
        ...

The result file is streamed line by line (never held whole). ``objects()`` joins children to parents
on ``__parentId`` without assuming children follow their parent: lines are spilled to a temporary
SQLite file and read back parent by parent, so memory stays flat for any size.

When a bulk query is already running (``OPERATION_IN_PROGRESS`` / ``LIMIT_REACHED``), ``on_running``
decides: ``"wait"`` for the running ones to finish, ``"cancel"`` them, or ``"raise"``.
A FAILED operation raises ``BulkOperationError`` carrying ``partial_data_url``; with
``allow_partial=True`` the partial result is returned instead.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from shopops.shopify import operations
from shopops.shopify.errors import BulkOperationError

if TYPE_CHECKING:
    from shopops.shopify.client import ShopifyClient

OnRunning = Literal["wait", "cancel", "raise"]

#: Seconds between status polls (Shopify suggests ~1 min for hour-long jobs; the sandbox is fast).
DEFAULT_POLL_INTERVAL = 2.0
#: Give up waiting after this many seconds.
DEFAULT_TIMEOUT = 6 * 3600.0
#: userError codes meaning "another bulk query is running".
BUSY_CODES = frozenset({"OPERATION_IN_PROGRESS", "LIMIT_REACHED"})
#: Terminal statuses.
FINISHED = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
#: Rows spilled per SQLite transaction.
SPILL_BATCH = 2000


def gid_type(gid: str) -> str:
    """``"LineItem"`` from ``"gid://shopify/LineItem/1"`` (the child key used by ``objects``)."""
    parts = gid.split("/")
    return parts[3] if len(parts) > 4 and gid.startswith("gid://") else "children"


@dataclass
class BulkResult:
    """A finished bulk operation and a way to read its result file."""

    id: str
    status: str
    error_code: str | None
    object_count: int
    root_object_count: int | None
    url: str | None
    partial_data_url: str | None
    _stream: Callable[[str], Iterator[bytes]]

    @property
    def result_url(self) -> str | None:
        """The full result, or the partial one when the operation failed."""
        return self.url or self.partial_data_url

    def lines(self) -> Iterator[dict[str, Any]]:
        """Every JSONL record in file order, streamed (children carry ``__parentId``)."""
        if not self.result_url:
            return
        for raw in self._stream(self.result_url):
            yield json.loads(raw)

    def objects(self, children: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Top-level records with their children attached, in file order.

        A child goes into a list on its parent under ``children[type]`` (type from its gid, e.g.
        ``{"LineItem": "lineItems"}``), else under the gid type name itself. Two-level nesting works.
        """
        names = dict(children or {})
        fd, path = tempfile.mkstemp(prefix="shopops-bulk-", suffix=".sqlite")
        os.close(fd)
        db = sqlite3.connect(path)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE r (seq INTEGER PRIMARY KEY, id TEXT, parent TEXT, body TEXT)")
            batch: list[tuple[int, str | None, str | None, str]] = []
            for seq, rec in enumerate(self.lines()):
                parent = rec.pop("__parentId", None)
                batch.append((seq, rec.get("id"), parent, json.dumps(rec)))
                if len(batch) >= SPILL_BATCH:
                    db.executemany("INSERT INTO r VALUES (?,?,?,?)", batch)
                    batch.clear()
            db.executemany("INSERT INTO r VALUES (?,?,?,?)", batch)
            db.execute("CREATE INDEX r_parent ON r(parent, seq)")
            db.commit()
            roots = db.execute("SELECT id, body FROM r WHERE parent IS NULL ORDER BY seq")
            for rid, body in roots:
                yield self._attach(db, json.loads(body), rid, names)
        finally:
            db.close()
            os.unlink(path)

    def _attach(self, db: sqlite3.Connection, obj: dict[str, Any], oid: str | None, names: dict[str, str]) -> Any:
        if oid is None:
            return obj
        rows = db.execute("SELECT id, body FROM r WHERE parent = ? ORDER BY seq", (oid,)).fetchall()
        for cid, body in rows:
            child = self._attach(db, json.loads(body), cid, names)
            key = names.get(gid_type(cid or ""), gid_type(cid or ""))
            obj.setdefault(key, []).append(child)
        return obj


class BulkRunner:
    """Runs bulk queries through a ``ShopifyClient`` (use ``client.bulk``)."""

    def __init__(
        self,
        client: ShopifyClient,
        *,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.poll_interval = poll_interval
        self._sleep = sleep
        self._clock = clock

    def start(
        self,
        query: str,
        *,
        group_objects: bool = False,
        on_running: OnRunning = "wait",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> str:
        """Start a bulk query and return its id, dealing with one already running per ``on_running``."""
        deadline = self._clock() + timeout
        while True:
            data = self.client.execute(
                operations.load("BulkOperationRunQuery"),
                {"query": query, "groupObjects": group_objects},
                user_errors="return",
            )
            payload = data["bulkOperationRunQuery"]
            errors = payload.get("userErrors") or []
            op = payload.get("bulkOperation")
            if not errors and op:
                return str(op["id"])
            codes = {e.get("code") for e in errors}
            text = "; ".join(str(e.get("message")) for e in errors) or "no bulk operation returned"
            if not (codes & BUSY_CODES) or on_running == "raise":
                raise BulkOperationError(
                    f"The bulk query did not start: {text}. Fix the query (one connection at least, nesting "
                    "at most 2 levels), or pass on_running='wait'/'cancel' if one is already running."
                )
            running = self.running()
            if on_running == "cancel":
                for rid in running:
                    self.cancel(rid)
            for rid in running:
                self.wait(rid, timeout=max(1.0, deadline - self._clock()), raise_on_failure=False)
            if not running:
                self._sleep(self.poll_interval)
            if self._clock() > deadline:
                raise BulkOperationError("Gave up waiting for the running bulk operation to finish.")

    def running(self) -> list[str]:
        """Ids of bulk query operations now created or running."""
        data = self.client.execute(operations.load("GetRunningBulkOperations"), {})
        nodes = data["bulkOperations"]["nodes"]
        return [str(n["id"]) for n in nodes if n.get("status") in ("CREATED", "RUNNING", "CANCELING")]

    def cancel(self, operation_id: str) -> None:
        """Ask Shopify to cancel a bulk operation (returns at once; poll to see it CANCELED)."""
        self.client.execute(operations.load("BulkOperationCancel"), {"id": operation_id}, user_errors="return")

    def status(self, operation_id: str) -> dict[str, Any]:
        """The bulk operation's current fields."""
        data = self.client.execute(operations.load("GetBulkOperation"), {"id": operation_id})
        node = data.get("bulkOperation")
        if node is None:
            raise BulkOperationError(f"Bulk operation {operation_id} not found.", operation_id=operation_id)
        return dict(node)

    def wait(
        self,
        operation_id: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        allow_partial: bool = False,
        raise_on_failure: bool = True,
    ) -> BulkResult:
        """Poll until the operation finishes; return its result (raise on FAILED/CANCELED/EXPIRED)."""
        deadline = self._clock() + timeout
        interval = min(0.05, self.poll_interval)
        while True:
            node = self.status(operation_id)
            if node.get("status") in FINISHED:
                break
            if self._clock() > deadline:
                raise BulkOperationError(
                    f"Bulk operation {operation_id} still {node.get('status')} after {timeout:.0f}s; "
                    "poll it later or cancel it.",
                    operation_id=operation_id,
                    status=str(node.get("status")),
                )
            self._sleep(interval)
            interval = min(self.poll_interval, interval * 2)
        result = BulkResult(
            id=operation_id,
            status=str(node["status"]),
            error_code=node.get("errorCode"),
            object_count=int(node.get("objectCount") or 0),
            root_object_count=int(node["rootObjectCount"]) if node.get("rootObjectCount") is not None else None,
            url=node.get("url"),
            partial_data_url=node.get("partialDataUrl"),
            _stream=self.client.stream_lines,
        )
        if result.status != "COMPLETED" and raise_on_failure and not (allow_partial and result.partial_data_url):
            raise BulkOperationError(
                f"Bulk operation {operation_id} ended {result.status} (error {result.error_code}). "
                + ("Partial data is at partial_data_url; " if result.partial_data_url else "")
                + "Run it again, with a narrower query if it timed out.",
                operation_id=operation_id,
                status=result.status,
                error_code=result.error_code,
                partial_data_url=result.partial_data_url,
            )
        return result

    def run_query(
        self,
        query: str,
        *,
        group_objects: bool = False,
        on_running: OnRunning = "wait",
        timeout: float = DEFAULT_TIMEOUT,
        allow_partial: bool = False,
    ) -> BulkResult:
        """Start a bulk query, wait for it, and return the finished ``BulkResult``."""
        op_id = self.start(query, group_objects=group_objects, on_running=on_running, timeout=timeout)
        return self.wait(op_id, timeout=timeout, allow_partial=allow_partial)
