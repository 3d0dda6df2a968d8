"""Which HTTP client should the gateway forward with? The client's own CPU per request,
measured against an upstream that costs next to nothing.

    uv run python bench/gateway_clients.py [--seconds 8] [--concurrency 32]

The upstream is a bare asyncio protocol (uvloop) in its own process answering every
request with a canned response (a 21 KB page like `GET /api/v1/work-orders`, and a 300 B
answer like `/api/v1/me`) over keep-alive connections, so what differs between the rows is
the client: httpx (the gateway's client until issue 28), aiohttp, and a minimal pooled
client on httptools (the C parser uvicorn uses) as the floor a client could reach, the
gateway's own client (``gateway.upstream_http``, ADR 0071) and, when installed, two
maintained clients it was chosen against (aiosonic, BlackSheep's client). Each
client runs ``--concurrency`` loops for ``--seconds`` in this process; the figure that
matters is CPU microseconds per request in the client process (the gateway's cost), not
requests/s (bounded by the two cores the upstream and the client share).
Merged into bench/results/latest.json under "gateway_clients".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchkit import free_port

# bench/gateway.py is not the gateway package: ``gateway`` is looked for elsewhere
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(__file__)]

RESULTS = Path(__file__).parent / "results" / "latest.json"

UPSTREAM = r"""
import asyncio, sys, uvloop
item = b'{"id": "%032d", "title": "%s"}'
big = b'{"items": [' + b",".join([item % (i, b"x" * 980) for i in range(20)]) + b'], "total": 20}'
small = b'{"id": "u-1", "roles": ["property_manager"], "name": "x"}' + b" " * 240
HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
def answer(body):
    return (HEAD % len(body)) + body
BIG, SMALL = answer(big), answer(small)
class P(asyncio.Protocol):
    def connection_made(self, t): self.t, self.buf = t, b""
    def data_received(self, data):
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, _, self.buf = self.buf.partition(b"\r\n\r\n")
            line = head.split(b"\r\n", 1)[0]
            self.t.write(BIG if b" /big " in line + b" " else SMALL)
async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(P, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    print("ready", flush=True)
    await server.serve_forever()
uvloop.run(main())
"""


class HttptoolsPool:
    """Keep-alive HTTP/1.1 connections parsed with httptools: the floor for a client."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self, path: str) -> bytes:
        import httptools

        if self.idle:
            conn = self.idle.pop()
        else:
            conn = await asyncio.open_connection(self.host, self.port)
        reader, writer = conn
        writer.write(f"GET {path} HTTP/1.1\r\nhost: {self.host}\r\n\r\n".encode())
        body: list[bytes] = []
        done = False

        class Sink:
            def on_body(self, data: bytes) -> None:
                body.append(data)

            def on_message_complete(self) -> None:
                nonlocal done
                done = True

        parser = httptools.HttpResponseParser(Sink())
        while not done:
            parser.feed_data(await reader.read(65536))
        self.idle.append(conn)
        return b"".join(body)

    async def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def drive(
    get: Callable[[str], Awaitable[Any]], path: str, seconds: float, c: int
) -> dict[str, Any]:
    for _ in range(50):
        await get(path)
    count = 0
    stop_at = time.perf_counter() + seconds

    async def loop() -> None:
        nonlocal count
        while time.perf_counter() < stop_at:
            await get(path)
            count += 1

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(c)))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {
        "requests_per_s": round(count / wall),
        "client_cpu_us_per_request": round(cpu / count * 1e6, 1),
        "client_cores": round(cpu / wall, 2),
    }


