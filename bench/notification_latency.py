"""Notification, end to end on this machine: request -> SSE stream and -> SMS sink, and a
broadcast's delivery rate.

    uv run python bench/notification_latency.py [--requests 200] [--rate 20] [--streams 20]
                                                [--broadcast 2000]

Starts a single-node Apache Kafka (as `make run`) and PostgreSQL, the catalogue's topics,
a JWKS endpoint and the notification service as its own process (as in `make run`,
development SMS sink).
``--streams`` staff members hold an SSE stream each and have a phone on file; then
``--requests`` critical requests (inapp + sms, one staff member each) are published on
notification.requests.v1 at ``--rate`` per second, after one untimed request has reached
its stream (the service's consumer has joined its group). Reported: latency p50/p99/max from
publishing to the message on the member's stream, and to the SMS row in the sink (polled
every 10 ms). Then one request to ``--broadcast`` users (in-app): time until every
delivery is sent, as deliveries/s. Merged into bench/results/latest.json under
"notification". Bounded in time; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
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
from aiokafka import AIOKafkaProducer
from benchkit import ServiceProcess, latency_stats

from sc_contracts.admin import create_topics
from sc_contracts.events import NotificationRequestedV1, Recipients
from sc_core.auth import Grant
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.bus import CloudEvent
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.postgres import EmbeddedPostgres, create_database

RESULTS = Path(__file__).parent / "results" / "latest.json"
TOPIC = "notification.requests.v1"
COMMUNITY = "c-bench"


class Service(ServiceProcess):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__("notification", env, log)


async def read_stream(
    url: str, headers: dict[str, str], arrived: dict[str, float], ready: asyncio.Event
) -> None:
    timeout = httpx.Timeout(30, read=None)
    async with (
        httpx.AsyncClient(base_url=url, timeout=timeout) as client,
        client.stream(
            "GET", "/api/v1/stream", headers={"Accept": "text/event-stream", **headers}
        ) as response,
    ):
        async for line in response.aiter_lines():
            if line.startswith("event: ready"):
                ready.set()
            elif line.startswith("data: ") and '"request_id"' in line:
                arrived.setdefault(json.loads(line[6:])["request_id"], time.perf_counter())


def request(request_id: str, users: list[str], channels: list[str]) -> NotificationRequestedV1:
    return NotificationRequestedV1(
        request_id=request_id,
        recipients=Recipients(user_ids=users),
        template="alarm.raised",
        variables={"alarm_type": "smoke", "severity": "critical", "title": "Bench", "place": "1-1"},
        severity="critical",
        channels=channels,
        source_service="bench",
        community_id=COMMUNITY,
    )


async def publish(producer: AIOKafkaProducer, data: NotificationRequestedV1) -> None:
    event = CloudEvent.create("community.notification.requested.v1", "/bench", data)
    await producer.send_and_wait(
        TOPIC, value=event.body(), key=data.request_id.encode(), headers=event.headers()
    )


async def latency(
    args: argparse.Namespace, service: Service, issuer: LocalIssuer, pg: str, bootstrap: str
) -> dict[str, Any]:
    staff = [f"staff-{n:03d}" for n in range(args.streams)]
    headers = {
        u: issuer.bearer(u, grants=[Grant("property_staff", "community", COMMUNITY)]) for u in staff
    }
    async with httpx.AsyncClient(base_url=service.url, timeout=30) as client:
        for n, user in enumerate(staff):
            r = await client.put(
                "/api/v1/notification-preferences/me",
                json={"phone": f"1380000{n:04d}"},
                headers=headers[user],
            )
            r.raise_for_status()
    arrived: dict[str, float] = {}
    readies = [asyncio.Event() for _ in staff]
    readers = [
        asyncio.create_task(read_stream(service.url, headers[u], arrived, e))
        for u, e in zip(staff, readies, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in readies)), 60)
    sent_at: dict[str, float] = {}
    sms_at: dict[str, float] = {}
    conn = await asyncpg.connect(pg)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    await producer.start()

    async def poll_sink() -> None:
        while True:
            rows = await conn.fetch(
                "SELECT d.request_id FROM dev_sink s JOIN delivery d ON d.id = s.delivery_id"
            )
            now = time.perf_counter()
            for row in rows:
                sms_at.setdefault(row["request_id"], now)
            await asyncio.sleep(0.01)

    # untimed: one request through before measuring, so the service's consumer has joined
    # its group and fetched once (the first requests otherwise waited ~1 s for the join,
    # which a running deployment does not)
    await publish(producer, request("bench-warmup", [staff[0]], ["inapp"]))
    for _ in range(1200):
        if "bench-warmup" in arrived:
            break
        await asyncio.sleep(0.05)
    else:
        raise TimeoutError("the warm-up request never reached the stream")
    poller = asyncio.create_task(poll_sink())
    try:
        for n in range(args.requests):
            rid = f"bench-{n}"
            sent_at[rid] = time.perf_counter()
            await publish(producer, request(rid, [random.choice(staff)], ["inapp", "sms"]))
            await asyncio.sleep(1 / args.rate)
        for _ in range(1200):  # at most a minute for the last ones
            if len(arrived) >= len(sent_at) and len(sms_at) >= len(sent_at):
                break
            await asyncio.sleep(0.05)
    finally:
        poller.cancel()
        for task in readers:
            task.cancel()
        await asyncio.gather(poller, *readers, return_exceptions=True)
    stream_lat = [arrived[r] - t for r, t in sent_at.items() if r in arrived]
    sms_lat = [sms_at[r] - t for r, t in sent_at.items() if r in sms_at]

    # a broadcast: many recipients, in-app
    users = [f"resident-{n:05d}" for n in range(args.broadcast)]
    started = time.perf_counter()
    await publish(producer, request("bench-broadcast", users, ["inapp"]))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        done = await conn.fetchval(
            "SELECT count(*) FROM delivery WHERE request_id = 'bench-broadcast' AND status = 'sent'"
        )
        if done >= len(users):
            break
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    await producer.stop()
    await conn.close()
    return {
        "to_stream": latency_stats(stream_lat),
        "to_sms_sink": latency_stats(sms_lat),
        "lost": len(sent_at) - len(stream_lat),
        "broadcast": {
            "recipients": len(users),
            "seconds_to_all_sent": round(elapsed, 2),
            "deliveries_per_s": round(len(users) / elapsed, 1),
        },
    }


async def run(args: argparse.Namespace, bootstrap: str, db_url: str, jwks: str, work: Path) -> None:
    await create_topics(bootstrap)
    env = {
        "SERVICE_NAME": "notification", "ENVIRONMENT": "dev", "LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "KAFKA_ENABLE_IDEMPOTENCE": "false",
        "DATABASE_URL": db_url, "DATABASE_AUTO_CREATE": "true", "JWKS_URL": jwks,
    }  # fmt: skip
    service = Service(env, work / "notification.log")
    try:
        await service.wait_ready()
        await asyncio.sleep(3)  # consumers join their groups
        result = await latency(
            args, service, args.issuer, db_url.replace("+asyncpg", ""), bootstrap
        )
    finally:
        service.stop()
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        data = {}
    data["notification"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": {"requests": args.requests, "rate": args.rate, "streams": args.streams},
        **result,
    }
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {RESULTS} (key notification)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="requests/s")
    parser.add_argument("--streams", type=int, default=20)
    parser.add_argument("--broadcast", type=int, default=2000)
    args = parser.parse_args()
    if not (1 <= args.requests <= 10_000 and 0.1 <= args.rate <= 1000 and args.streams >= 1):
        parser.error("--requests 1..10000, --rate 0.1..1000, --streams >= 1")
    work = Path(tempfile.mkdtemp(prefix="bench-notification-"))
    try:
        with ExitStack() as stack:
            # make run's broker: a single-node Apache Kafka
            broker = stack.enter_context(KafkaCluster(brokers=1, base_dir=work / "kafka"))
            postgres = stack.enter_context(EmbeddedPostgres(work / "pg"))
            args.issuer = LocalIssuer()
            jwks = stack.enter_context(JWKSServer(args.issuer))
            db_url = create_database(postgres.url, "notification")
            asyncio.run(run(args, broker.bootstrap, db_url, jwks.url, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
