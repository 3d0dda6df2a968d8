"""Where and what a call is forwarded: the upstreams (address, breaker, slots for calls in
flight), the routes that wait long by design, the gateway's pools of connections
(``gateway.upstream_http``, ADR 0071), and one call's request as it goes on the wire:
the client's headers minus hop-by-hop ones, the gateway's own beside them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from opentelemetry import propagate

from gateway.breaker import CircuitBreaker
from gateway.upstream_http import Pool

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})  # said to have an empty body when empty
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
    b"expect",  # the gateway has read the body already: the upstream gets it at once
}
# the gateway's own server writes these two
NOT_RETURNED = HOP_BY_HOP | {b"x-request-id", b"date", b"server"}


@dataclass
class Upstream:
    name: str
    base_url: str
    breaker: CircuitBreaker
    max_in_flight: int = 200
    in_flight: asyncio.Semaphore = field(init=False)
    host: bytes = field(init=False)  # the Host header it is sent
    prefix: bytes = field(init=False)  # a path the base URL puts before every call's

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.in_flight = asyncio.Semaphore(self.max_in_flight)
        url = urlsplit(self.base_url)
        self.host = url.netloc.encode("latin-1")
        self.prefix = url.path.encode("latin-1")


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
    """A keep-alive pool per upstream address (``gateway.upstream_http``), and the count
    of long waits (long-polls, streams) in flight."""

    def __init__(self, *, connect_timeout: float, max_waiting: int = 10_000) -> None:
        self.connect_timeout = connect_timeout
        self.max_waiting = max_waiting
        self.waiting = 0
        self._pools: dict[str, Pool] = {}

    def pool(self, upstream: Upstream) -> Pool:
        pool = self._pools.get(upstream.base_url)
        if pool is None:
            url = urlsplit(upstream.base_url)
            port = url.port or (443 if url.scheme == "https" else 80)
            pool = Pool(url.hostname or "", port, connect_timeout=self.connect_timeout)
            self._pools[upstream.base_url] = pool
        return pool

    async def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


@dataclass
class Call:
    """One request to forward, as the gateway received it."""

    method: str
    path: bytes  # raw path and query, as sent by the client
    headers: list[tuple[bytes, bytes]]
    body: bytes
    request_id: str
    event_stream: bool
    long_poll_timeout: float | None


def outgoing_headers(
    raw: Iterable[tuple[bytes, bytes]], *, client_ip: str, scheme: str, request_id: str
) -> list[tuple[bytes, bytes]]:
    # the gateway's trace continues in the service: its span's traceparent (and tracestate,
    # baggage) replace the caller's, which the gateway's span already continues; sent
    # beside them, the caller's would come first and the service would skip the gateway
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    replaced = {name.encode("latin-1") for name in carrier}
    headers = [
        (name, value) for name, value in raw if name not in _NOT_FORWARDED and name not in replaced
    ]
    ip = client_ip.encode("latin-1")
    headers.append((b"x-forwarded-for", ip))
    headers.append((b"x-real-ip", ip))
    headers.append((b"x-forwarded-proto", scheme.encode("latin-1")))
    headers.append((b"x-request-id", request_id.encode("latin-1")))
    headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in carrier.items())
    return headers


def request_bytes(upstream: Upstream, call: Call) -> bytes:
    """The request as it goes on the wire: head and body in one piece."""
    lines = [
        b"%s %s%s HTTP/1.1\r\nhost: %s\r\n"
        % (call.method.encode("latin-1"), upstream.prefix, call.path, upstream.host)
    ]
    lines.extend(b"%s: %s\r\n" % pair for pair in call.headers)
    if call.body or call.method in _WITH_BODY:
        lines.append(b"content-length: %d\r\n" % len(call.body))
    lines.append(b"\r\n")
    lines.append(call.body)
    return b"".join(lines)
