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

Bulk mutations run the same way over a JSONL file of variables, one line per call:

    op = client.bulk.run_mutation(operations.load("ProductVariantsBulkUpdate"), lines)
    for line in op.lines():   # {"data": {...}, "__lineNumber": n} per input line (0-based)
        ...

``run_mutation`` asks ``stagedUploadsCreate`` (resource ``BULK_MUTATION_VARIABLES``) for a target, posts
the file there (multipart with the target's parameters; no Shopify token goes to the storage host),
starts ``bulkOperationRunMutation`` with the target's ``key`` as ``stagedUploadPath``, and waits for it.
That is three GraphQL calls plus the polls, whatever the number of lines.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import requests

from shopops.shopify import operations
from shopops.shopify.errors import BulkOperationError, MutationNotRetriedError, ThrottledError


class GraphQLClient(Protocol):
    """What the bulk runners need of ``ShopifyClient``: one operation run, a result file streamed."""

    def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        user_errors: Literal["raise", "return"] = "raise",
    ) -> Any: ...

    def stream_lines(self, url: str) -> Iterator[bytes]: ...


OnRunning = Literal["wait", "cancel", "raise"]

#: Seconds between status polls (Shopify suggests ~1 min for hour-long jobs; the sandbox is fast).
DEFAULT_POLL_INTERVAL = 2.0
#: Give up waiting after this many seconds.
DEFAULT_TIMEOUT = 6 * 3600.0
#: userError codes meaning "another bulk query is running".
BUSY_CODES = frozenset({"OPERATION_IN_PROGRESS", "LIMIT_REACHED"})
#: Tries to start a bulk query whose answer was lost (a reset connection, THROTTLED).
START_ATTEMPTS = 4
#: Terminal statuses.
FINISHED = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
#: Rows spilled per SQLite transaction.
SPILL_BATCH = 2000
#: Connect and read timeouts (seconds) for posting a bulk mutation's variables file to the storage host.
UPLOAD_TIMEOUT = (5.0, 300.0)
#: Shopify's limit for a bulk mutation's variables file.
MAX_VARIABLES_BYTES = 100 * 1024 * 1024


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

    @classmethod
    def from_node(cls, node: Mapping[str, Any], stream: Callable[[str], Iterator[bytes]]) -> BulkResult:
        """The result of a finished operation, from its ``bulkOperation`` fields."""
        return cls(
            id=str(node["id"]),
            status=str(node["status"]),
            error_code=node.get("errorCode"),
            object_count=int(node.get("objectCount") or 0),
            root_object_count=int(node["rootObjectCount"]) if node.get("rootObjectCount") is not None else None,
            url=node.get("url"),
            partial_data_url=node.get("partialDataUrl"),
            _stream=stream,
        )

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
        client: GraphQLClient,
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
        return self._start(
            "BulkOperationRunQuery",
            {"query": query, "groupObjects": group_objects},
            running=self.running,
            what="bulk query",
            fix="Fix the query (one connection at least, nesting at most 2 levels)",
            on_running=on_running,
            timeout=timeout,
        )

    def send_query(self, query: str, *, group_objects: bool = False) -> dict[str, Any]:
        """Send ``bulkOperationRunQuery`` once in effect; its payload (``bulkOperation``, ``userErrors``).

        The start is a mutation, which the client never resends by itself when its answer is lost. A bulk
        query changes nothing in the shop, so it is safe to send again; first, though, a running operation
        with the same query text (Shopify keeps it) is taken as the one that did start, so that no slot of
        the shop's five is spent twice. THROTTLED is waited out."""
        variables = {"query": query, "groupObjects": group_objects}
        for attempt in range(START_ATTEMPTS):
            try:
                data = self.client.execute(operations.load("BulkOperationRunQuery"), variables, user_errors="return")
                return dict(data["bulkOperationRunQuery"])
            except MutationNotRetriedError as exc:
                if attempt == START_ATTEMPTS - 1:
                    raise
                if isinstance(exc.cause, ThrottledError):
                    self._sleep(max(1.0, float(exc.cause.retry_after or 0)))
                started = self.running_with(query)
                if started is not None:
                    return {"bulkOperation": {"id": started}, "userErrors": []}
        raise AssertionError("unreachable")

    def running_with(self, query: str) -> str | None:
        """The id of a created or running bulk query whose text is ``query``, if there is one."""
        data = self.client.execute(operations.load("GetRunningBulkOperations"), {})
        for node in data["bulkOperations"]["nodes"]:
            if node.get("query") == query:
                return str(node["id"])
        return None

    def _start(
        self,
        operation: str,
        variables: Mapping[str, Any],
        *,
        running: Callable[[], list[str]],
        what: str,
        fix: str,
        on_running: OnRunning,
        timeout: float,
    ) -> str:
        """Run a bulk start mutation; when Shopify says one of its kind is already running, raise, wait for
        it, or cancel it, as ``on_running`` says, and try again."""
        deadline = self._clock() + timeout
        root = operation[0].lower() + operation[1:]
        while True:
            if operation == "BulkOperationRunQuery":
                payload = self.send_query(str(variables["query"]), group_objects=bool(variables.get("groupObjects")))
            else:
                payload = self.client.execute(operations.load(operation), dict(variables), user_errors="return")[root]
            errors = payload.get("userErrors") or []
            op = payload.get("bulkOperation")
            if not errors and op:
                return str(op["id"])
            codes = {e.get("code") for e in errors}
            text = "; ".join(str(e.get("message")) for e in errors) or "no bulk operation returned"
            if not (codes & BUSY_CODES) or on_running == "raise":
                raise BulkOperationError(
                    f"The {what} did not start: {text}. {fix}, or pass on_running='wait'/'cancel' if one is "
                    "already running."
                )
            busy = running()
            if on_running == "cancel":
                for rid in busy:
                    self.cancel(rid)
            for rid in busy:
                self.wait(rid, timeout=max(1.0, deadline - self._clock()), raise_on_failure=False)
            if not busy:
                self._sleep(self.poll_interval)
            if self._clock() > deadline:
                raise BulkOperationError(f"Gave up waiting for the running {what} to finish.")

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
        result = BulkResult.from_node({**node, "id": operation_id}, self.client.stream_lines)
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

    # ------------------------------------------------------------------ bulk mutations

    def stage_variables(self, variables_lines: Iterable[Mapping[str, Any]], *, filename: str = "bulk_op_vars") -> str:
        """Upload the variables as a JSONL file to a staged target; return its ``stagedUploadPath``."""
        body = "".join(json.dumps(dict(v), separators=(",", ":"), ensure_ascii=False) + "\n" for v in variables_lines)
        content = body.encode("utf-8")
        if not content:
            raise BulkOperationError("A bulk mutation needs at least one line of variables.")
        if len(content) > MAX_VARIABLES_BYTES:
            raise BulkOperationError(
                f"The bulk mutation variables file is {len(content)} bytes; Shopify takes at most "
                f"{MAX_VARIABLES_BYTES}. Split the lines into several bulk mutations."
            )
        staged = {
            "resource": "BULK_MUTATION_VARIABLES",
            "filename": filename,
            "mimeType": "text/jsonl",
            "httpMethod": "POST",
        }
        data = self.client.execute(operations.load("StagedUploadsCreate"), {"input": [staged]}, user_errors="return")
        payload = data["stagedUploadsCreate"]
        targets = payload.get("stagedTargets") or []
        if payload.get("userErrors") or not targets:
            text = "; ".join(str(e.get("message")) for e in payload.get("userErrors") or []) or "no target returned"
            raise BulkOperationError(f"stagedUploadsCreate refused the bulk mutation file: {text}")
        target = targets[0]
        form = {str(p["name"]): str(p["value"]) for p in target.get("parameters") or []}
        try:
            answer = requests.post(
                target["url"], data=form, files={"file": (filename, content, "text/jsonl")}, timeout=UPLOAD_TIMEOUT
            )
        except requests.RequestException as exc:
            raise BulkOperationError(f"Upload of the bulk mutation file failed: {type(exc).__name__}") from None
        if answer.status_code >= 300:
            raise BulkOperationError(f"Upload of the bulk mutation file failed: HTTP {answer.status_code}")
        return form.get("key") or str(target.get("resourceUrl") or target["url"])

    def running_mutations(self) -> list[str]:
        """Ids of bulk mutation operations now created, running or canceling."""
        data = self.client.execute(operations.load("GetRunningBulkMutations"), {})
        nodes = data["bulkOperations"]["nodes"]
        return [str(n["id"]) for n in nodes if n.get("status") in ("CREATED", "RUNNING", "CANCELING")]

    def start_mutation(
        self,
        mutation: str,
        staged_upload_path: str,
        *,
        client_identifier: str | None = None,
        on_running: OnRunning = "wait",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> str:
        """Start a bulk mutation over a staged file and return its id (``on_running`` as for ``start``)."""
        return self._start(
            "BulkOperationRunMutation",
            {"mutation": mutation, "stagedUploadPath": staged_upload_path, "clientIdentifier": client_identifier},
            running=self.running_mutations,
            what="bulk mutation",
            fix="Check the mutation document and the staged file",
            on_running=on_running,
            timeout=timeout,
        )

    def run_mutation(
        self,
        mutation: str,
        variables_lines: Iterable[Mapping[str, Any]],
        *,
        client_identifier: str | None = None,
        on_running: OnRunning = "wait",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> BulkResult:
        """Stage the variables, run ``mutation`` once per line as one bulk operation, wait, return the result.

        The result's ``lines()`` hold one record per input line, ``{"data": ..., "__lineNumber": n}``
        (``n`` is the 0-based input line), with the mutation's payload including its ``userErrors``.
        """
        path = self.stage_variables(variables_lines)
        op_id = self.start_mutation(
            mutation, path, client_identifier=client_identifier, on_running=on_running, timeout=timeout
        )
        return self.wait(op_id, timeout=timeout)
