"""What the whole platform costs doing nothing (issue 28): CPU and memory per process of
the stack `make run` starts, with no devices and no requests.

    uv run python bench/idle.py [--settle 30] [--seconds 60]

Starts every service, the gateway, the broker and PostgreSQL as `make run` does (no device
simulator), waits ``--settle`` seconds after the last service is up (demo data loaded,
consumers joined), then reads each process's CPU time over ``--seconds`` and its memory
(proportional set size: a shared page counts once, split between its users). The goal is
that no process uses more than 2% of a core. Merged into bench/results/latest.json under
"idle", with the consumer group members the broker holds (ADR 0069, 0070).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import benchkit
from aiokafka.admin import AIOKafkaAdminClient
from benchkit import cpu_of, machine_ticks, memory_mib, stack_processes, start_stack, stop_stack

RESULTS = Path(__file__).parent / "results" / "latest.json"
GOAL_CORE_SHARE = 0.02


def measure(root: int, seconds: float) -> dict[str, Any]:
    groups = stack_processes(root)
    before = {name: cpu_of(pids) for name, pids in groups.items()}
    busy0, total0 = machine_ticks()
    load_before = os.getloadavg()[0]
    time.sleep(seconds)
    busy1, total1 = machine_ticks()
    rows = {
        name: {
            "processes": len(pids),
            "cpu_core_share": round((cpu_of(pids) - before[name]) / seconds, 4),
            "memory_mib": round(memory_mib(pids), 1),
        }
        for name, pids in sorted(groups.items())
    }
    return {
        "seconds": seconds,
        "processes": rows,
        "over_goal": [n for n, r in rows.items() if r["cpu_core_share"] > GOAL_CORE_SHARE],
        "total_cpu_core_share": round(sum(r["cpu_core_share"] for r in rows.values()), 4),
        "total_memory_mib": round(sum(r["memory_mib"] for r in rows.values()), 1),
        "machine_busy": round((busy1 - busy0) / max(total1 - total0, 1), 3),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


async def group_members(bootstrap: str) -> dict[str, int]:
    """Members per consumer group with any (the broker's heartbeats and parked fetches);
    one group at a time (aiokafka failed to decode Kafka 4's answer about many at once)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    members: dict[str, int] = {}
    try:
        for name in sorted(g[0] for g in await admin.list_consumer_groups()):
            try:
                described = await admin.describe_consumer_groups([name])
            except Exception as exc:  # counted as unknown, the CPU figures still stand
                print(f"  {name}: not described ({exc!r})", file=sys.stderr)
                continue
            # a group: (error, id, state, protocol type, protocol, members[, authorized ops])
            for group in (g for r in described for g in r.groups):
                count = len(next(x for x in group if isinstance(x, list)))
                if count:
                    members[name] = count
        return members
    finally:
        await admin.close()


def broker_of(lines: list[str]) -> str:
    """The stack's broker, from the line `make run` prints (`kafka  127.0.0.1:port ...`)."""
    return next(line.split()[1] for line in lines if line.startswith("kafka "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settle", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--start-timeout", type=float, default=benchkit.START_TIMEOUT_S, help="s (a busy machine)"
    )
    args = parser.parse_args()
    benchkit.START_TIMEOUT_S = args.start_timeout
    stack = start_stack(services="")
    try:
        time.sleep(args.settle)
        result = measure(stack.proc.pid, args.seconds)
        try:
            members = asyncio.run(group_members(broker_of(stack.lines)))
        except Exception as exc:  # the CPU figures are what the run is for
            print(f"group members not counted: {exc!r}", file=sys.stderr)
            members = {}
        result["group_members"] = sum(members.values())
        result["groups"] = members
    finally:
        stop_stack(stack.proc)
    result["goal_core_share"] = GOAL_CORE_SHARE
    result["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["cores"] = os.cpu_count()
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["idle"] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    print(f"\nthe stack idle for {args.seconds:.0f} s (goal: no process above 2% of a core)")
    print(f"{'process':<22}{'n':>3}{'% of a core':>13}{'memory MiB':>12}")
    for name, r in result["processes"].items():
        flag = "  <- over" if name in result["over_goal"] else ""
        print(
            f"{name:<22}{r['processes']:>3}{100 * r['cpu_core_share']:>12.2f}%"
            f"{r['memory_mib']:>12}{flag}"
        )
    print(
        f"{'total':<25}{100 * result['total_cpu_core_share']:>12.2f}%"
        f"{result['total_memory_mib']:>12}  (load {result['load_before']} -> "
        f"{result['load_after']})"
    )
    print(f"consumer group members on the broker: {result['group_members']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
