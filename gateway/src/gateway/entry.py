"""The gateway's front door for API calls, as plain ASGI.

A path that one of the gateway's own routes serves (``/healthz``, ``/openapi.json``,
``/docs``, anything added to the FastAPI app) goes to FastAPI; every other request is
admitted (token, rate limits), resolved to its service and forwarded without passing
FastAPI's routing, dependency solving or Response objects: the gateway's cost per call is
what ADR 0017 measured it to be, a few hundred microseconds.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from prometheus_client import Counter, Histogram
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.config import GatewaySettings
from gateway.own_routes import OwnRoutes
from gateway.proxy import (
    Call,
    LongPolls,
    Upstream,
    UpstreamClient,
    client_address,
    client_scheme,
    forward,
    outgoing_headers,
)
from gateway.routing import RouteTable, fetch_documents
from gateway.security import Gatekeeper
from sc_core.errors import Problem, problem_response, redacted_target
from sc_core.streams import StreamSlots

log = logging.getLogger(__name__)
UPSTREAM_REQUESTS = Counter(
    "gateway_upstream_requests_total",
    "Requests the gateway forwarded, by upstream service and the status it answered",
    ["upstream", "status"],
)
UPSTREAM_SECONDS = Histogram(
    "gateway_upstream_request_duration_seconds",
    "From forwarding a request to the upstream's answer (headers), by upstream",
    ["upstream"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


@dataclass
class Forwarding:
    """What the front door needs, built once by ``create_app``."""

    settings: GatewaySettings
    table: RouteTable
    upstreams: dict[str, Upstream]
    gatekeeper: Gatekeeper
    long_polls: LongPolls
    client: UpstreamClient
    streams: StreamSlots
    state: dict[str, Any]  # "client": the httpx client of the cold paths (lifespan)


class FrontDoor:
    """Plain ASGI: the gateway's own routes to ``app``, everything else forwarded.

    Innermost in FastAPI's stack; ``gateway.lean.GatewayApp`` sends forwarded calls
    straight to :meth:`serve` down a leaner stack of the same middleware (ADR 0063), so
    this one forwards only what reaches FastAPI anyway."""

    def __init__(self, app: ASGIApp, *, fastapi: FastAPI, forwarding: Forwarding) -> None:
        self.app = app
        self.own_route = OwnRoutes(fastapi)
        self.forwarding = forwarding

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.own_route(scope):
            await self.app(scope, receive, send)
            return
        await self.serve(scope, receive, send)

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Forward one call; a refusal or an error before the answer began is problem+json."""
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._forward(scope, receive, tracked)
        except Problem as problem:
            if started:
                raise
            await problem_response(problem, Request(scope))(scope, receive, send)
        except Exception:
            if started:
                raise
            log.exception("unhandled error on %s %s", scope["method"], redacted_target(scope))
            unexpected = Problem(
                500,
                "internal.error",
                "An unexpected error occurred; it has been logged",
                zh="系统出现意外错误，已记录，请稍后重试",
            )
            await problem_response(unexpected, Request(scope))(scope, receive, send)

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        f = self.forwarding
        request = Request(scope, receive)
        address = client_address(scope)
        principal = await f.gatekeeper.admit(request, address)
        path: str = scope["path"]
        service, template = f.table.match(path)
        if service is None and f.table.documents.keys() != f.upstreams.keys():
            # an upstream that was down at start may own it: learn its routes now
            await fetch_documents(f.state["client"], f.settings.upstreams, f.table)
            service, template = f.table.match(path)
        if service is None or service not in f.upstreams:
            raise Problem(
                404, "http.not_found", "No service serves this address", zh="找不到您要访问的地址"
            )
        scope.setdefault("state", {})["metrics_route"] = template  # the route label
        body = await request.body()
        if len(body) > f.settings.max_body_bytes:
            raise Problem(
                413,
                "request.too_large",
                f"The request body exceeds {f.settings.max_body_bytes} bytes",
                zh=f"提交的内容过大，最多 {f.settings.max_body_bytes} 字节",
            )
        raw_path = scope.get("raw_path") or path.encode()
        query = scope.get("query_string", b"")
        request_id: str = scope["state"]["request_id"]
        call = Call(
            method=scope["method"],
            path=raw_path + b"?" + query if query else raw_path,
            headers=outgoing_headers(
                scope["headers"],
                client_ip=address,
                scheme=client_scheme(scope),
                request_id=request_id,
            ),
            body=body,
            request_id=request_id,
            event_stream=b"text/event-stream" in _header(scope, b"accept").lower(),
            long_poll_timeout=f.long_polls.timeout_for(scope["method"], path),
        )
        started = time.perf_counter()
        status = "error"

        async def answered(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            await send(message)

        slot: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        if call.event_stream and principal is not None:
            # a stream opened with a single-use ticket has no principal here: counted by
            # address it would cap a whole NAT's residents together, so the service that
            # redeems the ticket (and knows whose it is) is the one to count it
            slot = f.streams.hold(f"{principal.kind}:{principal.subject}")
        try:
            with slot:
                await forward(
                    f.client,
                    f.upstreams[service],
                    call,
                    receive,
                    answered,
                    retries=f.settings.idempotent_retries,
                    read_timeout=f.settings.upstream_timeout_seconds,
                    stream_read_timeout=f.settings.stream_read_timeout_seconds,
                    pool_timeout=f.settings.pool_timeout_seconds,
                )
        except Problem as problem:
            status = str(problem.status)
            raise
        finally:
            UPSTREAM_REQUESTS.labels(service, status).inc()
            UPSTREAM_SECONDS.labels(service).observe(time.perf_counter() - started)


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return b""
