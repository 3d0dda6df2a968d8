"""What the whole platform costs doing nothing (issue 28): CPU and memory per process of
the stack `make run` starts, with no devices and no requests.

    uv run python bench/idle.py [--settle 30] [--seconds 60]

Starts every service, the gateway, the broker and PostgreSQL as `make run` does (no device
simulator), waits ``--settle`` seconds after the last service is up (demo data loaded,
consumers joined), then reads each process's CPU time over ``--seconds`` and its memory
(proportional set size: a shared page counts once, split between its users). The goal is
that no process uses more than 2% of a core. Merged into bench/results/latest.json under
"idle", with the consumer group members the broker holds (ADR 0069, 0070) and, when this
process may read loopback's packets (root), the requests the broker was sent each second
by kind over the same window (ADR 0081).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import socket
import struct
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import benchkit
from aiokafka.admin import AIOKafkaAdminClient
from benchkit import cpu_of, machine_ticks, memory_mib, stack_processes, start_stack, stop_stack

RESULTS = Path(__file__).parent / "results" / "latest.json"
GOAL_CORE_SHARE = 0.02


KAFKA_APIS = {
    0: "Produce",
    1: "Fetch",
    2: "ListOffsets",
    3: "Metadata",
    8: "OffsetCommit",
    9: "OffsetFetch",
    10: "FindCoordinator",
    11: "JoinGroup",
    12: "Heartbeat",
    13: "LeaveGroup",
    14: "SyncGroup",
    18: "ApiVersions",
    22: "InitProducerId",
}


class BrokerRequests:
    """Kafka requests sent to ``port`` on loopback, by API (a packet socket on ``lo``;
    needs root). Reads the request header at the start of each TCP segment, which is
    where an idle client's small requests are; a large request's later segments are not
    headers and are skipped unless they happen to look like one (not on an idle stack)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.counts: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def __enter__(self) -> BrokerRequests:
        try:
            self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
            self._sock.bind(("lo", 0))
            self._sock.settimeout(0.2)
        except (OSError, AttributeError) as exc:  # not root, or not Linux
            self.error = repr(exc)
            return self
        self._thread = threading.Thread(target=self._count, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._sock.close()

    def _count(self) -> None:
        while not self._stop.is_set():
            try:
                packet, address = self._sock.recvfrom(65535)
            except TimeoutError:
                continue
            if address[2] == socket.PACKET_OUTGOING:  # loopback shows each packet twice
                continue
            ip = packet[14:]
            if ip[0] >> 4 == 4:
                protocol, tcp = ip[9], ip[(ip[0] & 15) * 4 :]
            elif ip[0] >> 4 == 6:
                protocol, tcp = ip[6], ip[40:]
            else:
                continue
            if protocol != 6 or len(tcp) < 20 or struct.unpack("!H", tcp[2:4])[0] != self.port:
                continue
            data = tcp[(tcp[12] >> 4) * 4 :]
            if len(data) >= 8:
                size, api, version = struct.unpack("!ihh", data[:8])
                if 0 <= api < 100 and 0 <= version < 30 and size > 0:
                    self.counts[KAFKA_APIS.get(api, f"api {api}")] += 1


def measure(root: int, seconds: float, broker_port: int | None = None) -> dict[str, Any]:
    groups = stack_processes(root)
    before = {name: cpu_of(pids) for name, pids in groups.items()}
    busy0, total0 = machine_ticks()
    load_before = os.getloadavg()[0]
    with BrokerRequests(broker_port or 0) as requests:
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
        "broker_requests_per_s": (
            None
            if requests.error or not broker_port
            else {k: round(n / seconds, 2) for k, n in requests.counts.most_common()}
        ),
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
        broker = broker_of(stack.lines)
        result = measure(stack.proc.pid, args.seconds, int(broker.rsplit(":", 1)[1]))
        try:
            members = asyncio.run(group_members(broker))
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
    sent = result["broker_requests_per_s"]
    if sent is not None:
        listed = ", ".join(f"{k} {v}" for k, v in sent.items())
        print(f"requests to the broker: {sum(sent.values()):.1f}/s ({listed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
