"""Scenario 2 of the reliability suite: the whole Kafka cluster stops for 30 s while
residents keep submitting repairs (报事报修) and staff keep accepting them.

Pass: every request is answered (the case is stored and its events wait in the outbox);
after the cluster is back, every event is on workorder.events.v1 (a copy the outbox sends
again keeps its CloudEvents id), each resident has exactly one "accepted" message per case
in their inbox (the notification service took each request once), and every transition's
audit record reached the audit store once.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from reliability_kit import Platform, wait_for
from sc_core.bus.cloudevents import CloudEvent
from sc_devinfra.apache_kafka import KafkaCluster

OUTAGE_SECONDS = 30


async def _household(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200, me.text
    households = me.json()["households"]
    assert households, me.json()
    return dict(households[0])


@pytest.mark.timeout(900)
async def test_a_cluster_outage_loses_no_request_and_no_event(
    platform: Platform, healthy_cluster: KafkaCluster
) -> None:
    run = uuid.uuid4().hex[:6]
    residents = {name: platform.login(name) for name in ("resident", "tenant")}
    staff = platform.login("property_staff")
    answers: Counter[int] = Counter()
    failures: list[str] = []
    created: list[str] = []
    by_resident: dict[str, set[str]] = {"resident": set(), "tenant": set()}
    accepted: list[str] = []
    stop = asyncio.Event()

    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30) as client:
        homes = {name: await _household(client, h) for name, h in residents.items()}

        async def submit(name: str) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                home = homes[name]
                try:
                    r = await client.post(
                        "/api/v1/work-orders",
                        headers=residents[name],
                        json={
                            "case_type": "repair",
                            "title": f"水龙头漏水 leaking tap {run}-{name}-{n}",
                            "community_id": home["community_id"],
                            "household_id": home["household_id"],
                        },
                    )
                except httpx.HTTPError as exc:
                    failures.append(f"create: {exc!r}")
                    continue
                answers[r.status_code] += 1
                if r.status_code == 201:
                    created.append(r.json()["id"])
                    by_resident[name].add(r.json()["id"])
                else:
                    failures.append(f"create {r.status_code}: {r.text[:200]}")
                await asyncio.sleep(0.2)

        async def accept() -> None:
            while not stop.is_set() or len(accepted) < len(created):
                todo = [wo for wo in created if wo not in accepted]
                for wo in todo:
                    try:
                        r = await client.post(
                            f"/api/v1/work-orders/{wo}/accept", headers=staff, json={}
                        )
                    except httpx.HTTPError as exc:
                        failures.append(f"accept: {exc!r}")
                        continue
                    answers[r.status_code] += 1
                    if r.status_code == 200:
                        accepted.append(wo)
                    else:
                        failures.append(f"accept {r.status_code}: {r.text[:200]}")
                await asyncio.sleep(0.3)
                if stop.is_set() and not todo:
                    return

        load = [asyncio.create_task(submit(n)) for n in residents] + [asyncio.create_task(accept())]
        await asyncio.sleep(5)
        before_outage = len(created)
        await asyncio.to_thread(healthy_cluster.stop)
        outage_started = time.monotonic()
        await asyncio.sleep(OUTAGE_SECONDS)
        during_outage = len(created) - before_outage
        await asyncio.to_thread(healthy_cluster.start)
        outage = time.monotonic() - outage_started
        await asyncio.sleep(5)
        stop.set()
        await asyncio.gather(*load)

    print(
        f"\noutage {outage:.0f} s: {len(created)} repairs created ({during_outage} while the "
        f"cluster was down), {len(accepted)} accepted; answers {dict(answers)}"
    )
    assert not failures, failures[:5]
    assert during_outage > 0  # residents kept being served while the cluster was down
    assert sorted(accepted) == sorted(created)

    # every event out, each as one event: the outbox is at least once (a batch whose
    # acknowledgement timed out is sent again), so a copy may follow, but with the same
    # CloudEvents id, which every consumer's inbox takes once
    wanted = {(wo, "created") for wo in created} | {(wo, "accept") for wo in accepted}
    seen: dict[tuple[str, str], set[str]] = {}
    copies = 0
    consumer = AIOKafkaConsumer(
        "workorder.events.v1",
        bootstrap_servers=healthy_cluster.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,  # no group: reads every partition from the start
    )
    await consumer.start()
    try:

        async def all_events() -> bool:
            nonlocal copies
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for messages in batches.values():
                for m in messages:
                    event = CloudEvent.from_kafka(list(m.headers), m.value)
                    if event.type != "community.workorder.changed.v1":
                        continue
                    pair = (str(event.data["work_order_id"]), str(event.data["action"]))
                    if pair in wanted:
                        copies += event.id in seen.get(pair, set())
                        seen.setdefault(pair, set()).add(event.id)
            return wanted <= set(seen)

        try:
            await wait_for(all_events, timeout=180, what="every work-order event")
        except AssertionError:
            missing = sorted(wanted - set(seen))
            raise AssertionError(
                f"{len(missing)} events never arrived, e.g. {missing[:3]}"
            ) from None
        await asyncio.sleep(2)
        await all_events()  # anything published twice would follow closely
    finally:
        await consumer.stop()
    print(f"{len(seen)} events, {copies} sent again with the same id")
    assert {pair: ids for pair, ids in seen.items() if len(ids) != 1} == {}

    # one effect downstream: each accepted case told its resident exactly once
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30) as client:
        for name, headers in residents.items():
            theirs = {wo for wo in accepted if wo in by_resident[name]}

            async def told(headers: dict[str, str] = headers, theirs: set[str] = theirs) -> Any:
                per_case: Counter[str] = Counter()
                offset: int | None = 0
                while offset is not None:
                    r = await client.get(
                        "/api/v1/inbox", params={"offset": offset, "limit": 100}, headers=headers
                    )
                    assert r.status_code == 200, r.text
                    for message in r.json()["items"]:
                        if message["template"] == "workorder.accepted":
                            for wo in theirs & {p for p in message["request_id"].split(":")}:
                                per_case[wo] += 1
                    offset = r.json()["next_offset"]
                return per_case if set(per_case) >= theirs else None

            per_case = await wait_for(told, timeout=300, what=f"{name}'s accepted notices")
            assert {wo: n for wo, n in per_case.items() if n != 1} == {}

    # each transition's audit record reached the audit store once
    auditor = platform.login("auditor")
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30) as client:
        seen_last: dict[str, Any] = {}

        async def audited() -> Counter[str] | None:
            counts: Counter[str] = Counter()
            found: set[str] = set()
            offset: int | None = 0
            while offset is not None:
                r = await client.get(
                    "/api/v1/audit-records",
                    params={"resource_type": "work_order", "offset": offset, "limit": 100},
                    headers=auditor,
                )
                assert r.status_code == 200, r.text
                body = r.json()
                for record in body["items"]:
                    if record["resource_id"] in set(created):
                        counts[record["action"]] += 1
                        if record["action"] == "workorder.create":
                            found.add(record["resource_id"])
                offset = body["next_offset"]
            seen_last.update(counts=dict(counts), missing=sorted(set(created) - found))
            return counts if counts.get("workorder.create", 0) >= len(created) else None

        # the audit store works through every service's backlog (notification audits each
        # delivery too), one record per transaction; every search of the trail is itself
        # audited, so it is polled gently
        try:
            counts = await wait_for(audited, timeout=300, what="the audit records", interval=5)
        except AssertionError:
            missing = seen_last.get("missing", [])
            raise AssertionError(
                f"audit records of {len(missing)} of {len(created)} creations never stored, "
                f"e.g. {missing[:3]}; last counts {seen_last.get('counts')}"
            ) from None
    assert counts["workorder.create"] == len(created)
