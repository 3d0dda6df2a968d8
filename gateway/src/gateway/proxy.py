"""Forwarding a request to its upstream: pooled aiohttp connections, timeouts, bounded
retries for idempotent methods, a circuit breaker per upstream, problem+json when it fails.

Plain ASGI on both sides: the client's headers go out as they came (minus hop-by-hop
ones), the upstream's answer comes back as ASGI messages, with no Request or Response
object per call. aiohttp forwards with ~15x less CPU per request than httpx did
(``bench/gateway_clients.py``, ADR 0017).

Every upstream has its own limit of calls in flight (``max_connections``); a call that
finds it full waits at most ``pool_timeout_seconds`` and is then the gateway's own 503
``gateway.busy``. Long-polls and event streams use a second pool of their own, so devices
waiting for commands never take the connections of ordinary calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import aiohttp
from opentelemetry import propagate
from starlette.requests import HTTPConnection
from starlette.types import Message, Receive, Scope, Send

from gateway.breaker import CircuitBreaker
from sc_core import net
from sc_core.errors import Problem
from sc_core.retry import Backoff

log = logging.getLogger(__name__)

BUFFER_BYTES = 1024 * 1024
"""Answers up to this size (with a Content-Length) are read whole; larger ones, downloads
without a length and event streams are passed through as they come."""

UPSTREAM_FAILURES = frozenset({502, 503, 504})
"""Answers that say the upstream itself is failing (a 500 is an answer, often to bad input)."""
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
        b"host",
        b"content-length",
    }
)
# what a client sent under these names is replaced, never passed on (the one rule for the
# client's address, sc_core.net: the services read the address the gateway found)
_NOT_FORWARDED = HOP_BY_HOP | {
    b"x-request-id",
    b"x-forwarded-for",
    b"x-real-ip",
    b"x-forwarded-proto",
}
# the gateway's own server writes these two
_NOT_RETURNED = HOP_BY_HOP | {b"x-request-id", b"date", b"server"}


@dataclass
class Upstream:
    name: str
    base_url: str
    breaker: CircuitBreaker
    max_in_flight: int = 200
    in_flight: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.in_flight = asyncio.Semaphore(self.max_in_flight)


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


class UpstreamClient:
    """Two aiohttp sessions: ordinary calls, and long waits (long-polls, streams)."""

    def __init__(self, *, connect_timeout: float, max_waiting: int = 10_000) -> None:
        self.connect_timeout = connect_timeout
        self.max_waiting = max_waiting
        self._calls: aiohttp.ClientSession | None = None
        self._waits: aiohttp.ClientSession | None = None

    @staticmethod
    def _session(limit: int) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            # the gateway's own limit is each Upstream's semaphore; the connector never
            # makes a call wait (a wait there would look like the upstream's timeout)
            connector=aiohttp.TCPConnector(limit=limit, ttl_dns_cache=300, keepalive_timeout=30),
            auto_decompress=False,  # bodies go through as they are, encoding and all
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None),
        )

    def session(self, waits: bool) -> aiohttp.ClientSession:
        if self._calls is None or self._waits is None:
            self._calls = self._session(0)
            self._waits = self._session(self.max_waiting)
        return self._waits if waits else self._calls

    async def close(self) -> None:
        for session in (self._calls, self._waits):
            if session is not None:
                await session.close()


@dataclass
class Call:
    """One request to forward, as the gateway received it."""

    method: str
    path: str  # raw path and query, as sent by the client
    headers: list[tuple[str, str]]
    body: bytes
    request_id: str
    event_stream: bool
    long_poll_timeout: float | None


def outgoing_headers(
    raw: Iterable[tuple[bytes, bytes]], *, client_ip: str, scheme: str, request_id: str
) -> list[tuple[str, str]]:
    # the gateway's trace continues in the service: its span's traceparent (and tracestate,
    # baggage) replace the caller's, which the gateway's span already continues; sent
    # beside them, the caller's would come first and the service would skip the gateway
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    replaced = {name.encode("latin-1") for name in carrier}
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in raw
        if name not in _NOT_FORWARDED and name not in replaced
    ]
    headers.append(("x-forwarded-for", client_ip))
    headers.append(("x-real-ip", client_ip))
    headers.append(("x-forwarded-proto", scheme))
    headers.append(("x-request-id", request_id))
    headers.extend(carrier.items())
    return headers


# How a refusal names a service to a person (never its deployment name).
_SERVICE_WORDS = {
    "identity": "账号与住户服务",
    "alarm": "告警服务",
    "audit": "审计服务",
    "care": "关爱服务",
    "commerce": "社区商业服务",
    "device-ingestion": "设备服务",
    "evaluation": "评价与问卷服务",
    "gov-affairs": "政务服务",
    "notification": "消息通知服务",
    "parking-payment": "停车与缴费服务",
    "work-orders": "工单服务",
}


def _service_words(upstream: Upstream) -> str:
    return _SERVICE_WORDS.get(upstream.name, "后台服务")


def _circuit_open(upstream: Upstream) -> Problem:
    return Problem(
        503,
        "upstream.circuit_open",
        f"The {upstream.name} service is failing; try again shortly",
        zh=f"{_service_words(upstream)}暂时出现故障，请稍后重试",
        headers={"Retry-After": str(upstream.breaker.retry_after())},
        service=upstream.name,
    )


def _busy(upstream: Upstream) -> Problem:
    return Problem(
        503,
        "gateway.busy",
        "The gateway has too many requests in flight; try again shortly",
        zh="当前访问人数过多，请稍后重试",
        headers={"Retry-After": "1"},
        service=upstream.name,
    )


def _timeout(upstream: Upstream) -> Problem:
    return Problem(
        504,
        "upstream.timeout",
        f"The {upstream.name} service did not answer in time",
        zh=f"{_service_words(upstream)}响应超时，请稍后重试",
        service=upstream.name,
    )


def _unavailable(upstream: Upstream, reason: str, detail: str) -> Problem:
    return Problem(
        502,
        "upstream.unavailable",
        detail,
        zh=f"{_service_words(upstream)}暂时无法连接，请稍后重试",
        service=upstream.name,
        reason=reason,
    )


async def forward(
    client: UpstreamClient,
    upstream: Upstream,
    call: Call,
    receive: Receive,
    send: Send,
    *,
    retries: int,
    read_timeout: float | None,
    stream_read_timeout: float | None,
    pool_timeout: float,
) -> None:
    """Send ``call`` to ``upstream`` and relay its answer on ``send``.

    Raises :class:`Problem` when nothing was sent yet. The breaker guards ordinary calls
    only: long-polls and event streams wait by design and neither consult nor feed it.
    It counts only what the upstream did (no connection, no answer in time, 502/503/504):
    a 500 is an answer (often to a bad request), a full pool is the gateway's own state.
    """
    waits = call.event_stream or call.long_poll_timeout is not None
    if call.event_stream:
        read_timeout = stream_read_timeout
    elif call.long_poll_timeout is not None:
        read_timeout = call.long_poll_timeout
    breaker = upstream.breaker
    if not waits and not breaker.allow():
        raise _circuit_open(upstream)
    if waits:
        try:
            await _relay(client, upstream, call, receive, send, read_timeout, waits=True)
        except TimeoutError as exc:
            raise _timeout(upstream) from exc
        except aiohttp.ClientError as exc:
            raise _unavailable(
                upstream, type(exc).__name__, f"The {upstream.name} service cannot be reached"
            ) from exc
        return
    try:
        await asyncio.wait_for(upstream.in_flight.acquire(), pool_timeout)
    except TimeoutError:
        breaker.neutral()
        raise _busy(upstream) from None
    try:
        attempts = 1 + (retries if call.method in IDEMPOTENT else 0)
        backoff = Backoff(first=0.05, cap=1.0)  # 50 ms, 100 ms, 200 ms ... between tries
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            try:
                status = await _relay(
                    client, upstream, call, receive, send, read_timeout, waits=False, last=last
                )
            except _Retry:
                await backoff.sleep()
                continue
            except TimeoutError as exc:
                breaker.failure()
                raise _timeout(upstream) from exc
            except aiohttp.ClientError as exc:
                breaker.failure()
                if not last and isinstance(exc, aiohttp.ClientConnectionError):
                    await backoff.sleep()
                    continue
                raise _unavailable(
                    upstream, type(exc).__name__, f"The {upstream.name} service cannot be reached"
                ) from exc
            if status in UPSTREAM_FAILURES:
                breaker.failure()
            else:
                breaker.success()
            return
    finally:
        upstream.in_flight.release()


class _Retry(Exception):
    """The upstream answered 502/503 to an idempotent call that may be tried again."""


async def _relay(
    client: UpstreamClient,
    upstream: Upstream,
    call: Call,
    receive: Receive,
    send: Send,
    read_timeout: float | None,
    *,
    waits: bool,
    last: bool = True,
) -> int:
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=client.connect_timeout, sock_read=read_timeout
    )
    async with client.session(waits).request(
        call.method,
        upstream.base_url + call.path,
        headers=call.headers,
        data=call.body or None,
        timeout=timeout,
        allow_redirects=False,
    ) as response:
        status = response.status
        if status in (502, 503) and not last:
            raise _Retry
        headers = [
            (name.lower(), value)
            for name, value in response.raw_headers
            if name.lower() not in _NOT_RETURNED
        ]
        headers.append((b"x-request-id", call.request_id.encode()))
        length = response.content_length
        event_stream = response.content_type == "text/event-stream"
        if length is not None and length <= BUFFER_BYTES and not event_stream:
            # an ordinary API answer: read whole, sent in one piece with its length
            content = await response.read()
            headers.append((b"content-length", str(len(content)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})
            return status
        if event_stream:
            # every event goes out as it comes: no proxy (nginx, ingress) may buffer it
            headers = [(n, v) for n, v in headers if n != b"cache-control"]
            headers.append((b"cache-control", b"no-cache, no-transform"))
            headers.append((b"x-accel-buffering", b"no"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await _stream(response, receive, send)
        return status


async def _stream(response: aiohttp.ClientResponse, receive: Receive, send: Send) -> None:
    """Pass the body through as it comes until it ends or the client leaves; either way
    the upstream response is closed, which ends a stream upstream too."""

    async def pump() -> None:
        async for chunk in response.content.iter_any():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def client_left() -> None:
        while True:
            message: Message = await receive()
            if message["type"] == "http.disconnect":
                return

    tasks = {asyncio.create_task(pump()), asyncio.create_task(client_left())}
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        response.close()
    for task in done:
        if not task.cancelled() and isinstance(
            task.exception(), aiohttp.ClientError | TimeoutError
        ):
            # broken off upstream after the answer began: the client sees the body end
            log.info("upstream stream broke off: %r", task.exception())
            with contextlib.suppress(Exception):
                await send({"type": "http.response.body", "body": b""})


def client_address(scope: Scope) -> str:
    """The client's address by the one rule (sc_core.net: X-Forwarded-For believed only
    from the proxies in FORWARDED_ALLOW_IPS)."""
    return net.client_address(HTTPConnection(scope)) or ""


def client_scheme(scope: Scope) -> str:
    """http or https as the client used it (a trusted proxy's X-Forwarded-Proto)."""
    return net.client_scheme(HTTPConnection(scope))
