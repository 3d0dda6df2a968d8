"""Care's two batch paths on this machine (issue 32): vitals per second through threshold
evaluation, and the lone-elder scan over 2,000 households' day of meter readings.

    uv run python bench/care_watch.py [--households 2000] [--wearables 200] [--reports 10000]

Starts a single-node Apache Kafka (make run's broker), PostgreSQL, the catalogue's topics, a
JWKS endpoint and the care service as its own process (make run's settings). The households
arrive as identity's placement events; a doctor registers one person per household over the
API, a grid worker puts every home under the watch (独居老人关爱), and ``--wearables`` people
get a wearable bound to their record (default ranges by age).

1. **Vitals**: ``--reports`` wearable reports (heart rate and blood pressure: two vitals
   each, one in fifty out of range) are produced on ``telemetry.readings.v1`` at full speed;
   measured from the first send until care's telemetry consumer group has committed the
   last offset: every vital stored, assessed against its range, its event in the outbox and
   each breach's episode opened or extended.
2. **Meters**: a day of water and electricity counters for every watched home (every
   ``--every-min`` minutes, 24 h up to the last 20:00 in Asia/Shanghai), stored the same way.
3. **The scan**: care stopped, the scan itself (``Watch.scan``, the code the service runs on
   its timer) is run here over the stored day, on the measured cores, once; one home in a
   hundred drew no water after 07:00, so each of those opens a check-on visit and tells the
   family (the scan's full work); the other rules find nothing (no baseline days).

The load generator (this process's producer) runs on the last core; the service, broker
and database on the others. The broker's raw rate of the same `make bench` run stands
beside the vitals in the summary. Merged into bench/results/latest.json under "care".
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from benchkit import ServiceProcess, machine_ticks, pin_measured, process_cpu_s
from sqlalchemy import text

from sc_contracts.admin import create_topics
from sc_contracts.events import HouseholdChangedV1, Placement, TelemetryRecordedV1
from sc_core.auth import Grant
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_core.bus.feeds import GROUP_SUFFIX
from sc_core.privacy import configure_cipher
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.postgres import EmbeddedPostgres, create_database

RESULTS = Path(__file__).parent / "results" / "latest.json"
COMMUNITY = "BENCH-CARE"
TZ = ZoneInfo("Asia/Shanghai")
# care's telemetry batch consumer rides the service's shared group member (ADR 0083): its
# offsets are committed by that group, not a "care.telemetry" group of its own (which this
# bench waited for until its hour ran out after ADR 0083)
GROUP = f"care.{GROUP_SUFFIX}"
TELEMETRY = TelemetryRecordedV1.topic
DRY = 100  # one home in DRY draws no water after 07:00: the scan's anomalies


def building(n: int) -> str:
    return f"b-{n // 100}"


class Care(ServiceProcess):
    def __init__(self, env: dict[str, str], log: Path, cores: set[int]) -> None:
        super().__init__("care", env, log, cores=cores or None)


async def send_all(bootstrap: str, items: list[tuple[Any, str]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, acks="all")
    await producer.start()
    try:
        futures = []
        for data, key in items:
            event = CloudEvent.of(data, source="/bench/care", subject=key)
            futures.append(
                await producer.send(
                    data.topic, event.body(), key=key.encode(), headers=event.headers()
                )
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def committed_all(bootstrap: str, started: float, timeout: float) -> float:
    """Seconds from ``started`` until the group has committed every partition's end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await probe.start()
    try:
        [topic] = await admin.describe_topics([TELEMETRY])
        parts = [TopicPartition(TELEMETRY, p["partition"]) for p in topic["partitions"]]
        assert parts, f"{TELEMETRY} has no partitions"
        ends = await probe.end_offsets(parts)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            offsets = await admin.list_consumer_group_offsets(GROUP)
            done = time.perf_counter()
            at = {tp: (offsets[tp].offset if tp in offsets else 0) for tp in parts}
            if all(at[tp] >= ends[tp] for tp in parts):  # a partition never written: 0
                return done - started
            await asyncio.sleep(0.1)
        raise SystemExit(f"care did not consume {TELEMETRY} within {timeout} s")
    finally:
        await probe.stop()
        await admin.close()


