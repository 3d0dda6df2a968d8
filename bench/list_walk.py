"""Every list endpoint with 100,000 rows in its table (issue 28): p99 at 100 requests/s.

    uv run python bench/list_walk.py [--rows 100000] [--rate 100] [--seconds 5]
        [--only REGEX] [--state-dir DIR] [--hold]

Starts the whole platform as `make run` does (no device simulator), then grows every table
that holds demo rows to ``--rows`` rows by copying them in SQL (bench/list_seed.py): nine
copies in ten are moved to nine other communities (buildings ... households of their own),
so ten communities hold a tenth of each table, a community-scoped caller sees about a tenth
of a table and a platform-wide one all of it (the audit trail's hash chain is not
recomputed for the copies).

To iterate: ``--state-dir DIR`` keeps the stack's databases in DIR; a second run with the
same DIR starts on them without loading the demo again and finds the tables seeded (a
service's new migration runs on the seeded rows when it starts). ``--only REGEX`` walks the
operations whose path matches; ``--hold`` keeps the stack up after the walk (its PostgreSQL
address printed, for EXPLAIN and py-spy) until Ctrl-C, and ``--gateway URL`` walks that
held stack again (nothing started or seeded, nothing written to the results).

Then it walks the gateway's merged OpenAPI: every GET without a path parameter that answers
a page (``items``/``total``) or a list is a list operation. Each is called as the first of a
platform-wide caller (platform_admin, auditor, police, gov_officer) and the first of a scoped
one (property_manager, property_staff, grid_worker, community_admin, resident) it answers
200 to, at ``--rate`` requests/s for ``--seconds`` through the gateway, open loop (each
latency counts from when the request was due, so a slow answer delays none after it). An
operation that needs query parameters nobody gave is listed as skipped; one whose every
caller of a kind got a 5xx (the gateway's 10 s timeout under load) as unanswered, not left
out. The goal is p99 <= 50 ms. Merged into bench/results/latest.json under "list_walk".

``--slow-log`` prints, under each row, the wall time and latency of every answer over the
goal. Slow answers that finish together in bursts at a fixed period are a process's
periodic work, not the list: laid beside each process's CPU over the same seconds they
found the gateway's 30 s route refresh (ADR 0077) and the broker's compiling (ADR 0078).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from benchkit import DEMO_PASSWORD, pct, start_stack, stop_stack
from list_seed import seed

RESULTS = Path(__file__).parent / "results" / "latest.json"
GOAL_P99_MS = 50.0
PLATFORM_WIDE = ("platform_admin", "auditor", "police", "gov_officer")
SCOPED = ("property_manager", "property_staff", "grid_worker", "community_admin", "resident")


def list_operations(spec: dict[str, Any], only: str = "") -> list[tuple[str, list[str]]]:
    """(path, required query parameters) of every GET without a path parameter that answers
    a page or a list (and whose path matches ``only``)."""
    schemas = spec.get("components", {}).get("schemas", {})
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        op = item.get("get")
        if not op or "{" in path or (only and not re.search(only, path)):
            continue
        content = op.get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        ref = schema.get("$ref", "")
        if ref:
            schema = schemas.get(ref.rsplit("/", 1)[1], {})
        props = schema.get("properties", {})
        if schema.get("type") == "array" or {"items", "total"} <= set(props):
            required = [
                p["name"]
                for p in op.get("parameters", [])
                if p.get("in") == "query" and p.get("required")
            ]
            found.append((path, required))
    return found


async def drive(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], rate: float, seconds: float
) -> dict[str, Any]:
    """Open loop: request i is due at start + i/rate; its latency counts from then.
    ``slow``: (wall time, ms) of each answer over the goal."""
    latencies: list[float] = []
    errors: dict[int, int] = {}
    slow: list[tuple[str, int]] = []

    async def one(due: float) -> None:
        async with session.get(url, headers=headers) as response:
            await response.read()
            if response.status == 200:
                latency = time.perf_counter() - due
                latencies.append(latency)
                if latency * 1000 > GOAL_P99_MS:
                    slow.append(
                        (datetime.now().strftime("%H:%M:%S.%f")[:-3], round(latency * 1000))
                    )
            else:
                errors[response.status] = errors.get(response.status, 0) + 1

    start = time.perf_counter() + 0.05
    tasks = []
    for i in range(int(rate * seconds)):
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(pct(latencies, 0.5) * 1000, 1),
        "p99_ms": round(pct(latencies, 0.99) * 1000, 1),
        "slow": slow,
    }


def goal(p99_ms: float) -> str:
    return "met" if p99_ms <= GOAL_P99_MS else "OVER"


async def walk(
    gateway: str, rate: float, seconds: float, only: str, slow_log: bool = False
) -> list[dict[str, Any]]:
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(gateway, connector=connector) as session:
        tokens: dict[str, dict[str, str]] = {}
        for user in (*PLATFORM_WIDE, *SCOPED):
            async with session.post(
                "/api/v1/auth/token", json={"username": user, "password": DEMO_PASSWORD}
            ) as r:
                if r.status == 200:
                    tokens[user] = {"Authorization": f"Bearer {(await r.json())['access_token']}"}
        async with session.get("/openapi.json") as r:
            spec = await r.json()
        rows: list[dict[str, Any]] = []
        for path, required in list_operations(spec, only):
            if required:
                rows.append({"path": path, "skipped": f"needs {', '.join(required)}"})
                continue
            for kind, users in (("platform-wide", PLATFORM_WIDE), ("scoped", SCOPED)):
                refused: dict[str, int] = {}
                for user in users:
                    if user not in tokens:
                        continue
                    async with session.get(path, headers=tokens[user]) as r:
                        body = await r.read()
                        if r.status != 200:
                            refused[user] = r.status
                            continue
                    seen = json.loads(body)
                    total = seen.get("total") if isinstance(seen, dict) else len(seen)
                    result = await drive(session, path, tokens[user], rate, seconds)
                    slow = result.pop("slow")
                    row = {"path": path, "caller": user, "kind": kind, "total": total, **result}
                    rows.append(row)
                    print(
                        f"  {path:<46}{user:<18}{total!s:>8}{result['p50_ms']:>8}"
                        f"{result['p99_ms']:>9}  {goal(result['p99_ms'])}",
                        flush=True,
                    )
                    if slow_log and slow:
                        print("    over: " + ", ".join(f"{t} {ms} ms" for t, ms in slow))
                    break
                else:  # nobody of this kind got a page: said, not left out (a 5xx is load)
                    if any(status >= 500 for status in refused.values()):
                        rows.append({"path": path, "kind": kind, "unanswered": refused})
                        print(f"  {path:<46}{kind:<18}  no page: {refused}", flush=True)
        return rows


def postgres_dsn(lines: list[str]) -> str:
    for line in lines:
        found = re.search(r"embedded PostgreSQL at 127\.0\.0\.1:(\d+)", line)
        if found:
            return f"postgresql://postgres:postgres@127.0.0.1:{found.group(1)}/postgres"
    raise SystemExit("no embedded PostgreSQL in the stack's output")


def hold(dsn: str, gateway: str) -> None:
    """Keep the stack up until Ctrl-C (or SIGTERM), for EXPLAIN and py-spy."""
    # both: a shell starting this in the background hands it SIGINT ignored
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(f"\nholding: PostgreSQL {dsn}, gateway {gateway}; Ctrl-C stops", flush=True)
    try:
        while True:
            time.sleep(5)
    except KeyboardInterrupt:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--only", default="", help="walk only the paths matching this regex")
    parser.add_argument("--state-dir", type=Path, help="keep (or reuse) the stack's state here")
    parser.add_argument("--hold", action="store_true", help="keep the stack up after the walk")
    parser.add_argument("--gateway", help="walk a stack already up and seeded (--hold's)")
    parser.add_argument(
        "--slow-log", action="store_true", help="print when each answer over the goal came"
    )
    args = parser.parse_args()
    if args.gateway:
        rows = asyncio.run(walk(args.gateway, args.rate, args.seconds, args.only, args.slow_log))
        over = [r for r in rows if "p99_ms" in r and r["p99_ms"] > GOAL_P99_MS]
        print(f"\n{len(over)} over the goal; load {os.getloadavg()[0]:.1f}")
        return 0
    reused = bool(args.state_dir and (args.state_dir / "postgres").exists())
    started = time.perf_counter()
    stack = start_stack(
        "", str(args.state_dir) if args.state_dir else None, *(["--no-demo"] if reused else [])
    )
    try:
        began = time.perf_counter()
        dsn = postgres_dsn(stack.lines)
        record = args.state_dir / "seeded.json" if args.state_dir else None
        if reused and record and record.exists():  # seeded before: the copies stay as they are
            seeded = json.loads(record.read_text())
        else:
            print(f"seeding every table to {args.rows:,} rows", flush=True)
            seeded = asyncio.run(seed(dsn, args.rows))
            if record:
                record.write_text(json.dumps(seeded))
        seed_seconds = round(time.perf_counter() - began)
        print(f"\nlist operations at {args.rate:.0f} req/s for {args.seconds:.0f} s each")
        print(f"  {'path':<46}{'caller':<18}{'total':>8}{'p50 ms':>8}{'p99 ms':>9}  goal")
        load_before = os.getloadavg()[0]
        rows = asyncio.run(walk(stack.gateway, args.rate, args.seconds, args.only, args.slow_log))
        load_after = os.getloadavg()[0]
        minutes = round((time.perf_counter() - started) / 60, 1)
        if args.hold:
            hold(dsn, stack.gateway)
    finally:
        stop_stack(stack.proc)
    measured = [r for r in rows if "p99_ms" in r]
    counts = [v["rows"] for v in seeded.values()]
    result = {
        # the honest denominator: a table the demo leaves empty has nothing to copy and is
        # measured empty; a table whose copy failed is named in "seeded"
        "tables": {
            "at_rows": sum(1 for c in counts if isinstance(c, int) and c >= args.rows),
            "empty": sum(1 for c in counts if c == 0),
            "failed": sum(1 for c in counts if isinstance(c, str)),
            "total": len(counts),
        },
        "rows_per_table": args.rows,
        "rate_per_s": args.rate,
        "seconds_each": args.seconds,
        "goal_p99_ms": GOAL_P99_MS,
        "seeded": seeded,
        "seed_seconds": seed_seconds,
        "operations": rows,
        "over_goal": [
            f"{r['path']} ({r['caller']})" for r in measured if r["p99_ms"] > GOAL_P99_MS
        ],
        "only": args.only,
        "minutes": minutes,
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
    }
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    # a partial walk (--only) never replaces the full one
    data["list_walk_only" if args.only else "list_walk"] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    met = len(measured) - len(result["over_goal"])
    unanswered = sum(1 for r in rows if "unanswered" in r)
    skipped = len(rows) - len(measured) - unanswered
    print(
        f"\n{met} of {len(measured)} met p99 <= {GOAL_P99_MS:.0f} ms, "
        f"{unanswered} unanswered (a 5xx to every caller of a kind), "
        f"{skipped} skipped; tables: {result['tables']['at_rows']} at "
        f"{args.rows:,} rows, {result['tables']['empty']} empty in the demo (measured empty), "
        f"{result['tables']['failed']} not seeded; "
        f"load {result['load_before']} -> {result['load_after']}; {minutes} min in all"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
