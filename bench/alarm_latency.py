"""Alarm latency, end to end on this machine: a reading's arrival to its alarm event.

    uv run python bench/alarm_latency.py [--seconds 20] [--rate 5000] [--devices 2000]
                                         [--crossing 0.02] [--warmup 5]

Starts a single-node Apache Kafka (as `make run` does) and PostgreSQL, the catalogue's
topics, a JWKS endpoint, and the alarm service as its own process (as in `make run`),
creates one threshold rule
(temperature above 40 on environment sensors, auto-clear, notify), then produces a steady
``--rate`` readings/s straight onto telemetry.readings.v1 (as device-ingestion does) for
``--seconds``: each device reports in turn, a fraction ``--crossing`` of readings cross the
threshold (the next normal reading clears the alarm, so the next crossing raises a new
one). A consumer of alarm.events.v1 takes every AlarmRaisedV1 and measures from the
reading's ``received_at`` (stamped when it was produced) to the event's arrival (after an
untimed warm-up: every device reports once, then ``--warmup`` seconds at the full rate, so
the broker's JIT and the database's caches are past their first seconds, as they are in a
running deployment): rule
evaluation, the alarm's transaction (state, alarm, history, notification request, outbox)
and the outbox relay included. Reported: p50/p99/max latency, alarms raised versus
crossings sent, readings/s actually produced. Merged into bench/results/latest.json under
"alarm_latency". Goal: p99 <= 100 ms at 5,000 readings/s. Only 127.0.0.1 is contacted.

The producer encodes readings from a template (no CloudEvent object per reading), so one
Python process keeps a steady 5,000/s here; ``producer_worst_lag_ms`` says how far it ever
fell behind its schedule. ``ALARM_BENCH_TRACE=1`` prints every latency with its arrival
time (to see whether a tail is a stall or a steady state); ``ALARM_BENCH_KEEP=1`` keeps the
work directory with the service's log. Set the service's settings
through the environment (e.g. ``EVALUATION_FETCH_MIN_BYTES``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from benchkit import ServiceProcess, machine_ticks, pct, process_cpu_s

from sc_contracts.admin import create_topics
from sc_core.auth import Grant
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.postgres import EmbeddedPostgres, create_database

RESULTS = Path(__file__).parent / "results" / "latest.json"
COMMUNITY = "c-bench"
TELEMETRY_TOPIC = "telemetry.readings.v1"
ALARM_TOPIC = "alarm.events.v1"
TELEMETRY = "community.telemetry.recorded.v1"
RAISED = "community.alarm.raised.v1"


class Service(ServiceProcess):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__("alarm", env, log)

    async def metrics(self) -> dict[str, float]:
        """How busy the evaluator was: batches, their mean size and handling time."""
        text = await self.metrics_text()
        values: dict[str, float] = {}
        for line in text.splitlines():
            if line.startswith(("batch_handle_seconds_sum", "batch_handle_seconds_count")):
                name, _, value = line.rpartition(" ")
                values[name.split("{")[0]] = values.get(name.split("{")[0], 0) + float(value)
            if line.startswith("batch_events_consumed_total") and 'outcome="processed"' in line:
                values["events"] = float(line.rpartition(" ")[2])
        count = values.get("batch_handle_seconds_count", 0) or 1
        return {
            "batches": int(values.get("batch_handle_seconds_count", 0)),
            "mean_batch_size": round(values.get("events", 0) / count, 1),
            "evaluator_busy_s": round(values.get("batch_handle_seconds_sum", 0), 2),
            "mean_batch_ms": round(values.get("batch_handle_seconds_sum", 0) / count * 1000, 2),
        }


async def create_rule(service: Service, issuer: LocalIssuer) -> None:
    admin = issuer.bearer("bench", grants=[Grant("community_admin", "community", COMMUNITY)])
    rule = {
        "community_id": COMMUNITY,
        "name": "bench overheat",
        "alarm_type": "overheat",
        "severity": "major",
        "kind": "threshold",
        "device_type": "environment_sensor",
        "conditions": [{"key": "temperature", "op": "above", "value": 40}],
        "actions": ["notify"],
    }
    async with httpx.AsyncClient(base_url=service.url, headers=admin, timeout=30) as client:
        r = await client.post("/api/v1/alarm-rules", json=rule)
        r.raise_for_status()


BODY = (
    '{"device_id":"d-%d","device_type":"environment_sensor","community_id":"'
    + COMMUNITY
    + '","building_id":"b-%d","unit_id":null,"room_id":null,"ts":"%s",'
    '"values":{"temperature":%s},"received_at":"%s"}'
)


Record = tuple[bytes, list[tuple[str, bytes]]]


def reading(run: str, seq: int, device: int, temperature: float, stamp: str) -> Record:
    """One telemetry.readings.v1 record as device-ingestion writes it (binary-mode
    CloudEvent), encoded from a template: the producer must keep up with 5,000/s on a
    shared 2-core machine, so it does not build a CloudEvent object per reading."""
    body = BODY % (device, device % 20, stamp, temperature, stamp)
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", f"{run}-{seq}".encode()),
        ("ce_source", b"/bench/alarm"),
        ("ce_type", TELEMETRY_B),
        ("ce_time", stamp.encode()),
        ("ce_subject", f"d-{device}".encode()),
        ("content-type", b"application/json"),
    ]
    return body.encode(), headers


TELEMETRY_B = TELEMETRY.encode()


async def produce(bootstrap: str, args: argparse.Namespace) -> tuple[int, int, float, float]:
    """Steady ``rate`` readings/s for ``seconds``: every 5 ms the readings due by then are
    stamped (``received_at`` = now, as device-ingestion stamps arrival) and sent as one
    record batch per partition (keyed partitioning done here, as the client would).
    Returns (sent, crossings, seconds, worst lag behind the schedule in seconds)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, acks=1)
    await producer.start()
    partitions = sorted(await producer.partitions_for(TELEMETRY_TOPIC))
    tick = 0.005
    every = max(1, round(1 / args.crossing)) if args.crossing > 0 else 0
    run = os.urandom(4).hex()
    sent = crossings = 0
    worst_lag = 0.0
    started = time.perf_counter()
    pending: list[asyncio.Future[Any]] = []
    try:
        while (elapsed := time.perf_counter() - started) < args.seconds:
            due = int(elapsed * args.rate)
            stamp = datetime.now(UTC).isoformat()
            batches: dict[int, Any] = {}
            while sent < due:
                device = sent % args.devices
                crossing = bool(every) and (sent // args.devices) % every == device % every
                crossings += crossing
                temperature = 45.0 if crossing else 20.0 + device % 10
                value, headers = reading(run, sent, device, temperature, stamp)
                partition = partitions[device % len(partitions)]
                batch = batches.get(partition)
                if batch is None:
                    batch = batches[partition] = producer.create_batch()
                key = str(device).encode()
                if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                    batch.close()
                    pending.append(await producer.send_batch(batch, TELEMETRY_TOPIC,
                                                             partition=partition))  # fmt: skip
                    batch = batches[partition] = producer.create_batch()
                    batch.append(key=key, value=value, timestamp=None, headers=headers)
                sent += 1
            for partition, batch in batches.items():
                batch.close()
                sending = await producer.send_batch(batch, TELEMETRY_TOPIC, partition=partition)
                pending.append(sending)
            pending = [f for f in pending if not f.done()]
            now = time.perf_counter() - started
            worst_lag = max(worst_lag, now - elapsed - tick)
            wait = elapsed + tick - now
            await asyncio.sleep(max(wait, 0))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent, crossings, time.perf_counter() - started, worst_lag


def listen_process(bootstrap: str, results: Any, stop: Any) -> None:
    latencies: list[tuple[float, float, float]] = []
    asyncio.run(listen(bootstrap, latencies, stop, results))
    results.put(latencies)


async def listen(
    bootstrap: str, latencies: list[tuple[float, float, float]], stop: Any, results: Any
) -> None:
    # fetch_min_bytes is 1, so the broker answers a waiting fetch as soon as an alarm event
    # is appended; the wait bounds only empty fetches (at 10 ms the listener alone had the
    # broker answer ~100 empty fetches a second on the same 2 cores)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=500
    )
    await consumer.start()
    try:
        # Apache Kafka tells a client only of the topics it asked about: ask for all
        cluster = await consumer._client.fetch_all_metadata()
        partitions = cluster.partitions_for_topic(ALARM_TOPIC) or set()
        tps = [TopicPartition(ALARM_TOPIC, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_end(*tps)
        for tp in tps:
            await consumer.position(tp)
        results.put("listening")
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=100, max_records=5000)
            now = datetime.now(UTC)
            for records in batches.values():
                for record in records:
                    headers = dict(record.headers or [])
                    if headers.get("ce_type") != RAISED.encode():
                        continue
                    data = json.loads(record.value)
                    received = data.get("details", {}).get("received_at")
                    if received and data.get("count") == 1:
                        start = datetime.fromisoformat(received).timestamp()
                        got = now.timestamp() - start
                        # the record's timestamp is when the relay handed it to its producer
                        sent = record.timestamp / 1000 - start
                        latencies.append((got, sent, start))
                        if os.environ.get("ALARM_BENCH_TRACE"):
                            print(f"trace {now.timestamp():.3f} {got * 1000:.1f} "
                                  f"{sent * 1000:.1f}", flush=True)  # fmt: skip
    finally:
        await consumer.stop()


async def run(args: argparse.Namespace, bootstrap: str, db_url: str, jwks: str, work: Path,
              issuer: LocalIssuer) -> dict[str, Any]:  # fmt: skip
    await create_topics(bootstrap)
    env = {
        "SERVICE_NAME": "alarm", "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "KAFKA_ENABLE_IDEMPOTENCE": "true",  # as make run
        "DATABASE_URL": db_url, "DATABASE_AUTO_CREATE": "true", "JWKS_URL": jwks,
    }  # fmt: skip
    service = Service(env, work / "alarm.log")
    try:
        await service.wait_ready()
        await create_rule(service, issuer)
        await asyncio.sleep(1.0)  # the evaluator has joined its group
        # warm-up: every device reports once (its rule state is created), untimed
        warm = argparse.Namespace(**{**vars(args), "seconds": 1.0, "crossing": 0.0,
                                     "rate": float(args.devices)})  # fmt: skip
        await produce(bootstrap, warm)
        if args.warmup > 0:
            await produce(bootstrap, argparse.Namespace(**{**vars(args), "seconds": args.warmup}))
        await asyncio.sleep(3.0)
        # the listener is a process of its own, so the producer's work does not delay it
        ctx = multiprocessing.get_context("spawn")
        results: Any = ctx.Queue()
        stop: Any = ctx.Event()
        listener = ctx.Process(target=listen_process, args=(bootstrap, results, stop))
        listener.start()
        if results.get(timeout=60) != "listening":
            raise RuntimeError("the alarm event listener did not start")
        print(f"producing {args.rate:.0f} readings/s for {args.seconds:.0f} s ...", flush=True)
        cpu_before, ticks_before = process_cpu_s(service.proc.pid), machine_ticks()
        measured_from = datetime.now(UTC)
        sent, crossings, took, lag = await produce(bootstrap, args)
        cpu_used = process_cpu_s(service.proc.pid) - cpu_before
        ticks_after = machine_ticks()
        machine_busy = (ticks_after[0] - ticks_before[0]) / max(1, ticks_after[1] - ticks_before[1])
        await asyncio.sleep(5.0)  # the last alarms come through
        stop.set()
        got: list[tuple[float, float, float]] = await asyncio.to_thread(results.get, True, 60)
        # an alarm of the warm-up whose event arrives late (a slow broker) is not measured
        measured = [m for m in got if m[2] >= measured_from.timestamp()]
        latencies = [total for total, _, _ in measured]
        handed = [sent for _, sent, _ in measured]
        listener.join(10)
        busy = await service.metrics()
        busy.update(await breakdown(db_url, measured_from))
        row = {
            "offered_rate_per_s": args.rate,
            "produced_rate_per_s": round(sent / took),
            "producer_worst_lag_ms": round(lag * 1000, 1),
            "readings": sent,
            "crossings": crossings,
            "alarms_raised": len(latencies),
            "devices": args.devices,
            "latency_ms_p50": round(pct(latencies, 0.50) * 1000, 1),
            "latency_ms_p99": round(pct(latencies, 0.99) * 1000, 1),
            "latency_ms_max": round(max(latencies, default=float("nan")) * 1000, 1),
            "goal_p99_ms": 100,
            # the service's CPU per second of load (1.0 = a whole core), and how busy the
            # machine's cores were meanwhile (broker, database, producer, listener included)
            "service_cpu_per_s": round(cpu_used / took, 2),
            "machine_busy": round(machine_busy, 2),
            # reading received -> the alarm event handed to the relay's producer (the rest
            # is the broker and the listener's fetch)
            "to_producer_ms_p50": round(pct(handed, 0.50) * 1000, 1),
            "to_producer_ms_p99": round(pct(handed, 0.99) * 1000, 1),
            **busy,
        }
        return row
    finally:
        service.stop()


async def breakdown(db_url: str, since: datetime) -> dict[str, float]:
    """Where the time went: reading -> alarm row built in the evaluator's transaction
    (waiting in the topic and evaluation; ``evaluated``), and the evaluator's transaction
    start -> the relay's transaction start that published it (PostgreSQL's ``now()`` is a
    transaction's start; ``relayed``)."""
    conn = await asyncpg.connect(db_url.replace("+asyncpg", ""))
    try:
        evaluated = [
            float(r[0])
            for r in await conn.fetch(
                "SELECT extract(epoch FROM created_at - first_at) FROM alarms"
                " WHERE count >= 1 AND first_at >= $1",
                since,
            )
        ]
        relayed = [
            float(r[0])
            for r in await conn.fetch(
                "SELECT extract(epoch FROM sent_at - created_at) FROM event_outbox"
                " WHERE topic = $1 AND sent_at IS NOT NULL AND created_at >= $2",
                ALARM_TOPIC,
                since,
            )
        ]
    finally:
        await conn.close()
    return {
        "evaluated_ms_p50": round(pct(evaluated, 0.5) * 1000, 1),
        "evaluated_ms_p99": round(pct(evaluated, 0.99) * 1000, 1),
        "relayed_ms_p50": round(pct(relayed, 0.5) * 1000, 1),
        "relayed_ms_p99": round(pct(relayed, 0.99) * 1000, 1),
    }


def write(row: dict[str, Any], args: argparse.Namespace) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        data = {}
    data["alarm_latency"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": vars(args),
        "result": row,
    }
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=5000.0, help="readings/s, steady")
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--crossing", type=float, default=0.02, help="fraction crossing")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="untimed seconds at the full rate first"
    )
    args = parser.parse_args()
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds must be between 1 and 600")
    if not 0 <= args.warmup <= 120:
        parser.error("--warmup must be between 0 and 120")
    work = Path(tempfile.mkdtemp(prefix="bench-alarm-"))
    try:
        with ExitStack() as stack:
            # make run's broker: a single-node Apache Kafka, same launcher and settings
            cluster = stack.enter_context(KafkaCluster(brokers=1, base_dir=work / "kafka"))
            bootstrap = cluster.bootstrap
            postgres = stack.enter_context(EmbeddedPostgres(work / "pg"))
            issuer = LocalIssuer()
            jwks = stack.enter_context(JWKSServer(issuer))
            db_url = create_database(postgres.url, "alarm")
            row = asyncio.run(run(args, bootstrap, db_url, jwks.url, work, issuer))
        print(
            "\nalarm latency on Apache Kafka (make run's broker) "
            "(reading received -> AlarmRaisedV1 on alarm.events.v1): "
            f"p50 {row['latency_ms_p50']} ms, p99 {row['latency_ms_p99']} ms, "
            f"max {row['latency_ms_max']} ms at {row['produced_rate_per_s']} readings/s; "
            f"{row['alarms_raised']} alarms from {row['crossings']} crossings "
            f"(goal p99 <= 100 ms)"
        )
        print(json.dumps(row))
        write(row, args)
        print(f"written to {RESULTS} (key alarm_latency)")
    finally:
        if os.environ.get("ALARM_BENCH_KEEP"):
            print(f"kept {work} (the service's log: alarm.log)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