async def setup(args: argparse.Namespace, url: str, bootstrap: str) -> list[str]:
    """Households placed, one person per home, every home watched, wearables bound."""
    now = datetime.now(UTC)
    homes = []
    for n in range(args.households):
        placement = Placement(
            community_id=COMMUNITY, building_id=building(n), unit_id=f"u-{n // 10}",
            room_id=f"r-{n}", grid_id=f"G-{n // 500}", community_name="基准社区",
            building_name=f"{n // 100 + 1}号楼", unit_name="1单元", room_number=f"{n % 100 + 101}",
        )  # fmt: skip
        homes.append(
            (
                HouseholdChangedV1(
                    aggregate_id=f"h-{n}",
                    household_id=f"h-{n}",
                    change="created",
                    placement=placement,
                    member_count=1,
                    status="active",
                    changed_by="bench",
                    changed_at=now,
                ),
                f"h-{n}",
            )
        )
    await send_all(bootstrap, homes)
    doctor = args.issuer.bearer("bench-doc", grants=[Grant("doctor", "community", COMMUNITY)])
    keeper = args.issuer.bearer(
        "bench-admin", grants=[Grant("community_admin", "community", COMMUNITY)]
    )
    gate = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def person(n: int) -> str:
            pid = f"p-{n}"
            body = {
                "name": f"基准老人{n}", "birth_date": "1944-02-01", "gender": "female",
                "household_id": f"h-{n}", "person_id": pid, "user_id": f"u-{pid}",
            }  # fmt: skip
            async with gate:
                for _ in range(600):  # until the place directory knows the household
                    r = await client.post("/api/v1/care/people", json=body, headers=doctor)
                    if r.status_code in (201, 409):
                        break
                    await asyncio.sleep(0.2)
                else:
                    raise SystemExit(f"person {pid} not registered: {r.status_code} {r.text}")
                r = await client.post(f"/api/v1/care/people/{pid}/watch", headers=keeper)
                r.raise_for_status()
                if n < args.wearables:
                    r = await client.post(
                        f"/api/v1/care/people/{pid}/devices",
                        json={"device_id": f"w-{n}"},
                        headers=doctor,
                    )
                    r.raise_for_status()
            return pid

        return list(await asyncio.gather(*(person(n) for n in range(args.households))))


def wearable_reports(args: argparse.Namespace, now: datetime) -> list[tuple[Any, str]]:
    out = []
    for i in range(args.reports):
        n = i % args.wearables
        high = i % 50 == 0
        values = {"heartRate": 128 if high else 72, "systolicBP": 150, "diastolicBP": 85}
        if not high:
            values["systolicBP"] = 124
        at = now - timedelta(seconds=args.reports - i)
        out.append(
            (
                TelemetryRecordedV1(
                    device_id=f"w-{n}",
                    device_type="wearable",
                    community_id=COMMUNITY,
                    ts=at,
                    values=values,
                    received_at=at,
                ),
                f"w-{n}",
            )
        )
    return out


def scan_instant() -> datetime:
    """The last 20:00 in Asia/Shanghai that has passed: daytime is then over."""
    local = datetime.now(TZ)
    at = local.replace(hour=20, minute=0, second=0, microsecond=0)
    return (at if at <= local else at - timedelta(days=1)).astimezone(UTC)


def meter_reports(args: argparse.Namespace, end: datetime) -> list[tuple[Any, str]]:
    out = []
    steps = 24 * 60 // args.every_min
    for n in range(args.households):
        water = elec = 100.0
        for s in range(steps + 1):
            at = end - timedelta(minutes=args.every_min * (steps - s))
            daytime = at.astimezone(TZ).hour >= 7
            if not (n % DRY == 0 and daytime):
                water += 0.01
            elec += 0.2
            for kind, key, value in (
                ("water_meter", "totalWaterConsumption", round(water, 3)),
                ("electricity_meter", "totalActiveEnergyImport", round(elec, 3)),
            ):
                out.append(
                    (
                        TelemetryRecordedV1(
                            device_id=f"{kind}-{n}",
                            device_type=kind,
                            community_id=COMMUNITY,
                            building_id=building(n),
                            room_id=f"r-{n}",
                            ts=at,
                            values={key: value},
                            received_at=at,
                        ),
                        f"{kind}-{n}",
                    )
                )
    return out


async def drain(bootstrap: str, items: list[tuple[Any, str]], care: Care) -> dict[str, float]:
    cpu0, ticks0 = process_cpu_s(care.proc.pid), machine_ticks()
    started = time.perf_counter()
    await send_all(bootstrap, items)
    elapsed = await committed_all(bootstrap, started, timeout=3600)
    cpu1, ticks1 = process_cpu_s(care.proc.pid), machine_ticks()
    return {
        "seconds": round(elapsed, 2),
        "service_cpu_per_s": round((cpu1 - cpu0) / elapsed, 2),
        "machine_busy": round((ticks1[0] - ticks0[0]) / max(1, ticks1[1] - ticks0[1]), 2),
    }


