"""What the service kit costs per request, before any SQL: CPU microseconds per call of an
app built by ``create_service_app`` (every middleware, the token check, FastAPI's routing and
dependencies, a page of 20 items of ~1 KB serialised), called in-process with no network and
no database, so nothing but the kit is measured.

    uv run python bench/service_overhead.py [--requests 5000]

The route takes what list endpoints take: the caller (a bearer token, verified against keys
held in the process), ``Paging`` and the runtime. CPU time of this process, so other work on
the machine moves it little. Its direct counterpart, measured in the same run the same way:
a bare FastAPI app serving the same page from the same route (no middleware, no token, no
runtime), so the table shows what the kit itself adds; and the kit as it was before ADR
0082 (FastAPI's own server span built for every request, recorded or not). Merged into
bench/results/latest.json under "service_overhead".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from sc_core.api import Page, Paging, RuntimeDep
from sc_core.auth import CurrentPrincipal, JWKSVerifier
from sc_core.auth.jwks import parse_jwks
from sc_core.auth.testing import LocalIssuer
from sc_core.service import create_service_app
from sc_core.settings import ServiceSettings

RESULTS = Path(__file__).parent / "results" / "latest.json"


class Item(BaseModel):
    id: int
    title: str
    description: str


ITEMS = [Item(id=i, title=f"item {i}", description="x" * 900) for i in range(20)]
router = APIRouter()


@router.get("/api/v1/things/{thing_id}/items")
async def items(
    thing_id: int, who: CurrentPrincipal, paging: Paging, runtime: RuntimeDep
) -> Page[Item]:
    return Page.of(ITEMS, 40, paging)


class LocalKeys(JWKSVerifier):
    """The issuer's keys held in the process: no HTTP in the measurement."""

    def __init__(self, issuer: LocalIssuer) -> None:
        super().__init__("http://keys.local", issuer.issuer, issuer.audience, cache_seconds=1e9)
        self._keys = parse_jwks(issuer.jwks())
        self._fetched_at = self._clock()


bare_router = APIRouter()


@bare_router.get("/api/v1/things/{thing_id}/items")
async def bare_items(thing_id: int, limit: int = 20) -> Page[Item]:
    return Page[Item](items=ITEMS[:limit], total=40, limit=limit, offset=0, next_offset=limit)


def kit_app() -> tuple[Any, bytes]:
    issuer = LocalIssuer()
    settings = ServiceSettings(service_name="overhead", kafka_bootstrap_servers="127.0.0.1:1")
    app = create_service_app(settings, title="overhead", routers=[router])
    app.state.jwks_verifier = LocalKeys(issuer)
    return app, issuer.bearer("u-1", ["resident"])["Authorization"].encode()


def kit_app_fastapi_telemetry() -> tuple[Any, bytes]:
    """The kit as it was before ADR 0082: FastAPI's own server span built for every
    request, recorded or not (``TracedApp`` is a ``FastAPI`` that only adds that choice)."""
    app, token = kit_app()
    app.__class__ = FastAPI
    return app, token


def bare_app() -> tuple[Any, bytes]:
    app = FastAPI()
    app.include_router(bare_router)
    return app, b"Bearer unused"


async def measure(requests: int, build: Callable[[], tuple[Any, bytes]]) -> float:
    app, token = build()
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/things/7/items",
        "raw_path": b"/api/v1/things/7/items",
        "query_string": b"limit=20",
        "root_path": "",
        "headers": [(b"host", b"t"), (b"authorization", token)],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80),
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(300):  # warm: caches, the first compilation of every path
        await app(dict(scope, state={}), receive, send)
    if set(statuses) != {200}:
        raise SystemExit(f"the route did not answer 200: {set(statuses)}")
    began = time.process_time()
    for _ in range(requests):
        await app(dict(scope, state={}), receive, send)
    return (time.process_time() - began) / requests * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    cpu_us = asyncio.run(measure(args.requests, kit_app))
    telemetry_us = asyncio.run(measure(args.requests, kit_app_fastapi_telemetry))
    bare_us = asyncio.run(measure(args.requests, bare_app))
    result = {
        "cpu_us_per_request": round(cpu_us),
        "fastapi_telemetry_cpu_us_per_request": round(telemetry_us),
        "bare_fastapi_cpu_us_per_request": round(bare_us),
        "requests": args.requests,
        "load_before": round(load_before, 2),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(
        f"\nservice kit, per request before any SQL: {cpu_us:,.0f} us CPU; the same kit with "
        f"FastAPI's own span on every request (before ADR 0082): {telemetry_us:,.0f} us; "
        f"bare FastAPI, same page: {bare_us:,.0f} us ({args.requests} calls each)"
    )
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["service_overhead"] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
