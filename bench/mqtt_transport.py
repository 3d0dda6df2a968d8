"""The MQTT transport as its own deployable (ADR 0038): readings/s with one and with two
replicas, and the idle device connections one replica holds.

    uv run python bench/mqtt_transport.py [--seconds 20] [--rate 30000] [--idle 10000]

Starts a single-node Apache Kafka (make run's broker) and PostgreSQL, the catalogue's
topics, a JWKS endpoint, device-ingestion (its API and storage consumer, no MQTT of its own)
and `python -m device_ingestion transport` replicas, each as its own process. On a machine
with two cores or more the load generator (this process: MQTT clients) runs on the last
core and everything measured (service, transports, broker, database) on the others.

1. Readings/s, one replica, then two: an edge gateway per replica publishes gateway
   batches at QoS 1 (up to 20 unacknowledged, paho's window) at ``--rate`` readings/s in
   all for ``--seconds``; a PUBACK comes only once Kafka has the readings. Reported: the
   readings acknowledged per second and the readings stored per second end to end (first
   send to the last one stored by device-ingestion), and the transports' CPU.
2. Idle connections: ``--idle`` devices connect to one replica (MQTT 3.1.1, keep-alive
   ``--keep-alive`` s, a PINGREQ every half of it) and stay for ``--hold`` s. Reported: the
   connections the replica holds (its ``mqtt_connections``), its RSS before and after, and
   per connection; goal >= 10,000 in under 1 GiB. Open files are raised to the hard limit;
   fewer connections are tried (and said) when the limit is lower.

Printed beside the broker's raw rate of the same run (bench/broker_ceiling.py) and merged
into bench/results/latest.json under "mqtt_transport". Bounded in time; only 127.0.0.1 is
contacted. Smoke run: ``--seconds 3 --rate 600 --idle 200 --hold 3``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import struct
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from benchkit import ServiceProcess, free_port, pin_measured, rss_mib
from device_ingestion import simulator

from sc_contracts.admin import create_topics
from sc_core.auth import Grant
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.postgres import EmbeddedPostgres, create_database

RESULTS = Path(__file__).parent / "results" / "latest.json"
COMMUNITY = "c-bench-mqtt"
KINDS = ("water_meter", "electricity_meter", "gas_meter", "environment_sensor")
GOAL_IDLE = 10_000
GOAL_RSS_MIB = 1024
PINNING = "not pinned"
MEASURED: set[int] = set()


class Transport(ServiceProcess):
    """One replica of the MQTT transport."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.mqtt_port = free_port()
        env = {**env, "MQTT_TRANSPORT_PORT": str(self.mqtt_port)}
        super().__init__("device_ingestion", env, log, cores=MEASURED or None, args=("transport",))

    async def connections(self) -> int:
        found = re.search(r"^mqtt_connections ([0-9.e+]+)$", await self.metrics_text(), re.M)
        return int(float(found.group(1))) if found else 0


async def stored(service: ServiceProcess) -> float:
    found = re.search(r"^telemetry_stored_total ([0-9.e+]+)$", await service.metrics_text(), re.M)
    return float(found.group(1)) if found else 0.0


async def setup(service: ServiceProcess, issuer: LocalIssuer, devices: int) -> dict[str, Any]:
    admin = issuer.bearer("bench", grants=[Grant("community_admin", "community", COMMUNITY)])
    async with httpx.AsyncClient(base_url=service.url, headers=admin, timeout=60) as client:
        profiles = {}
        for kind in KINDS:
            body = {"name": kind, "device_type": kind, "community_id": COMMUNITY}
            p = (await client.post("/api/v1/provision-profiles", json=body)).json()
            profiles[kind] = (p["key"], p["secret"])
        gateways = []
        for i in range(2):
            body = {"name": f"gw-{i}", "device_type": "edge_gateway", "community_id": COMMUNITY}
            gateways.append((await client.post("/api/v1/devices", json=body)).json())
    async with httpx.AsyncClient(base_url=service.url, timeout=60) as client:
        fleet = await simulator.provision(client, profiles, devices, "m-")
    return {"gateways": gateways, "fleet": fleet}