async def scan(settings_env: dict[str, str], at: datetime, cores: set[int]) -> dict[str, Any]:
    """``Watch.scan`` as the service's timer runs it, here, on the measured cores."""
    os.environ.update(settings_env)
    from care.config import Settings
    from care.main import build

    if cores:
        os.sched_setaffinity(0, cores)
    settings = Settings()  # type: ignore[call-arg]
    configure_cipher(settings)  # the service's dev keyring: its records decrypt here too
    _, usecases = build(settings)
    async with usecases.watch.db.uow() as uow:  # what the service stored, checked
        stored = {
            table: (await uow.session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()  # noqa: S608 (fixed names)
            for table in ("care_watch", "care_vitals", "care_meter_samples")
        }
    cpu0, started = time.process_time(), time.perf_counter()
    found = await usecases.watch.scan(at)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "process_cpu_s": round(time.process_time() - cpu0, 2),
        "anomalies": found,
        "stored": stored,
    }


async def run(args: argparse.Namespace, bootstrap: str, db_url: str, jwks: str, work: Path,
              cores: set[int]) -> dict[str, Any]:  # fmt: skip
    await create_topics(bootstrap)
    env = {
        "SERVICE_NAME": "care", "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "KAFKA_ENABLE_IDEMPOTENCE": "true",
        "DATABASE_URL": db_url, "DATABASE_AUTO_CREATE": "true", "JWKS_URL": jwks,
        "WATCH_SCAN_INTERVAL_S": "86400", "SC_STATE_DIR": str(work),
    }  # fmt: skip
    care = Care(env, work / "care.log", cores)
    try:
        await care.wait_ready()
        await setup(args, care.url, bootstrap)
        vitals = await drain(bootstrap, wearable_reports(args, datetime.now(UTC)), care)
        vitals["vitals"] = args.reports * 2
        vitals["vitals_per_s"] = round(args.reports * 2 / vitals["seconds"], 1)
        at = scan_instant()
        meter_items = meter_reports(args, at)
        meters = await drain(bootstrap, meter_items, care)
        meters["reports"] = len(meter_items)
        meters["reports_per_s"] = round(len(meter_items) / meters["seconds"], 1)
    finally:
        care.stop()
    watch = await scan(env, at, cores)
    watch["households"] = args.households
    watch["expected_anomalies"] = len(range(0, args.households, DRY))
    return {"vitals": vitals, "meters": meters, "scan": watch}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--wearables", type=int, default=200)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--every-min", type=int, default=30)
    args = parser.parse_args()
    if not (1 <= args.wearables <= args.households <= 20000 and 1 <= args.reports <= 10**6):
        parser.error("1 <= --wearables <= --households <= 20000, --reports 1..1e6")
    if args.every_min not in (5, 10, 15, 30, 60):
        parser.error("--every-min: 5, 10, 15, 30 or 60")
    work = Path(tempfile.mkdtemp(prefix="bench-care-"))
    generator, cores, pinning = pin_measured()
    load_before = os.getloadavg()[0]
    try:
        with ExitStack() as stack:
            cluster = stack.enter_context(KafkaCluster(brokers=1, base_dir=work / "kafka"))
            postgres = stack.enter_context(EmbeddedPostgres(work / "pg"))
            args.issuer = LocalIssuer()
            jwks = stack.enter_context(JWKSServer(args.issuer))
            db_url = create_database(postgres.url, "care")
            if generator is not None:
                os.sched_setaffinity(0, {generator})
            result = asyncio.run(run(args, cluster.bootstrap, db_url, jwks.url, work, cores))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["pinning"] = pinning
    report(args, result, load_before)
    return 0


def report(args: argparse.Namespace, result: dict[str, Any], load_before: float) -> None:
    print(json.dumps(result, indent=2))
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        data = {}
    data["care"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": {k: getattr(args, k) for k in ("households", "wearables", "reports")},
        "load_before": round(load_before, 2),
        **result,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    v, m, s = result["vitals"], result["meters"], result["scan"]
    print(
        f"\ncare on {os.cpu_count()} cores: {v['vitals_per_s']:,} vitals/s through threshold "
        f"evaluation ({v['vitals']:,} in {v['seconds']} s, service {v['service_cpu_per_s']} "
        f"core); {m['reports_per_s']:,} meter reports/s stored; the lone-elder scan of "
        f"{s['households']:,} homes' day: {s['seconds']} s ({s['process_cpu_s']} s CPU), "
        f"{s['anomalies']} anomalies (expected {s['expected_anomalies']})"
    )
    print(f"written to {RESULTS} (key care)")


if __name__ == "__main__":
    sys.exit(main())
