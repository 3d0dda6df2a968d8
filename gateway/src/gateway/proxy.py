"""Forwarding a request to its upstream: pooled httpx, timeouts, bounded retries for
idempotent methods, a circuit breaker per upstream, and problem+json when it fails."""

from __future__ import annotations

import asyncio
import logging
import re
import time

import httpx
from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from gateway.breaker import CircuitBreaker
from sc_core.errors import Problem

log = logging.getLogger(__name__)

BUFFER_BYTES = 1024 * 1024
"""Answers up to this size (with a Content-Length) are read whole; larger ones, downloads
without a length and event streams are passed through as they come."""

UPSTREAM_FAILURES = frozenset({502, 503, 504})
"""Answers that say the upstream itself is failing (a 500 is an answer, often to bad input)."""
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


class Upstream:
    def __init__(self, name: str, base_url: str, breaker: CircuitBreaker) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.breaker = breaker


def _forward_headers(request: Request, request_id: str) -> list[tuple[str, str]]:
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
    headers = [(k, v) for k, v in headers if k.lower() not in ("x-request-id", "x-forwarded-for")]
    client_ip = request.client.host if request.client else ""
    prior = request.headers.get("x-forwarded-for")
    headers.append(("x-forwarded-for", f"{prior}, {client_ip}" if prior else client_ip))
    headers.append(("x-forwarded-proto", request.url.scheme))
    headers.append(("x-request-id", request_id))
    return headers


def wants_event_stream(request: Request) -> bool:
    """A Server-Sent Events request (``Accept: text/event-stream``)."""
    return "text/event-stream" in request.headers.get("accept", "").lower()


class LongPolls:
    """Routes whose answer may take long by design (a device's RPC poll): GET paths
    matching a pattern wait that pattern's seconds for their answer."""

    def __init__(self, patterns: dict[str, float]) -> None:
        self.patterns = [(re.compile(f"^{p}$"), seconds) for p, seconds in patterns.items()]

    def timeout_for(self, method: str, path: str) -> float | None:
        if method != "GET":
            return None
        for pattern, seconds in self.patterns:
            if pattern.match(path):
                return seconds
        return None


LATE_SLACK_SECONDS = 0.25
"""A timeout that fires this much (or a tenth of the timeout) later than it was due says
the gateway's own loop was stalled: it is not held against the upstream."""


def _late(started: float, timeout: float | None) -> bool:
    if timeout is None:
        return False
    overdue = time.monotonic() - started - timeout
    return overdue > max(LATE_SLACK_SECONDS, timeout / 10)


def _circuit_open(upstream: Upstream) -> Problem:
    return Problem(
        503,
        "upstream.circuit_open",
        f"The {upstream.name} service is failing; try again shortly",
        headers={"Retry-After": str(upstream.breaker.retry_after())},
        service=upstream.name,
    )


def _busy(upstream: Upstream) -> Problem:
    return Problem(
        503,
        "gateway.busy",
        "The gateway has too many requests in flight; try again shortly",
        headers={"Retry-After": "1"},
        service=upstream.name,
    )


async def forward(
    client: httpx.AsyncClient,
    upstream: Upstream,
    request: Request,
    body: bytes,
    *,
    request_id: str,
    retries: int,
    stream_read_timeout: float | None = 60.0,
    long_poll_timeout: float | None = None,
    pool_timeout: float | None = None,
) -> Response:
    """Send ``request`` to ``upstream`` and relay its answer.

    The breaker guards ordinary calls only: long-polls and event streams wait by design
    and neither consult nor feed it. It counts only what the upstream did (no connection,
    no answer in time, 502/503/504); a 500 is an answer (often to a bad request), a full
    pool or a late timer is the gateway's own state.
    """
    event_stream = wants_event_stream(request)
    guarded = not event_stream and long_poll_timeout is None
    breaker = upstream.breaker
    if guarded and not breaker.allow():
        raise _circuit_open(upstream)
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    url = upstream.base_url + raw_path.decode("latin-1")
    attempts = 1 + (retries if request.method in IDEMPOTENT and guarded else 0)
    headers = _forward_headers(request, request_id)
    base = client.timeout
    if event_stream:
        read_timeout = stream_read_timeout
    elif long_poll_timeout is not None:
        read_timeout = long_poll_timeout
    else:
        read_timeout = base.read
    timeout = httpx.Timeout(
        connect=base.connect,
        read=read_timeout,
        write=base.write,
        pool=pool_timeout if pool_timeout is not None else base.pool,
    )

    def failed() -> None:
        if guarded:
            breaker.failure()

    last_error: Exception | None = None
    for attempt in range(attempts):
        outgoing = client.build_request(
            request.method,
            url,
            params=str(request.query_params),
            headers=headers,
            content=body,
            timeout=timeout,
        )
        started = time.monotonic()
        try:
            response = await client.send(outgoing, stream=True)
        except httpx.PoolTimeout as exc:
            if guarded:
                breaker.neutral()
            raise _busy(upstream) from exc
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout) or not _late(started, read_timeout):
                failed()
            elif guarded:
                breaker.neutral()
            raise Problem(
                504,
                "upstream.timeout",
                f"The {upstream.name} service did not answer in time",
                service=upstream.name,
            ) from exc
        except httpx.TransportError as exc:
            failed()
            last_error = exc
            if attempt + 1 < attempts:
                await asyncio.sleep(0.05 * 2**attempt)
                continue
            break
        if response.status_code in (502, 503) and attempt + 1 < attempts:
            await response.aclose()
            await asyncio.sleep(0.05 * 2**attempt)
            continue
        if guarded:
            if response.status_code in UPSTREAM_FAILURES:
                breaker.failure()
            else:
                breaker.success()
        out_headers = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        out_headers["x-request-id"] = request_id
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) <= BUFFER_BYTES:
            # an ordinary API answer: read it whole and send it in one piece (a streamed
            # response costs a chunk per read and chunked encoding on the way out)
            try:
                content = await response.aread()
            except httpx.TransportError as exc:
                failed()
                raise Problem(
                    502,
                    "upstream.unavailable",
                    f"The {upstream.name} service broke off its answer",
                    service=upstream.name,
                    reason=type(exc).__name__,
                ) from exc
            finally:
                await response.aclose()
            return Response(content, status_code=response.status_code, headers=out_headers)
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            # every event goes out as it comes: no proxy (nginx, ingress) may buffer it
            out_headers["cache-control"] = "no-cache, no-transform"
            out_headers["x-accel-buffering"] = "no"
        return StreamingResponse(
            response.aiter_raw(),
            status_code=response.status_code,
            headers=out_headers,
            background=BackgroundTask(response.aclose),
        )
    raise Problem(
        502,
        "upstream.unavailable",
        f"The {upstream.name} service cannot be reached",
        service=upstream.name,
        reason=type(last_error).__name__ if last_error else "bad_gateway",
    )