async def readings(
    service: ServiceProcess,
    transports: list[Transport],
    ctx: dict[str, Any],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Gateway batches at QoS 1 to each replica (``--rate`` in all) for ``--seconds``."""
    before = await stored(service)
    cpu_before = [t.cpu_seconds() for t in transports]
    share = args.rate / len(transports)
    started = time.perf_counter()
    tallies = await asyncio.gather(
        *(
            simulator.run_mqtt(
                "127.0.0.1",
                t.mqtt_port,
                ctx["fleet"],
                gateway["access_token"],
                share,
                args.seconds,
                args.batch,
            )
            for t, gateway in zip(transports, ctx["gateways"], strict=False)
        )
    )
    sent_for = time.perf_counter() - started
    acked = sum(t.sent for t in tallies)
    deadline = time.perf_counter() + 300
    while time.perf_counter() < deadline:
        if await stored(service) - before >= acked:
            break
        await asyncio.sleep(0.05)
    done = time.perf_counter() - started
    kept = await stored(service) - before
    cpu = sum(t.cpu_seconds() - c for t, c in zip(transports, cpu_before, strict=True))
    return {
        "replicas": len(transports),
        "offered_rate_per_s": round(args.rate),
        "readings_acknowledged": acked,
        "readings_stored": int(kept),
        "failed_messages": sum(t.failed_requests for t in tallies),
        "acknowledged_per_s": round(acked / sent_for),
        "stored_per_s": round(kept / done),
        "transport_cpu_ms_per_1000": round(cpu * 1e6 / max(acked, 1), 1),
        "transport_cpu_share": round(cpu / sent_for, 2),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def connect_packet(client_id: str, token: str, keep_alive: int) -> bytes:
    """An MQTT 3.1.1 CONNECT: clean session, the token as username."""

    def text(value: str) -> bytes:
        raw = value.encode()
        return struct.pack("!H", len(raw)) + raw

    body = text("MQTT") + bytes([4, 0x82]) + struct.pack("!H", keep_alive)
    body += text(client_id) + text(token)
    length, remaining = b"", len(body)
    while True:
        byte, remaining = remaining % 128, remaining // 128
        length += bytes([byte | (0x80 if remaining else 0)])
        if not remaining:
            break
    return b"\x10" + length + body


async def idle_device(
    port: int,
    client_id: str,
    token: str,
    keep_alive: int,
    connected: asyncio.Semaphore,
    up: list[int],
    stop: asyncio.Event,
) -> None:
    """Connect, then only PINGREQ every half keep-alive until ``stop``."""
    writer = None
    try:
        async with connected:  # a bounded number of handshakes at once
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 60)
            writer.write(connect_packet(client_id, token, keep_alive))
            connack = await asyncio.wait_for(reader.readexactly(4), 60)
            if connack[0] != 0x20 or connack[3] != 0:
                return
        up[0] += 1
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), keep_alive / 2)
            if stop.is_set():
                break
            writer.write(b"\xc0\x00")  # PINGREQ
            await asyncio.wait_for(reader.readexactly(2), 30)  # PINGRESP
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        return
    finally:
        if writer is not None:
            writer.close()


def open_files_for(wanted: int) -> tuple[int, str]:
    """Raise this process's open-file limit (inherited by what it starts) to the hard
    limit; the idle connections that fit (each is a socket here and in the transport)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted + 4096)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    fits = max(0, soft - 1024)
    if fits >= wanted:
        return wanted, ""
    return fits, f"open files limited to {soft}: {fits} tried instead of {wanted}"


async def idle(
    transport: Transport, ctx: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    count, note = args.idle_count, args.idle_note
    if count < GOAL_IDLE and not note:
        note = f"{count:,} tried (a smoke run): the goal is not measured"
    tokens = [d.token for d in ctx["fleet"]]
    await asyncio.sleep(1)
    rss_before = rss_mib(transport.proc.pid)
    stop = asyncio.Event()
    up = [0]
    handshakes = asyncio.Semaphore(100)
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(
            idle_device(
                transport.mqtt_port,
                f"idle-{i:06d}",
                tokens[i % len(tokens)],
                args.keep_alive,
                handshakes,
                up,
                stop,
            )
        )
        for i in range(count)
    ]
    deadline = time.perf_counter() + 600
    while time.perf_counter() < deadline:
        if up[0] >= count or all(t.done() for t in tasks):
            break
        await asyncio.sleep(0.2)
    connect_s = time.perf_counter() - started
    await asyncio.sleep(args.hold)  # keep-alive pings meanwhile
    held = await transport.connections()
    rss_after = rss_mib(transport.proc.pid)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "tried": count,
        "connected": up[0],
        "held_after_hold": held,
        "keep_alive_s": args.keep_alive,
        "hold_s": args.hold,
        "connect_seconds": round(connect_s, 1),
        "rss_mib_before": round(rss_before, 1),
        "rss_mib_held": round(rss_after, 1),
        "kib_per_connection": round((rss_after - rss_before) * 1024 / max(held, 1), 1),
        "goal": f">= {GOAL_IDLE:,} idle connections in < {GOAL_RSS_MIB} MiB",
        "goal_met": held >= GOAL_IDLE and rss_after < GOAL_RSS_MIB,
        **({"note": note} if note else {}),
    }


def ceiling() -> list[dict[str, Any]]:
    try:
        return list(json.loads(RESULTS.read_text())["broker_ceiling"]["results"])
    except (OSError, ValueError, KeyError):
        return []


