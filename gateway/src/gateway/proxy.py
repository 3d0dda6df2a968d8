"""Forwarding a request to its upstream: pooled keep-alive connections of the gateway's own
httptools client (``gateway.upstream_http``, ADR 0071), timeouts, bounded retries for
idempotent methods, a circuit breaker per upstream, problem+json when it fails.

Plain ASGI on both sides: the client's headers go out as they came (minus hop-by-hop
ones), the upstream's answer comes back as ASGI messages, with no Request or Response
object per call.

Every upstream has its own limit of calls in flight (``max_connections``); a call that
finds it full waits at most ``pool_timeout_seconds`` and is then the gateway's own 503
``gateway.busy``. Long-polls and event streams take none of those slots (they have a
limit of their own, ``UpstreamClient.max_waiting``), so devices waiting for commands never
take the places of ordinary calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.requests import HTTPConnection
from starlette.types import Message, Receive, Scope, Send

import gateway.upstream_problems as problems
from gateway.upstream_http import Connection, UpstreamBroke
from gateway.upstreams import (
    NOT_RETURNED,
    Call,
    LongPolls,
    Upstream,
    UpstreamClient,
    outgoing_headers,
    request_bytes,
)
from sc_core import net
from sc_core.retry import Backoff

log = logging.getLogger(__name__)

BUFFER_BYTES = 1024 * 1024
"""Answers up to this size (with a Content-Length) are read whole; larger ones, downloads
without a length and event streams are passed through as they come."""

UPSTREAM_FAILURES = frozenset({502, 503, 504})
"""Answers that say the upstream itself is failing (a 500 is an answer, often to bad input)."""
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
__all__ = [
    "Call",
    "LongPolls",
    "Upstream",
    "UpstreamClient",
    "client_address",
    "client_scheme",
    "forward",
    "outgoing_headers",
]


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
    It counts only what the upstream did (no connection, no answer in time, an answer
    broken off, 502/503/504): a 500 is an answer (often to a bad request), a full pool is
    the gateway's own state, a pooled connection found stale is tried again at once.
    """
    waits = call.event_stream or call.long_poll_timeout is not None
    if call.event_stream:
        read_timeout = stream_read_timeout
    elif call.long_poll_timeout is not None:
        read_timeout = call.long_poll_timeout
    breaker = upstream.breaker
    repeatable = call.method in IDEMPOTENT
    if waits:
        if client.waiting >= client.max_waiting:
            raise problems.busy(upstream)
        client.waiting += 1
        try:
            await _relay(client, upstream, call, receive, send, read_timeout, repeatable)
        except TimeoutError as exc:
            raise problems.timeout(upstream) from exc
        except UpstreamBroke as exc:
            raise problems.unavailable(upstream, exc.reason, answer_began=exc.answer_began) from exc
        finally:
            client.waiting -= 1
        return
    if not breaker.allow():
        raise problems.circuit_open(upstream)
    slots = upstream.in_flight
    if slots.locked():  # full: wait for a slot, at most pool_timeout
        try:
            await asyncio.wait_for(slots.acquire(), pool_timeout)
        except TimeoutError:
            breaker.neutral()
            raise problems.busy(upstream) from None
    else:  # a free slot is taken at once (wait_for would cost a task and a timer per call)
        await slots.acquire()
    try:
        attempts = 1 + (retries if repeatable else 0)
        backoff = Backoff(first=0.05, cap=1.0)  # 50 ms, 100 ms, 200 ms ... between tries
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            try:
                status = await _relay(
                    client, upstream, call, receive, send, read_timeout, repeatable, last=last
                )
            except _Retry:
                await backoff.sleep()
                continue
            except TimeoutError as exc:
                breaker.failure()
                raise problems.timeout(upstream) from exc
            except UpstreamBroke as exc:
                breaker.failure()
                if not last and not exc.answer_began:
                    await backoff.sleep()
                    continue
                raise problems.unavailable(
                    upstream, exc.reason, answer_began=exc.answer_began
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
    repeatable: bool,
    *,
    last: bool = True,
) -> int:
    pool = client.pool(upstream)
    head_only = call.method == "HEAD"
    conn = await pool.exchange(
        request_bytes(upstream, call),
        head_only=head_only,
        timeout=read_timeout,
        repeatable=repeatable,
    )
    try:
        status = conn.status
        if status in (502, 503) and not last:
            raise _Retry
        headers = [(n, v) for n, v in conn.headers if n not in NOT_RETURNED]
        headers.append((b"x-request-id", call.request_id.encode()))
        length = conn.content_length
        event_stream = _media_type(conn) == b"text/event-stream"
        if head_only:
            # a HEAD answer says the length its GET would have, and has no body
            if length is not None:
                headers.append((b"content-length", b"%d" % length))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return status
        if length is not None and length <= BUFFER_BYTES and not event_stream:
            # an ordinary API answer: read whole, sent in one piece with its length
            content = await conn.read(read_timeout)
            headers.append((b"content-length", b"%d" % len(content)))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})
            return status
        if event_stream:
            # every event goes out as it comes: no proxy (nginx, ingress) may buffer it
            headers = [(n, v) for n, v in headers if n != b"cache-control"]
            headers.append((b"cache-control", b"no-cache, no-transform"))
            headers.append((b"x-accel-buffering", b"no"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await _stream(conn, receive, send, read_timeout)
        return status
    finally:
        pool.release(conn)  # kept for the next call only when its answer was read whole


def _media_type(conn: Connection) -> bytes:
    for name, value in conn.headers:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower()
    return b""


async def _stream(conn: Connection, receive: Receive, send: Send, timeout: float | None) -> None:
    """Pass the body through as it comes until it ends or the client leaves; a stream the
    client left is closed upstream too (its connection is not kept)."""

    async def pump() -> None:
        while (chunk := await conn.chunk(timeout)) is not None:
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
        if not conn.complete:
            conn.close()
    for task in done:
        if not task.cancelled() and isinstance(task.exception(), UpstreamBroke | TimeoutError):
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
