"""Does the alarm evaluator scale out? One replica, then two in one consumer group, on the
3-broker Apache Kafka of the reliability suite (issue 28, docs/scale.md).

    uv run python bench/alarm_scale.py [--readings 200000] [--devices 20000]

For each configuration (1 replica, then 2) the bench makes a fresh telemetry topic (12
partitions, replication factor 3, as the catalogue's ``telemetry.readings.v1``) and a
fresh database, starts one replica to create the threshold rule of bench/alarm_latency.py
through its API and stops it, fills the topic with ``--readings`` readings from
``--devices`` devices (2% cross the threshold, so alarms are raised and cleared as in the
latency bench), then starts the replicas together. Each replica's
``batch_events_consumed_total`` is read every half second: the rate while every replica
held partitions is the configuration's throughput, and each replica's share and CPU per
reading show whether the partitions were shared and the work split. Merged into
bench/results/latest.json under "alarm_scale".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from alarm_latency import Service, create_rule, produce
from benchkit import machine_ticks, process_cpu_s

from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.postgres import EmbeddedPostgres, create_database

RESULTS = Path(__file__).parent / "results" / "latest.json"
PARTITIONS = 12


async def processed(service: Service) -> float:
    async with httpx.AsyncClient(base_url=service.url, timeout=10) as client:
        text = (await client.get("/metrics")).text
    return sum(
        float(line.rpartition(" ")[2])
        for line in text.splitlines()
        if line.startswith("batch_events_consumed_total") and 'outcome="processed"' in line
    )


async def assignment(bootstrap: str, group: str) -> list[int]:
    """Partitions per member of ``group`` (its current generation)."""
    from aiokafka.protocol.group import MemberAssignment

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_consumer_groups([group])
        counts = []
        for response in described:
            for g in response.groups:
                for member in g[
                    -1
                ]:  # members: (id, [instance,] client, host, metadata, assignment)
                    decoded = MemberAssignment.decode(member[-1])
                    counts.append(sum(len(p) for _, p in decoded.assignment))
        return sorted(counts)
    finally:
        await admin.close()


async def configuration(
    replicas: int,
    args: argparse.Namespace,
    bootstrap: str,
    postgres: EmbeddedPostgres,
    jwks: str,
    issuer: LocalIssuer,
    work: Path,
) -> dict[str, Any]:
    tag = f"{replicas}r-{os.urandom(3).hex()}"
    topic = f"bench.telemetry.{tag}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 3)])
    finally:
        await admin.close()
    env = {
        "SERVICE_NAME": "alarm", "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "KAFKA_ENABLE_IDEMPOTENCE": "true",
        "DATABASE_URL": create_database(postgres.url, f"alarm_{tag.replace('-', '_')}"),
        "DATABASE_AUTO_CREATE": "true", "JWKS_URL": jwks, "TELEMETRY_TOPIC": topic,
        "EVALUATION_GROUP": f"bench.evaluator.{tag}",
    }  # fmt: skip
    first = Service(env, work / f"alarm-{tag}-setup.log")
    try:
        await first.wait_ready()
        await create_rule(first, issuer)
    finally:
        first.stop()
    import alarm_latency

    alarm_latency.TELEMETRY_TOPIC = topic
    fill = argparse.Namespace(
        rate=args.fill_rate, seconds=args.readings / args.fill_rate, crossing=0.02,
        devices=args.devices,
    )  # fmt: skip
    sent, _, took, _ = await produce(bootstrap, fill)
    print(f"  {replicas} replica(s): {sent:,} readings on {topic} in {took:.1f} s", flush=True)
    services = [Service(env, work / f"alarm-{tag}-{n}.log") for n in range(replicas)]
    try:
        await asyncio.gather(*(s.wait_ready() for s in services))
        samples: list[tuple[float, list[float], list[float]]] = []
        ticks0 = machine_ticks()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            counts = list(await asyncio.gather(*(processed(s) for s in services)))
            cpu = [process_cpu_s(s.proc.pid) for s in services]
            samples.append((time.monotonic(), counts, cpu))
            if sum(counts) >= sent:
                break
            await asyncio.sleep(0.5)
        ticks1 = machine_ticks()
        members = await assignment(bootstrap, env["EVALUATION_GROUP"])
    finally:
        for s in services:
            s.stop()
    # the window in which every replica was taking readings (each one's count moving)
    moving = [
        i for i in range(1, len(samples))
        if all(samples[i][1][r] > samples[i - 1][1][r] for r in range(replicas))
    ]  # fmt: skip
    if not moving:
        raise RuntimeError(f"the replicas never all consumed at once: {samples[-1]}")
    a, b = samples[moving[0] - 1], samples[moving[-1]]
    seconds = b[0] - a[0]
    per_replica = [b[1][r] - a[1][r] for r in range(replicas)]
    cpu = [b[2][r] - a[2][r] for r in range(replicas)]
    return {
        "replicas": replicas,
        "readings": sent,
        "readings_per_s": round(sum(per_replica) / seconds),
        "window_s": round(seconds, 1),
        "share_per_replica": [round(n / max(sum(per_replica), 1), 2) for n in per_replica],
        "partitions_per_member": members,
        "cpu_core_per_replica": [round(c / seconds, 2) for c in cpu],
        "readings_per_cpu_s": round(sum(per_replica) / max(sum(cpu), 1e-9)),
        "machine_busy": round((ticks1[0] - ticks0[0]) / max(ticks1[1] - ticks0[1], 1), 2),
    }


async def run(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    with ExitStack() as stack:
        cluster = stack.enter_context(KafkaCluster(brokers=3))
        cluster.start()
        postgres = stack.enter_context(EmbeddedPostgres(work / "pg"))
        issuer = LocalIssuer()
        jwks = stack.enter_context(JWKSServer(issuer))
        return [
            await configuration(n, args, cluster.bootstrap, postgres, jwks.url, issuer, work)
            for n in (1, 2)
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--devices", type=int, default=20_000)
    parser.add_argument("--fill-rate", type=float, default=40_000.0, help="readings/s to fill")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-alarm-scale-"))
    load_before = os.getloadavg()[0]
    try:
        rows = asyncio.run(run(args, work))
    finally:
        if not os.environ.get("ALARM_BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    one, two = rows
    result = {
        "rows": rows,
        "speedup": round(two["readings_per_s"] / max(one["readings_per_s"], 1), 2),
        "brokers": 3,
        "partitions": PARTITIONS,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
    }
    print(f"\nalarm evaluator on a 3-broker Apache Kafka, {PARTITIONS} partitions")
    for r in rows:
        print(
            f"  {r['replicas']} replica(s): {r['readings_per_s']:,} readings/s over "
            f"{r['window_s']} s; shares {r['share_per_replica']}, partitions "
            f"{r['partitions_per_member']}, CPU {r['cpu_core_per_replica']} core, "
            f"{r['readings_per_cpu_s']:,} readings per CPU second; machine "
            f"{r['machine_busy']:.0%} busy"
        )
    print(f"  two replicas / one: x{result['speedup']}")
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["alarm_scale"] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