def report(result: dict[str, Any]) -> None:
    print(f"\nMQTT transport on {os.cpu_count()} cores ({result['pinning']})")
    for r in result["readings"]:
        print(
            f"  {r['replicas']} replica(s): {r['acknowledged_per_s']:,} readings/s acknowledged, "
            f"{r['stored_per_s']:,}/s stored end to end; transports "
            f"{r['transport_cpu_ms_per_1000']} ms CPU per 1,000"
        )
    i = result["idle"]
    print(
        f"  idle: {i['held_after_hold']:,} of {i['tried']:,} connections held "
        f"(keep-alive {i['keep_alive_s']} s) in {i['rss_mib_held']} MiB RSS "
        f"({i['kib_per_connection']} KiB each); {i['goal']}: "
        f"{'met' if i['goal_met'] else 'not met'}" + (f" ({i['note']})" if "note" in i else "")
    )
    for c in result["broker_ceiling_same_run"]:
        print(f"  broker raw rate ({c['broker']}): produce {c['produce_msgs_per_s']:,} msg/s")
    if not result["broker_ceiling_same_run"]:
        print("  broker raw rate: not measured in this run (bench/broker_ceiling.py)")


def write(result: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        data = {}
    data["mqtt_transport"] = result
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


async def run(args: argparse.Namespace, bootstrap: str, db_url: str, jwks: str, work: Path) -> None:
    await create_topics(bootstrap)
    env = {
        "SERVICE_NAME": "device-ingestion", "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "KAFKA_ENABLE_IDEMPOTENCE": "false",
        "DATABASE_URL": db_url, "DATABASE_AUTO_CREATE": "true", "JWKS_URL": jwks,
        "STATUS_SWEEP_INTERVAL_S": "60", "MQTT_EMBEDDED": "false",
    }  # fmt: skip
    service = ServiceProcess("device_ingestion", env, work / "service.log", cores=MEASURED or None)
    transports: list[Transport] = []
    try:
        await service.wait_ready()
        ctx = await setup(service, args.issuer, args.devices)
        for n in (1, 2):
            transports.append(Transport(env, work / f"transport-{n}.log"))
        for t in transports:
            await t.wait_ready()
        if args.generator is not None:  # this thread (the event loop) generates the load
            os.sched_setaffinity(0, {args.generator})
        rows = []
        for replicas in (1, 2):
            print(f"readings, {replicas} replica(s), {args.seconds} s ...", flush=True)
            rows.append(await readings(service, transports[:replicas], ctx, args))
            print(f"  {json.dumps(rows[-1])}", flush=True)
        print(f"idle connections: {args.idle_count} to one replica ...", flush=True)
        idle_row = await idle(transports[0], ctx, args)
        print(f"  {json.dumps(idle_row)}", flush=True)
        result = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
            "pinning": PINNING,
            "settings": {
                "seconds": args.seconds,
                "rate": args.rate,
                "batch": args.batch,
                "devices": args.devices,
                "idle": args.idle,
            },
            "readings": rows,
            "idle": idle_row,
            "broker_ceiling_same_run": ceiling(),
        }
        report(result)
        write(result)
        print(f"\nwritten to {RESULTS} (key mqtt_transport)")
    finally:
        for t in transports:
            t.stop()
        service.stop()


def main() -> int:
    global PINNING
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=30_000, help="offered readings/s in all")
    parser.add_argument("--batch", type=int, default=600, help="readings per MQTT message")
    parser.add_argument("--devices", type=int, default=600)
    parser.add_argument("--idle", type=int, default=GOAL_IDLE, help="idle connections to try")
    parser.add_argument("--keep-alive", type=int, default=60)
    parser.add_argument("--hold", type=float, default=30.0, help="seconds the idle ones stay")
    args = parser.parse_args()
    if not (1 <= args.seconds <= 600 and 1 <= args.idle <= 100_000 and args.rate > 0):
        parser.error("--seconds 1..600, --idle 1..100000, --rate > 0")
    args.idle_count, args.idle_note = open_files_for(args.idle)
    work = Path(tempfile.mkdtemp(prefix="bench-mqtt-"))
    args.generator, measured, PINNING = pin_measured()  # what starts now: measured cores
    if args.generator is not None:
        MEASURED.update(measured)
    try:
        with ExitStack() as stack:
            broker = stack.enter_context(KafkaCluster(brokers=1, base_dir=work / "kafka"))
            postgres = stack.enter_context(EmbeddedPostgres(work / "pg"))
            args.issuer = LocalIssuer()
            jwks = stack.enter_context(JWKSServer(args.issuer))
            db_url = create_database(postgres.url, "device_ingestion")
            asyncio.run(run(args, broker.bootstrap, db_url, jwks.url, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
