"""The application: `create_app(config)` builds the FastAPI app that `newsaudit serve` runs on uvicorn.

The app is a thin layer over the Python API: audits go to the worker pool (`pool`), reads go to the corpus
store (`Corpus`, one handle per thread; FastAPI runs plain `def` endpoints in its thread pool, so a query never
blocks the event loop), and pages are rendered from stored audits by `newsaudit.render` and the templates. The
middleware stack, outermost first: request metrics, the body limit, security headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsaudit._version import __version__
from newsaudit.schema import SCHEMA_VERSION
from newsaudit.server.config import ServerConfig
from newsaudit.server.guard import BodyLimit, BodyTooLarge, SecurityHeaders, token_matches
from newsaudit.server.inputs import RequestProblem
from newsaudit.server.metrics import Metrics
from newsaudit.server.pool import AuditPool
from newsaudit.stores import Stores


@dataclass
class ServerState:
    """What the endpoints share: the configuration, the pool, the metrics and per-thread store handles."""

    config: ServerConfig
    pool: AuditPool
    metrics: Metrics | None = None
    stores: Stores = field(init=False)
    _local: threading.local = field(default_factory=threading.local)

    def __post_init__(self) -> None:
        self.stores = Stores.from_settings(self.config.settings)

    def corpus(self) -> Any:
        """This thread's handle on the corpus store (`RequestProblem` 404 when the server has none)."""
        if not self.stores.corpus:
            raise RequestProblem(404, "no_corpus", "this server has no corpus store (start it with --corpus)")
        from newsaudit.stores.corpus import Corpus

        return self._handle("corpus", lambda: Corpus(self.stores.corpus))

    def factchecks(self) -> Any:
        if not self.stores.factchecks:
            raise RequestProblem(
                404, "no_factchecks", "this server has no fact-check store (start it with --factchecks)"
            )
        from newsaudit.stores.factchecks import FactCheckStore

        return self._handle("factchecks", lambda: FactCheckStore(self.stores.factchecks, read_only=True))

    def sources(self) -> Any | None:
        if not self.stores.sources:
            return None
        from newsaudit.stores.sources import SourceStore

        return self._handle("sources", lambda: SourceStore(self.stores.sources, read_only=True))

    def _handle(self, name: str, open_store: Any) -> Any:
        """This thread's handle `name`, opened on first use: a database handle is never shared between threads."""
        handle = getattr(self._local, name, None)
        if handle is None:
            handle = open_store()
            setattr(self._local, name, handle)
        return handle

    def check_read(self, request: Request) -> None:
        if self.config.protect_reads and not token_matches(request.headers.get("authorization"), self.config.token):
            raise RequestProblem(401, "unauthorized", "this server requires the API token for reads too")

    def check_write(self, request: Request) -> None:
        if not self.config.token:
            raise RequestProblem(
                403, "writes_disabled", "this server takes no writes: start it with NEWSAUDIT_API_TOKEN or --token-file"
            )
        if not token_matches(request.headers.get("authorization"), self.config.token):
            raise RequestProblem(401, "unauthorized", "writing needs the API token: Authorization: Bearer <token>")

    def gauges(self) -> dict[str, float]:
        pool = self.pool
        return {
            "audit_workers": pool.workers,
            "audit_queue_depth": pool.waiting,
            "audits_in_hand": pool.in_hand,
            "audit_queue_capacity": pool.capacity,
            "audits_total": pool.finished,
            "audit_pool_restarts_total": pool.restarts,
            "audits_per_second": pool.audits_per_second(),
        }


def problem(status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """The error body every endpoint answers with: `{"error": code, "message": text}` (and any extras)."""
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status, headers=headers)


def _is_page(request: Request) -> bool:
    """Whether a request is for the web app (answered with an HTML error page) rather than the API."""
    return not request.url.path.startswith(("/v1/", "/healthz", "/metrics", "/openapi", "/static/"))


def create_app(config: ServerConfig, *, pool: AuditPool | None = None) -> FastAPI:
    """The app for `config`; `pool` is started with the app and shut down with it (finishing audits in hand)."""
    from newsaudit.server import api, pages

    audit_pool = pool or AuditPool(config.settings, config.workers, config.queue, config.timeout, config.recycle)
    state = ServerState(config, audit_pool)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if state.stores.corpus:
            from newsaudit.stores.corpus import Corpus

            Corpus(state.stores.corpus).close()  # create it (and its tables) before the workers open it
        audit_pool.start()
        try:
            yield
        finally:
            audit_pool.shutdown()

    app = FastAPI(
        title="newsaudit",
        version=__version__,
        description=(
            "Audit news articles: what they claim, on whose word, how hedged, denied by whom, copied from where, "
            f"and how far to trust them. Audit JSON schema {SCHEMA_VERSION}."
        ),
        lifespan=lifespan,
        docs_url=None,  # the docs page is the package's own (pages.docs): no CDN script
        redoc_url=None,
    )
    app.state.newsaudit = state
    state.metrics = Metrics(state.gauges)

    @app.exception_handler(RequestProblem)
    async def on_problem(request: Request, error: RequestProblem) -> Response:
        if _is_page(request):
            page = pages.error_page(error.status, error.message)
            page.headers.update(error.headers or {})
            return page
        return problem(error.status, error.code, error.message, headers=error.headers)

    @app.exception_handler(BodyTooLarge)
    async def on_too_large(_: Request, error: BodyTooLarge) -> JSONResponse:
        return problem(413, "body_too_large", f"the request body is over the limit of {config.body_limit} bytes")

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"where": ".".join(str(part) for part in item.get("loc", ())), "problem": str(item.get("msg", ""))[:200]}
            for item in error.errors()[:10]
        ]
        return problem(422, "invalid_request", "the request's parameters are not valid", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> Response:
        if _is_page(request) and error.status_code == 404:
            return pages.error_page(404, "There is no page here.")
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return problem(error.status_code, code, str(error.detail), headers=getattr(error, "headers", None))

    app.include_router(api.router)
    app.include_router(pages.router)
    # The last added runs first: every answer is measured (413s too), a body over the limit is refused before
    # anything reads it, and every response gets the security headers.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=config.body_limit)
    app.add_middleware(Measured, metrics=state.metrics)
    return app


class Measured:
    """Plain ASGI middleware counting each request by method, route template and status, with its latency."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def watched(event: dict) -> None:
            if event["type"] == "http.response.start":
                status[0] = event["status"]
            await send(event)

        try:
            await self.app(scope, receive, watched)
        finally:
            # The router records the matched route in the scope it was given.
            name = getattr(scope.get("route"), "path", "(unmatched)")
            self.metrics.observe(scope.get("method", ""), name, status[0], time.perf_counter() - started)