async def measure(base: str, port: int, seconds: float, c: int) -> dict[str, Any]:
    import aiohttp
    import httpx

    out: dict[str, Any] = {}
    limits = httpx.Limits(max_connections=c * 2, max_keepalive_connections=c * 2)
    async with httpx.AsyncClient(base_url=base, limits=limits) as hx:

        async def hx_get(path: str) -> bytes:
            return (await hx.get(path)).content

        out["httpx"] = {p: await drive(hx_get, p, seconds, c) for p in ("/big", "/small")}
    connector = aiohttp.TCPConnector(limit=c * 2)
    async with aiohttp.ClientSession(base, connector=connector) as session:

        async def aio_get(path: str) -> bytes:
            async with session.get(path) as response:
                return await response.read()

        out["aiohttp"] = {p: await drive(aio_get, p, seconds, c) for p in ("/big", "/small")}
    pool = HttptoolsPool("127.0.0.1", port)
    out["httptools (floor)"] = {p: await drive(pool.get, p, seconds, c) for p in ("/big", "/small")}
    await pool.close()
    out["gateway (ADR 0071)"] = await _gateways_client(port, seconds, c)
    out.update(await _maintained_clients(base, seconds, c))
    return out


async def _gateways_client(port: int, seconds: float, c: int) -> dict[str, Any]:
    """The gateway's own client (``gateway.upstream_http``), as ``gateway.proxy`` uses it."""
    from gateway.upstream_http import Pool

    pool = Pool("127.0.0.1", port, connect_timeout=5.0)

    async def own_get(path: str) -> bytes:
        data = b"GET %s HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n" % path.encode()
        conn = await pool.exchange(data, head_only=False, timeout=5.0, repeatable=True)
        try:
            return await conn.read(5.0)
        finally:
            pool.release(conn)

    rows = {p: await drive(own_get, p, seconds, c) for p in ("/big", "/small")}
    pool.close()
    return rows


async def _maintained_clients(base: str, seconds: float, c: int) -> dict[str, Any]:
    """Maintained clients the gateway could have used instead (ADR 0071), when installed:
    ``uv run --with aiosonic --with blacksheep python bench/gateway_clients.py``."""
    out: dict[str, Any] = {}
    try:
        import aiosonic
    except ImportError:
        print("aiosonic is not installed: its row is left out")
    else:
        sonic = aiosonic.HTTPClient(aiosonic.TCPConnector(), handle_cookies=False)

        async def sonic_get(path: str) -> bytes:
            return bytes(await (await sonic.get(base + path)).content())

        out["aiosonic"] = {p: await drive(sonic_get, p, seconds, c) for p in ("/big", "/small")}
    try:
        from blacksheep.client import ClientSession
    except ImportError:
        print("blacksheep is not installed: its row is left out")
    else:
        async with ClientSession(base_url=base, http2=False, cookie_jar=False) as sheep:

            async def sheep_get(path: str) -> bytes:
                return bytes(await (await sheep.get(path)).read() or b"")

            out["blacksheep"] = {
                p: await drive(sheep_get, p, seconds, c) for p in ("/big", "/small")
            }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--uvloop", action="store_true", help="run the clients on uvloop")
    args = parser.parse_args()
    port = free_port()
    upstream = subprocess.Popen(
        [sys.executable, "-c", UPSTREAM, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert upstream.stdout is not None and upstream.stdout.readline().strip() == "ready"
        runner: Any = asyncio.run
        if args.uvloop:
            import uvloop

            runner = uvloop.run
        results = runner(measure(f"http://127.0.0.1:{port}", port, args.seconds, args.concurrency))
    finally:
        upstream.kill()
        upstream.wait()
    print(f"\nHTTP clients, c={args.concurrency}, {'uvloop' if args.uvloop else 'asyncio'} loop")
    print(f"{'client':<20}{'answer':<8}{'req/s':>8}{'CPU us/req':>12}{'cores':>7}")
    for client, rows in results.items():
        for path, r in rows.items():
            print(
                f"{client:<20}{path[1:]:<8}{r['requests_per_s']:>8}"
                f"{r['client_cpu_us_per_request']:>12}{r['client_cores']:>7}"
            )
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["gateway_clients"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "concurrency": args.concurrency,
        "loop": "uvloop" if args.uvloop else "asyncio",
        "cores": os.cpu_count(),
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
