"""Where people wait (issue 28): authenticated `GET /api/v1/work-orders` (a page of 20) and
`GET /api/v1/me`, straight to the service and through the gateway, in one run.

    uv run python bench/gateway.py [--seconds 10] [--concurrency 32] [--workers 1,2]
        [--rounds 3]

Starts identity, work-orders and the gateway the way `make run` does (its own broker and
PostgreSQL, demo data), files work orders as the demo resident until the property
manager's first page holds 20, then loads each target with wrk (C, installed with apt-get
when missing, so the load takes little of the two cores it measures) from
``--concurrency`` keep-alive connections for ``--seconds``, ``--rounds`` times in pairs
(direct and through the gateway, the order swapped each round). Every gateway row stands
beside the direct figure of the same run: the median round of each side, the gateway's
share of the direct rate and the latency it adds at p50, and each pair's. Each row also
gives the CPU each process spent per request (gateway, service, PostgreSQL) and the
machine's load average, since other work on a shared machine moves every figure.
``--workers``: the whole measurement once per value, on a stack whose every process
serves with that many ``HTTP_WORKERS`` (1: one core per service, the per-core figure; 2:
what the two cores of this machine serve, ADR 0064). Merged into
bench/results/latest.json under "gateway_workers" (and the first under "gateway"). Only
127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from benchkit import (
    DEMO_PASSWORD,
    cpu_of,
    ensure_tool,
    machine_ticks,
    stack_processes,
    start_stack,
    stop_stack,
    wrk,
)

RESULTS = Path(__file__).parent / "results" / "latest.json"
PAGE = 20
DESCRIPTION = (
    "三楼楼道灯晚上不亮，已经两天 The third-floor light has been out at night for two days; "
    "please check the switch and the bulb. "
) * 3


def login(client: httpx.Client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def fill_first_page(gateway: str) -> tuple[dict[str, str], int]:
    """Work orders filed by the demo resident until the manager's first page is full;
    returns the manager's headers and the page's size in bytes."""
    with httpx.Client(base_url=gateway, timeout=30) as c:
        manager = login(c, "property_manager")
        resident = login(c, "resident")
        household = c.get("/api/v1/me", headers=resident).json()["households"][0]
        place = {k: str(household[k]) for k in ("community_id", "building_id", "unit_id")}
        place |= {
            "room_id": str(household["room_id"]),
            "household_id": str(household["household_id"]),
        }
        total = c.get("/api/v1/work-orders", headers=manager).json()["total"]
        for n in range(total, 2 * PAGE):
            c.post(
                "/api/v1/work-orders",
                headers=resident,
                json={
                    "case_type": "repair",
                    "title": f"楼道灯不亮 Stairway light out ({n})",
                    "description": DESCRIPTION,
                    "place": "1-1 楼道 stairway",
                    **place,
                },
            ).raise_for_status()
        page = c.get("/api/v1/work-orders", params={"limit": PAGE}, headers=manager)
        page.raise_for_status()
        assert len(page.json()["items"]) == PAGE, page.text[:300]
        return manager, len(page.content)


def load(url: str, headers: dict[str, str], args: argparse.Namespace, root: int) -> dict[str, Any]:
    """One wrk run, with the CPU each process of the stack spent per request."""
    wrk(url, seconds=2, concurrency=args.concurrency, headers=headers)  # warm, untimed
    groups = stack_processes(root)
    before = {name: cpu_of(pids) for name, pids in groups.items()}
    busy0, total0 = machine_ticks()
    load_before = os.getloadavg()[0]
    result = wrk(url, seconds=args.seconds, concurrency=args.concurrency, headers=headers)
    busy1, total1 = machine_ticks()
    requests = max(result["requests"], 1)
    result["cpu_us_per_request"] = {
        name: round((cpu_of(pids) - before[name]) / requests * 1e6)
        for name, pids in groups.items()
        if cpu_of(pids) - before[name] > 0.05
    }
    result["machine_busy"] = round((busy1 - busy0) / max(total1 - total0, 1), 2)
    result["load_before"], result["load_after"] = (
        round(load_before, 2),
        round(os.getloadavg()[0], 2),
    )
    return result


def compare(direct: dict[str, Any], through: dict[str, Any]) -> dict[str, Any]:
    return {
        "direct": direct,
        "gateway": through,
        "throughput_overhead_pct": round(
            100 * (1 - through["requests_per_s"] / max(direct["requests_per_s"], 1)), 1
        ),
        "added_p50_ms": round(through["p50_ms"] - direct["p50_ms"], 2),
        "added_p99_ms": round(through["p99_ms"] - direct["p99_ms"], 2),
    }


def paired(
    direct_url: str, gateway_url: str, headers: dict[str, str], args: argparse.Namespace, root: int
) -> dict[str, Any]:
    """``args.rounds`` pairs of runs, direct and through the gateway, each pair's order
    swapped from the one before (so a drift of the machine falls on both sides): the median
    round of each side, the overhead between them, and every pair. Back-to-back runs of
    the same code moved ~20 % on this machine (ADR 0080), more than the goals' margins."""
    pairs = []
    for n in range(args.rounds):
        first, second = (direct_url, gateway_url) if n % 2 == 0 else (gateway_url, direct_url)
        ran = {first: load(first, headers, args, root), second: load(second, headers, args, root)}
        pairs.append(compare(ran[direct_url], ran[gateway_url]))

    def median_run(side: str) -> dict[str, Any]:
        runs = sorted((p[side] for p in pairs), key=lambda r: r["requests_per_s"])
        return runs[len(runs) // 2]

    out = compare(median_run("direct"), median_run("gateway"))
    overheads = sorted(p["throughput_overhead_pct"] for p in pairs)
    added = sorted(p["added_p50_ms"] for p in pairs)
    out["rounds"] = [
        {
            "direct_rps": p["direct"]["requests_per_s"],
            "gateway_rps": p["gateway"]["requests_per_s"],
            "throughput_overhead_pct": p["throughput_overhead_pct"],
            "added_p50_ms": p["added_p50_ms"],
        }
        for p in pairs
    ]
    out["pair_overhead_pct_median"] = overheads[len(overheads) // 2]
    out["pair_added_p50_ms_median"] = added[len(added) // 2]
    return out


def measure(
    args: argparse.Namespace, proc: subprocess.Popen[str], gateway: str, urls: dict[str, str]
) -> dict[str, Any]:
    manager, page_bytes = fill_first_page(gateway)
    wo, me = "/api/v1/work-orders", "/api/v1/me"
    out: dict[str, Any] = {
        "work_orders": paired(urls["work-orders"] + wo, gateway + wo, manager, args, proc.pid),
        "me": paired(urls["identity"] + me, gateway + me, manager, args, proc.pid),
    }
    out["work_orders"]["path"] = (
        f"GET {wo} (page of {PAGE}, {page_bytes:,} bytes, property_manager)"
    )
    out["me"]["path"] = f"GET {me} (property_manager)"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--rounds", type=int, default=3, help="pairs of runs per target, medians reported"
    )
    parser.add_argument(
        "--workers",
        default="1,2",
        help="HTTP_WORKERS of every process, one stack each (1: one core per service)",
    )
    args = parser.parse_args()
    ensure_tool("wrk")
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["gateway_workers"] = {}
    for workers in (int(n) for n in args.workers.split(",")):
        stack = start_stack(HTTP_WORKERS=str(workers))
        try:
            result = measure(args, stack.proc, stack.gateway, stack.urls)
        finally:
            stop_stack(stack.proc)
        result |= {
            "http_workers": workers,
            "concurrency": args.concurrency,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "load_generator": "wrk -t 1",
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        }
        data["gateway_workers"][str(workers)] = result
        report(result)
    data["gateway"] = next(iter(data["gateway_workers"].values()))  # the first: as before
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    print(f"written to {RESULTS} (keys gateway, gateway_workers)")
    return 0


def report(result: dict[str, Any]) -> None:
    print(
        f"\nAPI on {os.cpu_count()} cores (gateway, services, database, broker, wrk share them),"
        f" HTTP_WORKERS={result['http_workers']} for every process"
    )
    print(
        f"{'target':<34}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'bad':>5}{'load':>6}  CPU us/request"
    )
    for key in ("work_orders", "me"):
        row = result[key]
        for side in ("direct", "gateway"):
            r = row[side]
            cpu = ", ".join(f"{n} {v}" for n, v in sorted(r["cpu_us_per_request"].items()))
            print(
                f"{key.replace('_', '-') + ' ' + side:<34}{r['requests_per_s']:>7}{r['p50_ms']:>8}"
                f"{r['p99_ms']:>8}{r['not_ok']:>5}{r['load_before']:>6}  {cpu}"
            )
        print(
            f"  gateway overhead: {row['throughput_overhead_pct']}% of the direct rate, "
            f"+{row['added_p50_ms']} ms p50 (median rounds of {len(row['rounds'])}; "
            f"pairs' median {row['pair_overhead_pct_median']}%, "
            f"+{row['pair_added_p50_ms_median']} ms)"
        )
        for n, r in enumerate(row["rounds"], 1):
            print(
                f"    round {n}: {r['direct_rps']} direct, {r['gateway_rps']} gateway req/s, "
                f"{r['throughput_overhead_pct']}%, +{r['added_p50_ms']} ms p50"
            )


if __name__ == "__main__":
    sys.exit(main())
