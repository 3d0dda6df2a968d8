"""What idle consumers cost the broker (issue 28, fourth goal; ADR 0069).

    uv run python bench/broker_idle.py [--consumers 45] [--seconds 60] [--rounds 3]
    uv run python bench/broker_idle.py --members 16   # ADR 0070: 45 topics, 16 members

Starts a one-node Apache Kafka as `make run` does, then measures the broker's own CPU
(from /proc, so the Python clients' CPU is not counted) over ``--seconds`` with no client
at all, and with ``--consumers`` idle group members (one group and one 3-partition topic
each, as the platform's consumers are) under each setting below: the platform's today
(heartbeat every 3 s in a 10 s session, aiokafka's defaults; each empty fetch parked at the
broker for ``sc_core.bus.long_poll.LONG_POLL_MS``: 15 s since ADR 0084), the 3 s long poll
of before, and a 10 s heartbeat in a 30 s session. ~45 is what the stack of `make run` held
(ADR 0067; 13 group members since ADR 0083). The
settings take turns, once each per round (after an unmeasured warm-up: the broker's JIT
compiles the idle paths in its first minutes), and each row is the median of its rounds,
printed beside the broker without clients from the same run. Merged into
bench/results/latest.json under "broker_idle". Only 127.0.0.1 is contacted.

``--members N`` (ADR 0070) compares, under today's setting only, the ``--consumers`` topics
read by one group member each with the same topics read by N members (topics dealt out in
turn, one group per member: a service's feeds sharing one member).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from sc_core.bus.long_poll import FETCHER_WAKE_MS, LONG_POLL_MS, POLL_TIMEOUT_MS
from sc_devinfra.apache_kafka import KafkaCluster

RESULTS = Path(__file__).parent / "results" / "latest.json"
SETTLE_S = 20.0


@dataclass(frozen=True)
class Setting:
    name: str
    heartbeat_ms: int
    session_ms: int
    fetch_wait_ms: int
    members: int | None = None  # the topics dealt out to this many members (None: one each)


SETTINGS = [
    Setting(f"today: heartbeat 3 s, long poll {LONG_POLL_MS // 1000} s", 3000, 10000, LONG_POLL_MS),
    Setting("long poll 3 s (before ADR 0084)", 3000, 10000, 3000),
    Setting("heartbeat 10 s (session 30 s)", 10000, 30000, LONG_POLL_MS),
]


def ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total


async def broker_share(pids: list[int], seconds: float) -> float:
    before, started = ticks(pids), time.monotonic()
    await asyncio.sleep(seconds)
    return (ticks(pids) - before) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - started)


async def idle_consumers(
    bootstrap: str, topics: list[str], setting: Setting, tag: str
) -> list[AIOKafkaConsumer]:
    consumers = []
    n = setting.members or len(topics)
    for i in range(n):
        consumer = AIOKafkaConsumer(
            *topics[i::n],
            bootstrap_servers=bootstrap,
            group_id=f"idle-{tag}-{i}",
            enable_auto_commit=False,
            heartbeat_interval_ms=setting.heartbeat_ms,
            session_timeout_ms=setting.session_ms,
            fetch_max_wait_ms=setting.fetch_wait_ms,
            consumer_timeout_ms=FETCHER_WAKE_MS,
        )
        await consumer.start()
        consumers.append(consumer)
    return consumers


async def poll_forever(consumer: AIOKafkaConsumer) -> None:
    while True:
        await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)


async def one(
    cluster: KafkaCluster, topics: list[str], setting: Setting | None, tag: str, seconds: float
) -> float:
    """The broker's share of a core with ``topics``' idle consumers under ``setting``
    (None: no client), measured after they have joined and settled."""
    if setting is None:
        return await broker_share(cluster.pids(), seconds)
    consumers = await idle_consumers(cluster.bootstrap, topics, setting, tag)
    tasks = [asyncio.create_task(poll_forever(c)) for c in consumers]
    try:
        await asyncio.sleep(SETTLE_S)
        return await broker_share(cluster.pids(), seconds)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(c.stop() for c in consumers))


async def measure(cluster: KafkaCluster, args: argparse.Namespace) -> list[dict[str, Any]]:
    topics = [f"idle.t{i}" for i in range(args.consumers)]
    admin = AIOKafkaAdminClient(bootstrap_servers=cluster.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 3, 1) for t in topics])
    finally:
        await admin.close()
    # the broker's JIT compiles the idle paths in its first minutes: an unmeasured round
    await one(cluster, topics, SETTINGS[0], "warm", args.seconds / 2)
    plan: list[Setting | None] = [None, *SETTINGS]
    if args.members:
        today = SETTINGS[0]
        shared = replace(today, name=f"today, in {args.members} members", members=args.members)
        plan = [None, today, shared]
    shares: list[list[float]] = [[] for _ in plan]
    for r in range(args.rounds):  # every setting once a round, so drift hits all alike
        for i, setting in enumerate(plan):
            shares[i].append(await one(cluster, topics, setting, f"{r}-{i}", args.seconds))
    base = statistics.median(shares[0])
    rows: list[dict[str, Any]] = []
    for setting, measured in zip(plan, shares, strict=True):
        share = statistics.median(measured)
        name = setting.name if setting else "no client"
        rows.append(
            {"setting": name, "consumers": args.consumers if setting else 0}
            | ({"members": setting.members or args.consumers} if setting else {})
            | (
                {"heartbeat_ms": setting.heartbeat_ms, "session_ms": setting.session_ms}
                | {"fetch_wait_ms": setting.fetch_wait_ms}
                if setting
                else {}
            )
            | {"broker_core_share": round(share, 4)}
            | {"rounds": [round(x, 4) for x in measured]}
        )
        each = ", ".join(f"{x:.2%}" for x in measured)
        added = f"  (+{share - base:.2%} for the clients)" if setting else ""
        print(f"  {name:38} {share:6.2%}{added}  [{each}]", flush=True)
    return rows


@contextlib.contextmanager
def broker() -> Iterator[KafkaCluster]:
    cluster = KafkaCluster(brokers=1)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consumers", type=int, default=45)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--members", type=int, help="ADR 0070: the topics in this many members")
    args = parser.parse_args()
    # the first group members ask for a coordinator before the offsets topic exists
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    load_before = os.getloadavg()[0]
    print(f"the broker's CPU, % of a core over {args.seconds:.0f} s (goal: under 2 %)")
    with broker() as cluster:
        rows = asyncio.run(measure(cluster, args))
    load_after = os.getloadavg()[0]
    print(f"load {load_before:.1f} -> {load_after:.1f}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["broker_idle_members" if args.members else "broker_idle"] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.node(),
        "seconds": args.seconds,
        "rows": rows,
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
