"""The gateway's CPU per forwarded request (`GET /api/v1/me`), old and new code in
alternating pairs (ADR 0040's method, ADR 0056's figures).

    uv run python bench/gateway_pairs.py [--pairs 30] [--variant NAME] [--uvloop]
    uv run python bench/gateway_pairs.py --profile 60   # load only, for py-spy
    (DOCUMENTS=/tmp/documents.json keeps the services' OpenAPI documents between runs)

The gateway app is built by its own ``create_app`` with every service's OpenAPI document
in its route table (the services' apps are built in this process, as ``make contracts``
does) and every upstream pointing at a canned upstream in its own process (a bare uvloop
protocol answering a ~300 B JSON, ``bench/gateway_clients.py``), so the CPU of this
process is the gateway's: middleware, the token check (a property_manager's token,
verified against keys held in the process), route matching and the upstream call (the
gateway's own client, ADR 0071). Called as ASGI by ``--concurrency`` tasks,
``time.process_time()`` per block; blocks of the old and the new variant alternate
(old-new, then new-old), every answer checked to be 200. ``--variant own-client``: the
old side forwards with aiohttp as the gateway did before ADR 0071 (``gateway_aiohttp.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from benchkit import free_port
from gateway_aiohttp import aiohttp_forwarding
from gateway_clients import UPSTREAM

from sc_core.auth import Grant, JWKSVerifier
from sc_core.auth.jwks import parse_jwks
from sc_core.auth.testing import LocalIssuer

# bench/gateway.py is not the gateway package: ``gateway`` is looked for elsewhere
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(__file__)]

CALLS = 10  # per task and block


class LocalKeys(JWKSVerifier):
    """The issuer's keys held in the process: no HTTP for keys in the measurement."""

    def __init__(self, issuer: LocalIssuer) -> None:
        super().__init__("http://keys.local", issuer.issuer, issuer.audience, cache_seconds=1e9)
        self._keys = parse_jwks(issuer.jwks())
        self._fetched_at = self._clock()


@contextmanager
def _as_is() -> Iterator[None]:
    yield


@contextmanager
def _route_scan() -> Iterator[None]:
    """Route matching as it was before ADR 0056: every pattern tried, most specific first."""
    from gateway.routing import RouteTable

    new = RouteTable.match

    def scan(self: RouteTable, path: str) -> tuple[str | None, str | None]:
        for route in self.routes:
            if route.pattern.match(path):
                return route.service, route.template
        parts = path.split("/")
        if len(parts) > 3 and parts[1:3] == ["api", "v1"]:
            prefix = f"/api/v1/{parts[3]}"
            if prefix in self.prefixes:
                return self.prefixes[prefix], prefix + "/*"
        return None, None

    RouteTable.match = scan  # type: ignore[method-assign]
    try:
        yield
    finally:
        RouteTable.match = new  # type: ignore[method-assign]


@contextmanager
def _whole_stack() -> Iterator[None]:
    """Before ADR 0063: a forwarded call passed FastAPI's whole stack (its telemetry span,
    the error and body-limit middleware, the gateway's middleware) to the front door."""
    from fastapi import FastAPI

    from gateway.lean import GatewayApp

    new = GatewayApp.__call__
    GatewayApp.__call__ = FastAPI.__call__  # type: ignore[method-assign]
    try:
        yield
    finally:
        GatewayApp.__call__ = new  # type: ignore[method-assign]


@contextmanager
def _own_routes_tried() -> Iterator[None]:
    """Before ADR 0063: each of the gateway's own routes tried against every path."""
    from starlette.routing import Match
    from starlette.types import Scope

    from gateway.own_routes import OwnRoutes

    def tried(self: OwnRoutes, scope: Scope) -> bool:
        return any(r.matches(scope)[0] is not Match.NONE for r in self.fastapi.router.routes)

    new = OwnRoutes.__call__
    OwnRoutes.__call__ = tried  # type: ignore[method-assign]
    try:
        yield
    finally:
        OwnRoutes.__call__ = new  # type: ignore[method-assign]


@contextmanager
def _before_0063() -> Iterator[None]:
    """Both of ADR 0063's changes undone at once."""
    with _whole_stack(), _own_routes_tried():
        yield


VARIANTS: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    "same": (_as_is, _as_is),  # the method's own noise: both sides the same code
    "route-index": (_route_scan, _as_is),  # ADR 0056: routes indexed by path and head
    "lean-stack": (_whole_stack, _as_is),  # ADR 0063: forwarded calls skip FastAPI's stack
    "own-prefix": (_own_routes_tried, _as_is),  # ADR 0063: own routes by literal prefix
    "adr-0063": (_before_0063, _as_is),  # ADR 0063: both
    "own-client": (aiohttp_forwarding, _as_is),  # ADR 0071: httptools client, not aiohttp
}


