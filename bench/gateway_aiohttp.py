"""The gateway's forwarding as it was before ADR 0071 (aiohttp sessions), kept for the
pairs of ``bench/gateway_pairs.py --variant own-client`` only: the gateway itself forwards
with its own client (``gateway.upstream_http``). Same retries, breaker inputs, buffering
and problems as ``gateway.proxy.forward``; the call's bytes are decoded where the old
code decoded them (its ``outgoing_headers``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp

UPSTREAM_FAILURES = frozenset({502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
BUFFER_BYTES = 1024 * 1024


class _Retry(Exception):
    pass


class AiohttpClient:
    """The two sessions of the old ``UpstreamClient``: ordinary calls, long waits."""

    def __init__(self, connect_timeout: float) -> None:
        self.connect_timeout = connect_timeout
        self.sessions: dict[bool, aiohttp.ClientSession] = {}

    def session(self, waits: bool) -> aiohttp.ClientSession:
        if waits not in self.sessions:
            self.sessions[waits] = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=10_000 if waits else 0, ttl_dns_cache=300, keepalive_timeout=30
                ),
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self.sessions[waits]


async def forward(
    client: Any,
    upstream: Any,
    call: Any,
    receive: Any,
    send: Any,
    *,
    retries: int,
    read_timeout: float | None,
    stream_read_timeout: float | None,
    pool_timeout: float,
) -> None:
    """The old ``forward`` for ordinary calls (the pairs send no streams or long-polls)."""
    from gateway import upstream_problems as problems
    from sc_core.retry import Backoff

    old = _old_client(client)
    breaker = upstream.breaker
    if not breaker.allow():
        raise problems.circuit_open(upstream)
    try:
        await asyncio.wait_for(upstream.in_flight.acquire(), pool_timeout)
    except TimeoutError:
        breaker.neutral()
        raise problems.busy(upstream) from None
    try:
        attempts = 1 + (retries if call.method in IDEMPOTENT else 0)
        backoff = Backoff(first=0.05, cap=1.0)
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            try:
                status = await _relay(old, upstream, call, send, read_timeout, last=last)
            except _Retry:
                await backoff.sleep()
                continue
            except TimeoutError as exc:
                breaker.failure()
                raise problems.timeout(upstream) from exc
            except aiohttp.ClientError as exc:
                breaker.failure()
                if not last and isinstance(exc, aiohttp.ClientConnectionError):
                    await backoff.sleep()
                    continue
                raise problems.unavailable(upstream, type(exc).__name__) from exc
            if status in UPSTREAM_FAILURES:
                breaker.failure()
            else:
                breaker.success()
            return
    finally:
        upstream.in_flight.release()


async def _relay(
    client: AiohttpClient,
    upstream: Any,
    call: Any,
    send: Any,
    read_timeout: float | None,
    *,
    last: bool,
) -> int:
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=client.connect_timeout, sock_read=read_timeout
    )
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in call.headers]
    async with client.session(False).request(
        call.method,
        upstream.base_url + call.path.decode("latin-1"),
        headers=headers,
        data=call.body or None,
        timeout=timeout,
        allow_redirects=False,
    ) as response:
        status = response.status
        if status in (502, 503) and not last:
            raise _Retry
        out = [
            (name.lower(), value)
            for name, value in response.raw_headers
            if name.lower() not in _NOT_RETURNED
        ]
        out.append((b"x-request-id", call.request_id.encode()))
        length = response.content_length
        if length is None or length > BUFFER_BYTES or response.content_type == "text/event-stream":
            raise NotImplementedError("the pairs read ordinary answers only")
        content = await response.read()
        out.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": content})
        return status


_NOT_RETURNED = frozenset(
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
        b"x-request-id",
        b"date",
        b"server",
    }
)
_CLIENTS: dict[int, AiohttpClient] = {}


def _old_client(client: Any) -> AiohttpClient:
    old = _CLIENTS.get(id(client))
    if old is None:
        old = _CLIENTS[id(client)] = AiohttpClient(client.connect_timeout)
    return old


@contextmanager
def aiohttp_forwarding() -> Iterator[None]:
    """The gateway's front door forwards with aiohttp while inside."""
    from gateway import entry

    new = entry.forward
    entry.forward = forward  # type: ignore[assignment]
    try:
        yield
    finally:
        entry.forward = new
