"""The gateway's cost: authenticated `GET /api/v1/work-orders` through the gateway and
straight to the work-orders service, same token, same load.

    uv run python bench/gateway.py [--seconds 10] [--concurrency 32]

Starts identity, work-orders and the gateway the way `make run` does (its own embedded
broker and PostgreSQL, demo data), logs in as the demo property manager, then for each
target sends requests from ``--concurrency`` clients for ``--seconds`` and reports requests/s
and latency p50/p99. The direct figure is the ceiling the gateway is compared with; the
overhead is the share of it the gateway costs and the latency it adds. Merged into
bench/results/latest.json under "gateway". Only 127.0.0.1 is contacted; the load generator
shares the machine's cores with everything it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from benchkit import free_port, pct

RESULTS = Path(__file__).parent / "results" / "latest.json"
PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password
PATH = "/api/v1/work-orders"


def start_stack() -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "SERVICES": "identity,work-orders",
        "GATEWAY_PORT": str(port),
        "SC_STATE_DIR": tempfile.mkdtemp(prefix="sc-bench-gw-"),
        "DEMO_PASSWORD": PASSWORD,
        "MQTT_PORT": str(free_port()),
        # a benchmark sends far more than one person may
        "RATE_PER_CALLER_PER_SECOND": "1000000",
        "RATE_PER_CALLER_BURST": "1000000",
        "RATE_PER_ADDRESS_PER_SECOND": "1000000",
        "RATE_PER_ADDRESS_BURST": "1000000",
    }
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sc_devstack"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    urls: dict[str, str] = {}
    deadline = time.monotonic() + 240
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.match(r"^(?:ready)?\s+(\S+)\s+(http://\S+)", line)
        if found:
            urls[found.group(1)] = found.group(2)
        if line.startswith("Ctrl-C stops everything"):
            return proc, f"http://127.0.0.1:{port}", urls
    proc.kill()
    raise SystemExit("the stack did not start:\n" + "".join(lines[-40:]))


async def drive(
    url: str, headers: dict[str, str], seconds: float, concurrency: int
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30) as c:
        for _ in range(20):  # warm the pools and the caches
            await c.get(PATH)

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                began = time.perf_counter()
                response = await c.get(PATH)
                if response.status_code == 200:
                    latencies.append(time.perf_counter() - began)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": round(len(latencies) / elapsed),
        "p50_ms": round(pct(latencies, 0.5) * 1000, 2),
        "p99_ms": round(pct(latencies, 0.99) * 1000, 2),
    }


async def measure(args: argparse.Namespace, gateway: str, service: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as c:
        login = await c.post(
            "/api/v1/auth/token", json={"username": "property_manager", "password": PASSWORD}
        )
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        check = await c.get(PATH, headers=headers)
        check.raise_for_status()
    direct = await drive(service, headers, args.seconds, args.concurrency)
    through = await drive(gateway, headers, args.seconds, args.concurrency)
    return {
        "path": f"GET {PATH} (authenticated, property_manager)",
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "direct": direct,
        "gateway": through,
        "throughput_overhead_pct": round(
            100 * (1 - through["requests_per_s"] / max(direct["requests_per_s"], 1)), 1
        ),
        "added_p50_ms": round(through["p50_ms"] - direct["p50_ms"], 2),
        "added_p99_ms": round(through["p99_ms"] - direct["p99_ms"], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    proc, gateway, urls = start_stack()
    try:
        result = asyncio.run(measure(args, gateway, urls["work-orders"]))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    result["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = {"cores": os.cpu_count(), "python": platform.python_version()}
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["gateway"] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    d, g = result["direct"], result["gateway"]
    print(f"\ngateway on {os.cpu_count()} cores (gateway, service, database, load share them)")
    print(f"{'target':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, r in (("direct", d), ("gateway", g)):
        print(f"{name:<10}{r['requests_per_s']:>9}{r['p50_ms']:>9}{r['p99_ms']:>9}{r['errors']:>8}")
    print(
        f"overhead: {result['throughput_overhead_pct']}% of the direct rate, "
        f"+{result['added_p50_ms']} ms p50, +{result['added_p99_ms']} ms p99"
    )
    print(f"written to {RESULTS} (key gateway)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
