"""The gateway app: one entry for every app, mini-program and console."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.breaker import CircuitBreaker
from gateway.config import GatewaySettings
from gateway.console import mount_built_app, mount_console
from gateway.entry import Forwarding, FrontDoor
from gateway.gis import gis_router
from gateway.lean import GatewayApp
from gateway.overview import overview_router
from gateway.proxy import LongPolls, Upstream, UpstreamClient
from gateway.ratelimit import RateLimiter
from gateway.routing import RouteTable, fetch_documents
from gateway.security import DEFAULT_PUBLIC_PATHS, Gatekeeper, PublicPaths
from sc_core.auth import JWKSVerifier
from sc_core.auth.revocation import follow_revocations
from sc_core.caching import NoStoreMiddleware, document_response, etag_of
from sc_core.errors import install_problem_handlers
from sc_core.limits import RequestLimitsMiddleware
from sc_core.net import TrustedProxies
from sc_core.observability import (
    TELEMETRY,
    MetricsServer,
    instrument_app,
    metrics_response,
    setup_logging,
    setup_tracing,
)
from sc_core.openapi import install as install_openapi
from sc_core.streams import StreamSlots

log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


class RequestIdMiddleware:
    """Every request gets an id (the caller's when it is sane) on ``request.state`` and on
    the response. Plain ASGI: no extra task or stream per request, and a streamed
    response (Server-Sent Events) passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # 32 hex digits like a UUID's: this process's random half and a counter. An id
        # names a request in logs and audit records; it needs to be unique, not secret,
        # and uuid4() read 16 bytes from the kernel per call (~2 % of a forwarded call)
        self._prefix = secrets.token_hex(8)
        self._count = itertools.count(1)

    def new_id(self) -> str:
        return f"{self._prefix}{next(self._count):016x}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else self.new_id()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


OPENAPI_TITLE = "Smart community API"


def merged_document(
    table: RouteTable,
    own: dict[str, Any],
    *,
    server_url: str | None,
    is_public: Callable[[str], bool],
) -> dict[str, Any]:
    """The merged OpenAPI: every upstream's document and the gateway's own routes (the
    operations overview). ``sc_devstack.openapi`` builds the typed client from this too."""
    view = RouteTable()
    view.documents = {**table.documents, **({"gateway": own} if own.get("paths") else {})}
    return view.merged_openapi(
        title=OPENAPI_TITLE, version="1", server_url=server_url, is_public=is_public
    )


def create_app(settings: GatewaySettings) -> FastAPI:
    setup_logging(settings)
    setup_tracing(settings)
    table = RouteTable(settings.route_overrides)
    upstreams = {
        name: Upstream(
            name,
            url,
            CircuitBreaker(settings.breaker_failure_threshold, settings.breaker_reset_seconds),
            max_in_flight=settings.max_connections,
        )
        for name, url in settings.upstreams.items()
    }
    state: dict[str, Any] = {}
    metrics_server = (
        MetricsServer(settings.http_host, settings.metrics_port) if settings.metrics_port else None
    )
    gatekeeper = Gatekeeper(
        JWKSVerifier.from_settings(settings) if settings.jwks_url else None,
        PublicPaths(
            settings.public_paths if settings.public_paths is not None else DEFAULT_PUBLIC_PATHS
        ),
        RateLimiter(settings.rate_per_caller_per_second, settings.rate_per_caller_burst),
        RateLimiter(settings.rate_per_address_per_second, settings.rate_per_address_burst),
    )
    forwarding = Forwarding(
        settings=settings,
        table=table,
        upstreams=upstreams,
        gatekeeper=gatekeeper,
        long_polls=LongPolls(settings.long_poll_paths),
        client=UpstreamClient(connect_timeout=settings.connect_timeout_seconds),
        streams=StreamSlots(settings.max_streams_per_caller, code="gateway.too_many_streams"),
        state=state,
    )

    async def refresh_loop(client: httpx.AsyncClient) -> None:
        # an upstream whose document is still missing (it was starting, or slow to answer on
        # a busy machine) is asked again within seconds, not after a whole refresh period:
        # until then its routes answer 404
        wait = 1.0
        while True:
            missing = [s for s in settings.upstreams if s not in table.documents]
            period = settings.route_refresh_seconds
            await asyncio.sleep(min(wait, period) if missing else period)
            await fetch_documents(client, settings.upstreams, table)
            wait = wait * 2 if missing else 1.0

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # httpx for the cold paths (OpenAPI documents, health, the overview); API calls are
        # forwarded with the gateway's own client (gateway.proxy, ADR 0071)
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                settings.upstream_timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            follow_redirects=False,
        )
        state["client"] = client
        if metrics_server is not None:
            metrics_server.start()
        revocations = None
        if gatekeeper.verifier is not None:
            revocations = await follow_revocations(settings, gatekeeper.verifier)
        await fetch_documents(client, settings.upstreams, table)
        refresher = asyncio.create_task(refresh_loop(client))
        try:
            yield
        finally:
            if revocations is not None:
                await revocations.close()
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
            await client.aclose()
            await forwarding.client.close()
            if gatekeeper.verifier is not None:
                await gatekeeper.verifier.aclose()
            if metrics_server is not None:
                metrics_server.stop()

    app = GatewayApp(
        title="Smart community gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry=TELEMETRY,
    )
    app.state.settings = settings
    app.state.routes = table
    # a refusal before forwarding (body limit, rate limit) names the upstream's template,
    # so a device token in the path stays out of the problem's `instance`
    app.state.path_template = lambda scope: table.match(scope["path"])[1]
    app.state.stream_slots = forwarding.streams
    app.state.trusted_proxies = TrustedProxies(settings.forwarded_allow_ips)
    install_problem_handlers(app)
    # innermost: everything outside it (ids, CORS, limits, metrics, traces) applies to
    # forwarded calls and to the gateway's own routes alike
    app.add_middleware(FrontDoor, fastapi=app, forwarding=forwarding)
    # a forwarded call takes the same middleware without FastAPI's outer stack (ADR 0063)
    app.forward_with(FrontDoor(app, fastapi=app, forwarding=forwarding).serve)
    app.add_middleware(NoStoreMiddleware)  # the gateway's own API answers (the overview)
    instrument_app(app, settings)
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After"],
        allow_credentials=True,
    )
    app.add_middleware(RequestIdMiddleware)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        client: httpx.AsyncClient = state["client"]

        async def check(name: str, up: Upstream) -> tuple[str, str]:
            try:
                r = await client.get(f"{up.base_url}/healthz", timeout=2.0)
                return name, "ok" if r.status_code == 200 else f"status {r.status_code}"
            except Exception as exc:
                return name, f"down: {type(exc).__name__}"

        results = dict(await asyncio.gather(*(check(n, u) for n, u in upstreams.items())))
        status = "ok" if all(v == "ok" for v in results.values()) else "degraded"
        return JSONResponse({"status": status, "services": results})

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> dict[str, Any]:
        # ready to serve whatever it can route (one upstream starting must not take the
        # gateway out of its Service); `waiting_for` names upstreams whose routes are not
        # known yet (make run waits for it to be empty before its demo logs in)
        waiting = sorted(s for s in settings.upstreams if s not in table.documents)
        return {"status": "ready", "routes": len(table.routes), "waiting_for": waiting}

    if metrics_server is None:

        @app.get("/metrics", include_in_schema=False)
        async def metrics() -> Response:
            return metrics_response()

    # the merged document is ~1.4 MB: written once per route table and address (merging
    # and serialising it took ~200 ms of the gateway's event loop), then revalidated by ETag
    merged: dict[str, Any] = {}

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> Response:
        server_url = settings.public_base_url or str(request.base_url).rstrip("/")
        if merged.get("of") != (table.version, server_url):
            public = gatekeeper.public.__contains__
            doc = merged_document(table, app.openapi(), server_url=server_url, is_public=public)
            body = bytes(JSONResponse(doc).body)
            merged.update({"of": (table.version, server_url), "body": body, "etag": etag_of(body)})
        return document_response(request, merged["body"], merged["etag"])

    mount_console(app, settings.console_dir)
    mount_built_app(app, "app", settings.app_dir, "app")

    def upstream_base(path: str) -> str | None:
        service = table.resolve(path)
        return upstreams[service].base_url if service in upstreams else None

    app.include_router(
        overview_router(
            gatekeeper.admit, lambda: state["client"], upstream_base, settings.overview_timezone
        )
    )
    app.include_router(gis_router(gatekeeper.admit, lambda: state["client"], upstream_base))
    install_openapi(app)  # the gateway's own routes documented like every service's

    return app
