"""The receiver as an ASGI application (Starlette), and the ways to serve it (uvicorn).

    shopops webhooks serve --port 8001                 # one process (SQLite, or PostgreSQL)
    shopops webhooks serve --port 8001 --workers 4     # PostgreSQL: processes behind one socket

``POST /webhooks`` takes Shopify's deliveries (the path is a setting); the answer comes as soon as the
event is recorded and the shop's entry is pending, the reading is the queue's. ``GET /health`` answers
200 with the database reachable and what this process has seen, 503 otherwise, for a load balancer.
A body larger than ``max_body`` is refused (413) while it is read, before any check.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shopops.sync.orders.webhook_events import pending_count
from shopops.webhooks.intake import Answer, Intake, refused
from shopops.workspace import Workspace, open_workspace

#: Shopify's order payloads are tens of kilobytes; a few megabytes is no delivery of ours.
MAX_BODY = 2 * 1024 * 1024
DEFAULT_PATH = "/webhooks"
#: The environment a worker process of ``--workers N`` reads its settings from (uvicorn imports the factory).
PATH_ENV = "SHOPOPS_WEBHOOK_PATH"
MAX_BODY_ENV = "SHOPOPS_WEBHOOK_MAX_BODY"


#: How many of the latest deliveries the health endpoint's handling times are taken over.
TIMED = 4096


@dataclass
class Seen:
    """What one receiver process answered, by outcome and status, and how long its latest deliveries took
    from their last body byte to the answer (shown by the health endpoint: Shopify gives up after 5 s)."""

    outcomes: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.time)
    took_ms: deque[float] = field(default_factory=lambda: deque(maxlen=TIMED))

    def count(self, answer: Answer, since: float | None = None) -> None:
        self.outcomes[answer.outcome if answer.status < 300 else f"refused_{answer.status}"] += 1
        if since is not None:
            self.took_ms.append((time.perf_counter() - since) * 1000)

    def handling(self) -> dict[str, float | int]:
        """p50, p95 and max over the latest deliveries, in milliseconds."""
        took = sorted(self.took_ms)
        if not took:
            return {"n": 0}

        def at(q: float) -> float:
            return round(took[min(len(took) - 1, int(q * len(took)))], 2)

        return {"n": len(took), "p50": at(0.5), "p95": at(0.95), "max": round(took[-1], 2)}


def create_app(ws: Workspace | None = None, *, path: str | None = None, max_body: int | None = None) -> Starlette:
    """The receiver on ``ws`` (default: the workspace ``$SHOPOPS_DB`` names, as ``shopops`` opens it)."""
    workspace = ws if ws is not None else open_workspace(None, create=False)
    intake = Intake(workspace)
    limit = max_body if max_body is not None else int(os.environ.get(MAX_BODY_ENV, MAX_BODY))
    seen = Seen()

    async def receive(request: Request) -> JSONResponse:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _answer(seen, refused(413, f"body larger than {limit} bytes"))
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return _answer(seen, refused(413, f"body larger than {limit} bytes"))
        since = time.perf_counter()
        headers = {name.lower(): value for name, value in request.headers.items()}
        answer = await run_in_threadpool(intake.accept, headers, bytes(body))
        return _answer(seen, answer, since)

    async def health(_request: Request) -> JSONResponse:
        return await run_in_threadpool(_health, workspace, seen)

    routes = [
        Route(path or os.environ.get(PATH_ENV, DEFAULT_PATH), receive, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes)


def _answer(seen: Seen, answer: Answer, since: float | None = None) -> JSONResponse:
    seen.count(answer, since)
    return JSONResponse(answer.body(), status_code=answer.status)


def _health(ws: Workspace, seen: Seen) -> JSONResponse:
    try:
        with ws.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        pending = pending_count(ws.engine)
    except Exception as exc:  # the database is what a receiver needs; without it, take this one out
        return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "pid": os.getpid(),
            "uptime_s": round(time.time() - seen.started, 1),
            "pending_events": pending,
            "answered": dict(seen.outcomes),
            "handling_ms": seen.handling(),
        }
    )


def app_factory() -> Starlette:
    """What each process of ``uvicorn --factory`` builds: the receiver on ``$SHOPOPS_DB``."""
    return create_app()


class ReceiverThread:
    """The receiver served by uvicorn in a thread of this process, on a free loopback port (tests, the
    benchmark, a notebook): ``with ReceiverThread(ws) as rx: rx.url``."""

    def __init__(self, ws: Workspace, *, host: str = "127.0.0.1", port: int = 0, path: str = DEFAULT_PATH) -> None:
        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self.path = path
        config = uvicorn.Config(create_app(ws, path=path), log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="webhook-receiver", daemon=True
        )

    @property
    def url(self) -> str:
        """The address to register: ``http://127.0.0.1:PORT/webhooks``."""
        return f"http://{self.host}:{self.port}{self.path}"

    @property
    def base_url(self) -> str:
        """The server's root (``/health`` lives there)."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> ReceiverThread:
        """Serve until :meth:`stop`; returns once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the webhook receiver did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the server thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> ReceiverThread:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def serve(
    db_url: str | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    workers: int = 1,
    path: str = DEFAULT_PATH,
    access_log: bool = False,
) -> None:
    """Serve the receiver until interrupted. Several worker processes need PostgreSQL (SQLite has one writer
    and one host); each process opens the workspace itself."""
    import uvicorn

    from shopops.errors import ConfigError

    ws = open_workspace(db_url, create=False)
    postgres = ws.engine.dialect.name == "postgresql"
    if workers > 1 and not postgres:
        ws.close()
        raise ConfigError("workers", "several receiver processes need PostgreSQL; on SQLite use --workers 1")
    if db_url:
        os.environ["SHOPOPS_DB"] = db_url
    os.environ[PATH_ENV] = path
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "access_log": access_log}
    if workers > 1:
        ws.close()
        uvicorn.run("shopops.webhooks.app:app_factory", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(ws, path=path), **options)
