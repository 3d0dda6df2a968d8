"""Device ingestion, end to end on this machine: readings/s and latency, energy queries.

    uv run python bench/ingestion.py [--seconds 20] [--devices 600] [--rate 30000]

Starts a single-node Apache Kafka (as `make run`) and PostgreSQL, the catalogue's topics,
a JWKS endpoint, and device-ingestion as its own process (as in `make run`), provisions a
fleet through ThingsBoard's provisioning API, then, for HTTP gateway batches and for MQTT
gateway messages (the service's MQTT device transport), drives the simulator as fast as
the service takes it for ``--seconds`` and waits until every accepted reading is stored.
Reported: sustained end-to-end readings/s (accepted readings / time from the first send to
the last one stored) and ingestion latency p50/p99 of probe readings sent during the load
(sent -> visible in the time series table, polled every 10 ms). Then the energy query
p50/p99 for a year of a 2,000-household community (day roll-ups and month roll-ups of
2,000 water meters), by day and by month. Figures are printed beside the broker ceiling
that bench/broker_ceiling.py wrote in the same run, and merged into
bench/results/latest.json under "ingestion". Bounded in time; only 127.0.0.1 is contacted."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
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
from benchkit import ServiceProcess, free_port, pct
from device_ingestion import simulator
from ingestion_energy import energy

from sc_contracts.admin import create_topics
from sc_core.auth import Grant
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.postgres import EmbeddedPostgres, create_database

RESULTS = Path(__file__).parent / "results" / "latest.json"
COMMUNITY = "c-bench"
KINDS = ("water_meter", "electricity_meter", "gas_meter", "environment_sensor", "wearable")


class Service(ServiceProcess):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.mqtt_port = free_port()
        super().__init__(
            "device_ingestion", {**env, "MQTT_EMBEDDED_PORT": str(self.mqtt_port)}, log
        )

    async def stored(self) -> float:
        text = await self.metrics_text()
        match = re.search(r"^telemetry_stored_total ([0-9.e+]+)$", text, re.M)
        return float(match.group(1)) if match else 0.0


async def setup(service: Service, issuer: LocalIssuer) -> dict[str, Any]:
    admin = issuer.bearer("bench", grants=[Grant("community_admin", "community", COMMUNITY)])
    async with httpx.AsyncClient(base_url=service.url, headers=admin, timeout=60) as client:
        profiles = {}
        for kind in KINDS:
            body = {"name": kind, "device_type": kind, "community_id": COMMUNITY}
            p = (await client.post("/api/v1/provision-profiles", json=body)).json()
            profiles[kind] = (p["key"], p["secret"])
        made = {}
        for name, kind in (("gw", "edge_gateway"), ("probe", "environment_sensor")):
            body = {"name": name, "device_type": kind, "community_id": COMMUNITY}
            made[name] = (await client.post("/api/v1/devices", json=body)).json()
    return {"profiles": profiles, "gateway": made["gw"], "probe": made["probe"]}


async def probe_latency(
    service: Service, pg: str, probe: dict[str, Any], stop: asyncio.Event
) -> list[float]:
    """Send one probe reading every 100 ms; poll the table every 10 ms for it."""
    sent: dict[datetime, float] = {}
    latencies: list[float] = []
    conn = await asyncpg.connect(pg)
    url = f"/api/v1/{probe['access_token']}/telemetry"

    async def poll() -> None:
        last = datetime(2000, 1, 1, tzinfo=UTC)
        while not stop.is_set() or sent:
            rows = await conn.fetch(
                "SELECT ts FROM telemetry WHERE device_id = $1 AND ts > $2", probe["id"], last
            )
            now = time.perf_counter()
            for row in rows:
                at = sent.pop(row["ts"], None)
                if at is not None:
                    latencies.append(now - at)
                last = max(last, row["ts"])
            if stop.is_set() and time.perf_counter() - stop_at[0] > 30:
                break
            await asyncio.sleep(0.01)

    stop_at = [0.0]
    poller = asyncio.create_task(poll())
    async with httpx.AsyncClient(base_url=service.url, timeout=30) as client:
        i = 0
        while not stop.is_set():
            ts = int(time.time() * 1000)
            key = datetime.fromtimestamp(ts / 1000, UTC)
            sent[key] = time.perf_counter()
            await client.post(url, json={"ts": ts, "values": {"temperature": 20 + i % 10}})
            i += 1
            await asyncio.sleep(0.1)
    stop_at[0] = time.perf_counter()
    await poller
    await conn.close()
    return latencies


async def phase(
    name: str,
    service: Service,
    pg: str,
    ctx: dict[str, Any],
    devices: list[simulator.SimDevice],
    args: argparse.Namespace,
    rate: float,
) -> dict[str, Any]:
    before = await service.stored()
    cpu_before = service.cpu_seconds()
    load_before = os.getloadavg()[0]
    stop = asyncio.Event()
    probe = asyncio.create_task(probe_latency(service, pg, ctx["probe"], stop))
    started = time.perf_counter()
    token = ctx["gateway"]["access_token"]
    if name == "http":
        tally = await simulator.run_http(
            service.url, devices, token, rate, args.seconds, args.batch, args.concurrency
        )
        accepted = tally.accepted
    else:
        tally = await simulator.run_mqtt(
            "127.0.0.1", service.mqtt_port, devices, token, rate, args.seconds, args.batch
        )
        accepted = tally.sent
    sent_for = time.perf_counter() - started
    stop.set()
    deadline = time.perf_counter() + 300
    probes = 0
    while time.perf_counter() < deadline:
        stored = await service.stored() - before
        if stored >= accepted:
            break
        await asyncio.sleep(0.05)
    done = time.perf_counter() - started
    latencies = await probe
    cpu = service.cpu_seconds() - cpu_before
    probes = len(latencies)
    stored = await service.stored() - before
    return {
        "transport": name,
        "offered_rate_per_s": round(rate),
        "readings_sent": tally.sent,
        "readings_accepted": accepted,
        "readings_stored": int(stored),
        "failed_requests": tally.failed_requests,
        "send_seconds": round(sent_for, 2),
        "end_to_end_seconds": round(done, 2),
        "accept_rate_per_s": round(accepted / sent_for),
        "end_to_end_readings_per_s": round(stored / done),
        "latency_probes": probes,
        "latency_p50_ms": round(pct(latencies, 0.5) * 1000, 1),
        "latency_p99_ms": round(pct(latencies, 0.99) * 1000, 1),
        # machine-independent-ish efficiency: service CPU per 1,000 stored readings
        "service_cpu_ms_per_1000": round(cpu * 1e6 / max(stored, 1), 1),
        "service_cpu_share": round(cpu / done, 2),  # cores the service process used
        "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def ceiling() -> list[dict[str, Any]]:
    try:
        return list(json.loads(RESULTS.read_text())["broker_ceiling"]["results"])
    except (OSError, ValueError, KeyError):
        return []


def report(rows: list[dict[str, Any]], energy_stats: dict[str, Any] | None) -> None:
    print(
        f"\ndevice ingestion on {os.cpu_count()} cores (service, broker, database, load share them)"
    )
    head = f"{'transport':<16}{'accepted':>10}{'stored':>10}{'accept/s':>10}{'e2e/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms/1k':>10}{'load':>6}"  # noqa: E501
    print(head)
    print("-" * len(head))
    for r in rows:
        label = f"{r['transport']} {r['load']}"
        print(f"{label:<16}{r['readings_accepted']:>10}{r['readings_stored']:>10}"
              f"{r['accept_rate_per_s']:>10,}{r['end_to_end_readings_per_s']:>9,}"
              f"{r['latency_p50_ms']:>9}{r['latency_p99_ms']:>9}"
              f"{r.get('service_cpu_ms_per_1000', ''):>10}{r['load_avg_1m'][1]:>6}")  # fmt: skip
    for c in ceiling():
        print(f"broker ceiling ({c['broker']}): produce {c['produce_msgs_per_s']:,} msg/s, "
              f"consume {c['consume_msgs_per_s']:,} msg/s of {c['message_bytes']} B")  # fmt: skip
    if not ceiling():
        print("broker ceiling: not measured in this run (bench/broker_ceiling.py)")
    if energy_stats:
        for name in (
            "community_by_day",
            "community_by_month",
            "building_by_day",
            "household_by_day",
        ):
            e = energy_stats[name]
            print(f"energy {name:<20} {e['buckets']:>4} buckets, {e['meters']:>5} meters: "
                  f"p50 {e['p50_ms']} ms, p99 {e['p99_ms']} ms")  # fmt: skip


def write(rows: list[dict[str, Any]], energy_stats: dict[str, Any] | None, args: Any) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        data = {}
    data["ingestion"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "seconds": args.seconds,
            "devices": args.devices,
            "rate": args.rate,
            "batch": args.batch,
            "readings_per_report": 3,
        },
        "phases": rows,
        "energy": energy_stats,
        "broker_ceiling_same_run": ceiling(),
    }
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


async def run(
    args: argparse.Namespace,
    bootstrap: str,
    db_url: str,
    jwks: str,
    issuer: LocalIssuer,
    work: Path,
) -> None:
    await create_topics(bootstrap)
    env = {
        "SERVICE_NAME": "device-ingestion", "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "KAFKA_ENABLE_IDEMPOTENCE": "false",
        "DATABASE_URL": db_url, "DATABASE_AUTO_CREATE": "true", "JWKS_URL": jwks,
        "STATUS_SWEEP_INTERVAL_S": "60", "ENERGY_REFRESH_INTERVAL_S": "1",
    }  # fmt: skip
    service = Service(env, work / "device-ingestion.log")
    try:
        await service.wait_ready()
        ctx = await setup(service, issuer)
        async with httpx.AsyncClient(base_url=service.url, timeout=60) as client:
            devices = await simulator.provision(client, ctx["profiles"], args.devices, "b-")
        pg = db_url.replace("+asyncpg", "")
        rows = []
        for name in args.transports:
            # as fast as it takes, then at 60% of what it sustained (latency without a queue)
            rate = args.rate
            for label in ("max", "steady"):
                print(f"{name} ({label}, offered {rate:.0f}/s): {args.seconds} s ...", flush=True)
                row = await phase(name, service, pg, ctx, devices, args, rate)
                row["load"] = label
                rows.append(row)
                print(f"  {json.dumps(row)}", flush=True)
                rate = 0.6 * row["end_to_end_readings_per_s"]
        energy_stats = (
            await energy(service, pg, issuer, args.energy_runs) if args.energy_runs else None
        )
        report(rows, energy_stats)
        write(rows, energy_stats, args)
        print(f"\nwritten to {RESULTS} (key ingestion)")
    finally:
        service.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--devices", type=int, default=600)
    parser.add_argument("--rate", type=float, default=30_000, help="offered readings/s")
    parser.add_argument("--batch", type=int, default=600, help="readings per request/message")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--transports", nargs="*", default=["http", "mqtt"])
    parser.add_argument("--energy-runs", type=int, default=30)
    args = parser.parse_args()
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds must be between 1 and 600")
    work = Path(tempfile.mkdtemp(prefix="bench-ingestion-"))
    try:
        with ExitStack() as stack:
            # make run's broker: a single-node Apache Kafka
            broker = stack.enter_context(KafkaCluster(brokers=1, base_dir=work / "kafka"))
            postgres = stack.enter_context(EmbeddedPostgres(work / "pg"))
            issuer = LocalIssuer()
            jwks = stack.enter_context(JWKSServer(issuer))
            db_url = create_database(postgres.url, "device_ingestion")
            asyncio.run(run(args, broker.bootstrap, db_url, jwks.url, issuer, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
