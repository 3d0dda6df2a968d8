"""Scenarios 3 and 4 of the reliability suite, on the audit store (a consumer that must
neither lose nor double a record: its hash chain would show it).

3. A consumer killed between its database commit and its offset commit is given the same
   events again; the redelivery changes nothing.
4. A poison message goes to the dead-letter topic after its retries and the partition
   keeps flowing.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from reliability_kit import Platform, wait_for
from sc_contracts.examples import EXAMPLES
from sc_core.bus.cloudevents import CloudEvent
from sc_core.failpoints import EXIT_CODE
from sc_devinfra.apache_kafka import KafkaCluster

TOPIC = "audit.records.v1"
TYPE = "community.audit.recorded.v1"


def audit_event(actor: str, n: int) -> CloudEvent:
    data: dict[str, Any] = {
        **EXAMPLES[TYPE],
        "record_id": str(uuid.uuid4()),
        "actor_id": actor,
        "action": "reliability.write",
        "resource_id": f"r-{n}",
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    return CloudEvent.create(TYPE, "/reliability", data, subject=data["record_id"])


async def send_all(bootstrap: str, events: list[CloudEvent], key: str | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                TOPIC,
                event.body(),
                key=(key or event.data.get("record_id", event.id)).encode(),
                headers=event.headers(),
            )
    finally:
        await producer.stop()


async def stored(platform: Platform, headers: dict[str, str], actor: str) -> list[dict[str, Any]]:
    """The records of ``actor`` as an auditor reads them through the gateway, walked by
    ``next_cursor``: a walk by offset while the store is still writing shifts the pages
    under it (a record newer than page 1 pushes one of page 1 onto page 2, shown twice,
    and one is missed), which looked like a record stored twice. The cursor's walk never
    repeats a row; one stored meanwhile before the cursor is read on the next walk."""
    out: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30) as client:
        params: dict[str, Any] = {"actor": actor, "limit": 100}
        while True:
            response = await client.get("/api/v1/audit-records", params=params, headers=headers)
            assert response.status_code == 200, response.text
            body = response.json()
            out.extend(body["items"])
            if body["next_cursor"] is None:  # the audit list is ordered by a total order
                return out
            params["cursor"] = body["next_cursor"]


async def test_consumer_killed_after_db_commit_before_offset_commit_changes_nothing(
    platform: Platform, healthy_cluster: KafkaCluster
) -> None:
    auditor = platform.login("auditor")
    actor = f"rel-crash-{uuid.uuid4().hex[:8]}"
    events = [audit_event(actor, n) for n in range(300)]

    platform.kill("audit")
    await send_all(healthy_cluster.bootstrap, events)  # waiting while the store is down
    platform.start_with("audit", {"SC_FAILPOINTS": "consumer.after_db_commit=exit@1"})
    # the store commits its first batch to the database, then dies before the offsets
    assert platform.exit_code("audit", timeout=120) == EXIT_CODE

    platform.restart("audit")  # no failpoint: it is given that batch again, finds it stored

    async def redelivered() -> float:
        return platform.metric("audit", "audit_records_total", outcome="duplicate")

    duplicates = await wait_for(redelivered, timeout=120, what="the batch delivered again")
    assert duplicates >= 1
    records = await wait_for(
        lambda: _all_there(platform, auditor, actor, len(events)),
        timeout=120,
        what="all 300 records stored after the restart",
    )
    ids = [r["record_id"] for r in records]
    assert sorted(ids) == sorted(e.data["record_id"] for e in events)  # each exactly once
    day = datetime.now(UTC).date().isoformat()
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60) as client:
        verify = await client.get(
            "/api/v1/audit-records/verify", params={"day": day}, headers=auditor
        )
    assert verify.status_code == 200, verify.text
    assert verify.json()["ok"] is True, verify.json()


async def _all_there(
    platform: Platform, headers: dict[str, str], actor: str, expected: int
) -> list[dict[str, Any]] | None:
    records = await stored(platform, headers, actor)
    return records if len(records) >= expected else None


async def test_poison_goes_to_the_dead_letter_topic_and_the_partition_keeps_flowing(
    platform: Platform, healthy_cluster: KafkaCluster
) -> None:
    auditor = platform.login("auditor")
    actor = f"rel-poison-{uuid.uuid4().hex[:8]}"
    key = "same-partition"  # the poison and the good records share one partition
    poison = CloudEvent.create(TYPE, "/reliability", {"record_id": "not-a-record"})
    good = [audit_event(actor, n) for n in range(50)]

    await send_all(healthy_cluster.bootstrap, [poison, *good], key=key)

    records = await wait_for(
        lambda: _all_there(platform, auditor, actor, len(good)),
        timeout=120,
        what="the 50 good records behind the poison",
    )
    assert len(records) == len(good)

    consumer = AIOKafkaConsumer(
        f"{TOPIC}.dlq",
        bootstrap_servers=healthy_cluster.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        found: list[Any] = []

        async def poison_in_dlq() -> bool:
            batches = await consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                found.extend(
                    m for m in messages if dict(m.headers).get("ce_id") == poison.id.encode()
                )
            return bool(found)

        await wait_for(poison_in_dlq, timeout=60, what="the poison on the DLQ")
    finally:
        await consumer.stop()
    headers = {k: v.decode() for k, v in found[0].headers}
    assert json.loads(found[0].value)["record_id"] == "not-a-record"
    assert headers["x-dlq-original-topic"] == TOPIC  # where it came from and why travel with it
    assert headers["x-dlq-reason"]
