"""``HTTP_WORKERS=2``: two processes answer on one port, and the metrics are theirs summed,
on the API port or on the metrics port the supervisor serves (sc_core.workers, ADR 0064).

Which worker accepts a connection is the scheduler's choice (one shared socket): a burst
opened at once may land on one worker, so no test here asserts how a burst is spread
(ADR 0064, addendum of 2026-12-06)."""

from __future__ import annotations

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
