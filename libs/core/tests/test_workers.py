"""``HTTP_WORKERS=2``: two processes answer on one port, a burst of connections opened at
once is shared by both, and the metrics are theirs summed, on the API port or on the
metrics port the supervisor serves (sc_core.workers, ADR 0064)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sc_devinfra import free_port
from sc_devinfra.waiting import eventually

SERVE = (
    "from sc_core.cli import run_service; "
    "from workers_fixture.app import WorkerSettings, create_app; "
    "run_service(WorkerSettings, create_app, argv=['serve'])"
)


@contextmanager
def _serve(**env: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent), **env},
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _requests_counted(text: str) -> float:
    return sum(
        float(m.group(1))
        for m in re.finditer(
            r'^http_requests_total\{[^}]*route="/pid"[^}]*\} ([\d.e+]+)$', text, re.M
        )
    )


@pytest.fixture
def api_port() -> int:
    return free_port()


async def test_two_workers_answer_on_one_port_and_metrics_sum_them(api_port: int) -> None:
    with _serve(HTTP_WORKERS="2", HTTP_PORT=str(api_port)):
        base = f"http://127.0.0.1:{api_port}"
        pids: set[int] = set()
        calls = 0

        async def both_answered() -> bool:
            nonlocal calls
            async with httpx.AsyncClient(base_url=base, timeout=10) as c:
                for _ in range(20):  # a new connection each: the kernel spreads them
                    try:
                        r = await c.get("/pid", headers={"connection": "close"})
                    except httpx.TransportError:  # not serving yet
                        return False
                    assert r.status_code == 200
                    calls += 1
                    pids.add(r.json()["pid"])
            return len(pids) == 2

        await eventually(both_answered, timeout=180, interval=1)
        async with httpx.AsyncClient(base_url=base, timeout=10) as c:
            text = (await c.get("/metrics")).text
        assert _requests_counted(text) == calls  # both workers' counts, whichever answered


async def _pid_over(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> int:
    reader, writer = connection
    writer.write(b"GET /pid HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), 60)
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return int(json.loads(body)["pid"])


async def test_connections_opened_at_once_are_shared_by_the_workers(api_port: int) -> None:
    """A load generator or a gateway's pool opens its connections at once and keeps them
    (keep-alive): both workers must take a share of them, or the second worker serves
    nothing. (Measured with SO_REUSEPORT sockets, one per worker, against uvicorn's one
    shared socket: both spread wrk's 32 connections evenly, ADR 0064.)"""
    with _serve(HTTP_WORKERS="2", HTTP_PORT=str(api_port)):
        base = f"http://127.0.0.1:{api_port}"

        async def serving() -> bool:
            async with httpx.AsyncClient(base_url=base, timeout=10) as c:
                try:
                    return (await c.get("/pid")).status_code == 200
                except httpx.TransportError:
                    return False

        await eventually(serving, timeout=180, interval=1)
        connections = await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", api_port) for _ in range(32))
        )
        pids = await asyncio.gather(*(_pid_over(c) for c in connections))
        assert len(set(pids)) == 2, f"one worker took every connection: {pids}"


async def test_the_supervisor_serves_the_metrics_port_for_every_worker(api_port: int) -> None:
    metrics_port = free_port()
    with _serve(HTTP_WORKERS="2", HTTP_PORT=str(api_port), METRICS_PORT=str(metrics_port)):
        base = f"http://127.0.0.1:{api_port}"
        calls = 0

        async def answered() -> bool:
            nonlocal calls
            async with httpx.AsyncClient(base_url=base, timeout=10) as c:
                try:
                    r = await c.get("/pid")
                except httpx.TransportError:  # not serving yet
                    return False
            calls += 1
            return r.status_code == 200

        await eventually(answered, timeout=180, interval=1)
        async with httpx.AsyncClient(timeout=10) as c:
            for _ in range(9):
                assert (
                    await c.get(f"{base}/pid", headers={"connection": "close"})
                ).status_code == 200
            calls += 9
            assert (await c.get(f"{base}/metrics")).status_code == 404  # not on the API port
            text = (await c.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        assert _requests_counted(text) == calls