def build(upstream: str) -> tuple[Any, bytes]:
    from gateway import app as gateway_app
    from gateway.config import GatewaySettings
    from sc_devstack.discover import repo_root
    from sc_devstack.openapi import service_documents

    issuer = LocalIssuer()
    cached = os.environ.get("DOCUMENTS")  # a file of the documents from an earlier run
    if cached and os.path.exists(cached):
        with open(cached) as f:
            documents = json.load(f)
    else:
        documents = service_documents(repo_root())
        if cached:
            with open(cached, "w") as f:
                json.dump(documents, f)
    settings = GatewaySettings(
        upstreams=dict.fromkeys(documents, upstream),
        jwks_url="http://keys.local/jwks.json",
        jwt_issuer=issuer.issuer,
        jwt_audience=issuer.audience,
        rate_per_caller_per_second=1e9,  # one caller and one address send everything
        rate_per_caller_burst=1e9,
        rate_per_address_per_second=1e9,
        rate_per_address_burst=1e9,
    )
    gateway_app.JWKSVerifier = lambda *a, **k: LocalKeys(issuer)  # type: ignore[misc,assignment]
    gateway_app.JWKSVerifier.from_settings = lambda *a, **k: LocalKeys(issuer)  # type: ignore[attr-defined]
    app = gateway_app.create_app(settings)
    for name, document in documents.items():
        app.state.routes.load(name, document)
    token = issuer.bearer(
        "mgr-bench", grants=[Grant("property_manager", "community", "c-bench")], ttl=7200
    )["Authorization"]
    return app, token.encode()


async def call(app: Any, token: bytes, statuses: list[int]) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/me",
        "raw_path": b"/api/v1/me",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"gateway"),
            (b"authorization", token),
            (b"accept-language", b"zh-CN"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("gateway", 80),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)


async def block(app: Any, token: bytes, c: int, statuses: list[int]) -> float:
    async def task() -> None:
        for _ in range(CALLS):
            await call(app, token, statuses)

    start = time.process_time()
    await asyncio.gather(*(task() for _ in range(c)))
    return (time.process_time() - start) / (c * CALLS) * 1e6


async def run(args: argparse.Namespace, upstream: str) -> None:
    app, token = build(upstream)
    statuses: list[int] = []
    old, new = VARIANTS[args.variant]
    for _ in range(3):
        for variant in (old, new):
            with variant():
                await block(app, token, args.concurrency, statuses)
    if set(statuses) != {200}:
        raise SystemExit(f"answers other than 200 while warming: {sorted(set(statuses))}")
    if args.profile:
        stop_at = time.monotonic() + args.profile
        count = 0
        while time.monotonic() < stop_at:
            await block(app, token, args.concurrency, statuses)
            count += args.concurrency * CALLS
        print(f"profile load: {count} requests", flush=True)
        return
    load_before = os.getloadavg()
    olds: list[float] = []
    news: list[float] = []
    for i in range(args.pairs):
        order = [(old, olds), (new, news)] if i % 2 == 0 else [(new, news), (old, olds)]
        for variant, into in order:
            with variant():
                into.append(await block(app, token, args.concurrency, statuses))
    load_after = os.getloadavg()
    ratios = sorted(n / o for o, n in zip(olds, news, strict=True))
    others = [s for s in statuses if s != 200]
    print(
        f"{args.variant}: {args.pairs} pairs, c={args.concurrency}, "
        f"{CALLS * args.concurrency} calls per block; "
        f"load {load_before[0]:.1f} -> {load_after[0]:.1f}\n"
        f"  old mean {statistics.mean(olds):,.0f} us (median {statistics.median(olds):,.0f})\n"
        f"  new mean {statistics.mean(news):,.0f} us (median {statistics.median(news):,.0f})\n"
        f"  pair ratio new/old: median {statistics.median(ratios):.3f}, "
        f"quartiles {ratios[len(ratios) // 4]:.3f}-{ratios[3 * len(ratios) // 4]:.3f}, "
        f"range {ratios[0]:.3f}-{ratios[-1]:.3f}; answers other than 200: {len(others)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--variant", default="same", choices=sorted(VARIANTS))
    parser.add_argument("--profile", type=float, default=0.0, help="seconds of load only")
    parser.add_argument("--uvloop", action="store_true", help="on uvloop, as the gateway runs")
    args = parser.parse_args()
    port = free_port()
    stub = subprocess.Popen(
        [sys.executable, "-c", UPSTREAM, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert stub.stdout is not None and stub.stdout.readline().strip() == "ready"
        if args.uvloop:
            import uvloop

            uvloop.run(run(args, f"http://127.0.0.1:{port}"))
        else:
            asyncio.run(run(args, f"http://127.0.0.1:{port}"))
    finally:
        stub.terminate()
        stub.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
