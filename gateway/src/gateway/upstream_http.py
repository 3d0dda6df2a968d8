"""The gateway's HTTP/1.1 client for forwarded calls (ADR 0071): an asyncio protocol per
connection whose answers are parsed by ``httptools`` (the C parser uvicorn serves with),
and a keep-alive pool of idle connections per upstream address.

It does only what forwarding needs: one request written in one piece (head and body; a
forwarded body is already read whole), the answer's status and headers, then its body
read whole or passed on chunk by chunk. A read timeout bounds every wait for the next
bytes (the head, then each chunk), as aiohttp's ``sock_read`` did. A pooled connection
the upstream closed before any byte of the answer came back ("stale": a keep-alive race)
is tried once more on a fresh connection when the caller says the request may be repeated.
A large answer is read with the socket paused while more than ``HIGH_WATER`` bytes wait
for the caller, so a slow client never makes the gateway hold a whole download.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

import httptools

KEEPALIVE_SECONDS = 30.0
"""An idle connection older than this is closed rather than reused (the services keep
theirs open 75 s, ``sc_core.cli``)."""
HIGH_WATER = 256 * 1024


class UpstreamBroke(Exception):
    """The upstream could not be reached, or closed or garbled the connection."""

    def __init__(self, reason: str, *, answer_began: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.answer_began = answer_began


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class Connection(asyncio.Protocol):
    """One keep-alive connection; at most one exchange (request and answer) at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: Any = None
        self.parser = httptools.HttpResponseParser(self)
        self.fresh_parser = False  # a HEAD answer left the parser expecting a body
        self.closed = False
        self.paused = False
        self.idle_since = 0.0
        self.exchanges = 0
        self.waiter: asyncio.Future[None] | None = None
        self._reset(head_only=False)
        self.in_exchange = False

    def _reset(self, *, head_only: bool) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.content_length: int | None = None
        self.chunked = False
        self.keep_alive = False
        self.head_done = False
        self.interim = False
        self.complete = False
        self.got_bytes = False
        self.head_only = head_only
        self.error: UpstreamBroke | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0

    # asyncio.Protocol
    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if not self.in_exchange:  # nothing was asked: whatever this is, it is not kept
            self.close()
            return
        self.got_bytes = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.error = UpstreamBroke("unreadable_answer", answer_began=self.head_done)
            self.transport.close()
            self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.in_exchange and not self.complete:
            if self.head_done and self.content_length is None and not self.chunked:
                self.complete = True  # an answer without a length ends with its connection
                self.keep_alive = False
            elif self.error is None:
                self.error = UpstreamBroke("connection_closed", answer_began=self.head_done)
        self._wake()

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
            self.headers.clear()
            self.interim = True
            return
        self.status = status
        self.keep_alive = self.parser.should_keep_alive()
        for name, value in self.headers:
            if name == b"content-length":
                self.content_length = int(value)
            elif name == b"transfer-encoding":
                self.chunked = b"chunked" in value.lower()
        self.head_done = True
        if self.head_only:  # a HEAD answer has no body, whatever its length says
            self.complete = True
            self.fresh_parser = True
        self._wake()

    def on_body(self, body: bytes) -> None:
        if self.head_only:
            return
        self.chunks.append(body)
        self.buffered += len(body)
        if self.buffered > HIGH_WATER and not self.paused:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if self.interim:
            self.interim = False
            return
        self.complete = True
        self._wake()

    # the exchange
    def send(self, data: bytes, *, head_only: bool) -> None:
        if self.fresh_parser:
            self.parser = httptools.HttpResponseParser(self)
            self.fresh_parser = False
        self._reset(head_only=head_only)
        self.in_exchange = True
        if self.closed or self.transport.is_closing():  # closed since it was taken: no answer
            self.error = UpstreamBroke("connection_closed")
            return
        self.transport.write(data)

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _wait(self, timeout: float | None) -> None:
        waiter = self.waiter = self.loop.create_future()
        timer = self.loop.call_later(timeout, _expire, waiter) if timeout is not None else None
        try:
            await waiter
        finally:
            self.waiter = None
            if timer is not None:
                timer.cancel()

    async def head(self, timeout: float | None) -> None:
        """Wait for the answer's status line and headers."""
        while not self.head_done:
            if self.error is not None:
                raise self.error
            await self._wait(timeout)

    async def chunk(self, timeout: float | None) -> bytes | None:
        """The next piece of the body as it came, or None at its end."""
        while True:
            if self.chunks:
                data = self.chunks.popleft()
                self.buffered -= len(data)
                if self.paused and self.buffered <= HIGH_WATER // 2 and not self.closed:
                    self.paused = False
                    self.transport.resume_reading()
                return data
            if self.complete:
                return None
            if self.error is not None:
                raise self.error
            await self._wait(timeout)

    async def read(self, timeout: float | None) -> bytes:
        """The whole body."""
        while not self.complete:
            if self.error is not None:
                raise self.error
            await self._wait(timeout)
        body = b"".join(self.chunks)
        self.chunks.clear()
        self.buffered = 0
        return body

    @property
    def reusable(self) -> bool:
        return self.complete and self.keep_alive and not self.closed and not self.chunks

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Pool:
    """Idle keep-alive connections to one upstream address, the most recent used first."""

    def __init__(self, host: str, port: int, *, connect_timeout: float) -> None:
        self.host, self.port = host, port
        self.connect_timeout = connect_timeout
        self.idle: list[Connection] = []

    def _take_idle(self) -> Connection | None:
        now = time.monotonic()
        idle = self.idle
        if idle and now - idle[0].idle_since > KEEPALIVE_SECONDS:  # the oldest one first
            idle.pop(0).close()
        while idle:
            conn = idle.pop()
            fresh = now - conn.idle_since <= KEEPALIVE_SECONDS
            if fresh and not conn.closed and not conn.transport.is_closing():
                return conn
            conn.close()
        return None

    async def _connect(self) -> Connection:
        loop = asyncio.get_running_loop()
        try:
            _, conn = await asyncio.wait_for(
                loop.create_connection(lambda: Connection(loop), self.host, self.port),
                self.connect_timeout,
            )
        except OSError as exc:
            raise UpstreamBroke(type(exc).__name__) from exc
        return conn

    async def exchange(
        self, data: bytes, *, head_only: bool, timeout: float | None, repeatable: bool
    ) -> Connection:
        """Send one request and wait for its answer's head; the caller then reads the body
        and gives the connection back with :meth:`release`."""
        conn = self._take_idle()
        if conn is None:
            conn = await self._connect()
        while True:
            reused = conn.exchanges > 0
            conn.exchanges += 1
            conn.send(data, head_only=head_only)
            try:
                await conn.head(timeout)
                return conn
            except UpstreamBroke:
                conn.close()
                if not (reused and repeatable and not conn.got_bytes):
                    raise
            except BaseException:
                conn.close()
                raise
            conn = await self._connect()  # stale: closed before it answered; once more

    def release(self, conn: Connection) -> None:
        conn.in_exchange = False
        if conn.reusable:
            conn.idle_since = time.monotonic()
            self.idle.append(conn)
        else:
            conn.close()

    def close(self) -> None:
        for conn in self.idle:
            conn.close()
        self.idle.clear()
