"""The evaluation service on a real PostgreSQL and Kafka: KPIs fed by work-order, alarm and
notification events from their topics, exact under redelivery; the KPI API paged, scoped
to the caller, its refusals problem+json in zh-CN and en. One app per module."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from evaluation.config import Settings
from evaluation.db.models import BuildingGrid, metadata
from evaluation.main import create_app
from evaluation_fixtures import (
    ACKED,
    CLEARED,
    COMMUNITY,
    RAISED,
    alarm,
    at,
    breach,
    delivered,
    rated,
    step,
)
from sc_contracts.events.identity import HouseholdChangedV1, Placement
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.migrate import model_drift
from sc_devinfra.topics import create_topic

KPIS = "/api/v1/evaluation/kpis"


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer
    settings: Settings
    producer: AIOKafkaProducer

    async def send(self, topic: str, event_type: str, data: BaseModel, key: str, **kw: Any) -> str:
        event = CloudEvent.create(event_type, "test", data, subject=key, **kw)
        await self.producer.send_and_wait(
            topic, event.body(), key=key.encode(), headers=event.headers()
        )
        return event.id

    def staff(self, community: str = COMMUNITY, role: str = "property_manager") -> dict[str, str]:
        return self.issuer.bearer(
            f"{role}-{community}", grants=[Grant(role, "community", community)]
        )


async def eventually(probe: Callable[[], Awaitable[Any]], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.1)


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(
        environment="test",
        database_url=module_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        jwks_url=jwks_url,
        kafka_consumer_group=f"evaluation-t{suffix}",
        workorder_topic=f"workorder.events.t{suffix}",
        alarm_topic=f"alarm.events.t{suffix}",
        delivery_topic=f"notification.deliveries.t{suffix}",
        identity_topic=f"identity.events.t{suffix}",
        audit_topic=f"audit.records.t{suffix}",
        outbox_poll_interval_ms=50,
        log_level="WARNING",
    )
    for topic in (
        settings.workorder_topic,
        settings.alarm_topic,
        settings.delivery_topic,
        settings.identity_topic,
        settings.audit_topic,
    ):
        await create_topic(kafka_bootstrap, topic, partitions=2)
    app = create_app(settings)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            AsyncClient(transport=transport, base_url="http://evaluation") as client,
        ):
            yield Harness(app, client, issuer, settings, producer)
    finally:
        await producer.stop()


async def test_migrations_match_the_models(harness: Harness) -> None:
    assert await model_drift(harness.settings.database_url, metadata) == []


def _by_code(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in page["items"]}


async def test_kpis_from_real_topics_exact_under_redelivery(harness: Harness) -> None:
    h, s = harness, harness.settings
    # the place directory first: building B1 lies in grid G7
    await h.send(
        s.identity_topic,
        "community.household.changed.v1",
        HouseholdChangedV1(
            aggregate_id="H1",
            household_id="H1",
            change="created",
            placement=Placement(
                community_id=COMMUNITY, building_id="B1", unit_id="U1", room_id="R101", grid_id="G7"
            ),
            member_count=2,
            status="active",
            changed_by="admin",
            changed_at=at(1),
        ),
        key="H1",
    )

    async def placed() -> bool:
        db = h.app.state.runtime.db
        async with db.uow(read_only=True) as uow:
            return await uow.session.get(BuildingGrid, "B1") is not None

    assert await eventually(placed), "identity's placement never reached the place directory"

    wo_topic, changed = s.workorder_topic, "community.workorder.changed.v1"
    rated_type, breached = "community.workorder.rated.v1", "community.workorder.sla_breached.v1"
    # case 1: created 3 Nov 10:00, accepted after 10 min, resolved after 2 h, rated 4
    await h.send(wo_topic, changed, step("W1", "created", "submitted", at(3, 10)), "W1")
    await h.send(wo_topic, changed, step("W1", "accept", "accepted", at(3, 10 + 1 / 6)), "W1")
    resolve1 = await h.send(wo_topic, changed, step("W1", "resolve", "resolved", at(3, 12)), "W1")
    rating1 = await h.send(wo_topic, rated_type, rated("W1", 4, at(3, 13), "师傅很快修好了"), "W1")
    # redelivered: the same event ids again (a producer retry, a consumer restart)
    for event_id, data, kind in (
        (resolve1, step("W1", "resolve", "resolved", at(3, 12)), changed),
        (rating1, rated("W1", 4, at(3, 13), "师傅很快修好了"), rated_type),
    ):
        await h.send(wo_topic, kind, data, "W1", id=event_id)
    # case 2: created 5 Nov 9:00, reply after 30 min, breached at 13:00, resolved 14:00, rated 2
    await h.send(wo_topic, changed, step("W2", "created", "submitted", at(5, 9)), "W2")
    await h.send(wo_topic, changed, step("W2", "reply", "in_progress", at(5, 9.5)), "W2")
    await h.send(wo_topic, breached, breach("W2", at(5, 13), at(5, 13)), "W2")
    await h.send(wo_topic, changed, step("W2", "resolve", "resolved", at(5, 14)), "W2")
    rating2 = await h.send(wo_topic, rated_type, rated("W2", 2, at(5, 15), "等了太久"), "W2")
    # an alarm: raised, acknowledged after 2 min, cleared after 20 min (the raise redelivered)
    al = s.alarm_topic
    raised = await h.send(al, "community.alarm.raised.v1", alarm(RAISED, "A1", at(4, 8)), "A1")
    await h.send(al, "community.alarm.raised.v1", alarm(RAISED, "A1", at(4, 8)), "A1", id=raised)
    await h.send(
        al,
        "community.alarm.acknowledged.v1",
        alarm(ACKED, "A1", at(4, 8), ack=at(4, 8 + 2 / 60)),
        "A1",
    )
    await h.send(
        al,
        "community.alarm.cleared.v1",
        alarm(CLEARED, "A1", at(4, 8), ack=at(4, 8 + 2 / 60), cleared=at(4, 8 + 20 / 60)),
        "A1",
    )
    # deliveries: one sent, one failed
    dt = "community.notification.delivered.v1"
    await h.send(s.delivery_topic, dt, delivered("D1", "sent", at(4, 8.1)), "r-D1")
    await h.send(s.delivery_topic, dt, delivered("D2", "failed", at(4, 8.2)), "r-D2")

    headers = h.staff()
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}

    async def complete() -> dict[str, dict[str, Any]] | None:
        r = await h.client.get(KPIS, params=params, headers=headers)
        assert r.status_code == 200, r.text
        rows = _by_code(r.json())
        done = (
            rows["wo.rating_mean"]["n"] == 2
            and rows["alarm.clear_s"]["n"] == 1
            and rows["notify.delivery_rate"]["n"] == 2
        )
        return rows if done else None

    rows = await eventually(complete)
    assert rows, "the KPIs never took in every event"
    # hand calculation: the redelivered events changed nothing
    assert rows["wo.opened"]["value"] == 2
    assert rows["wo.first_response_s"]["value"] == pytest.approx((600 + 1800) / 2)
    assert rows["wo.resolution_s"]["value"] == pytest.approx((7200 + 18000) / 2)
    assert rows["wo.on_time_rate"]["value"] == pytest.approx(0.5)  # W2 breached first
    assert rows["wo.sla_breaches"]["value"] == 1
    assert rows["wo.reopen_rate"]["value"] == 0
    assert rows["wo.rating_mean"]["value"] == pytest.approx(3.0)
    assert rows["wo.satisfied_rate"]["value"] == pytest.approx(0.5)
    assert rows["alarm.raised"]["value"] == 1
    assert rows["alarm.ack_s"]["value"] == pytest.approx(120)
    assert rows["alarm.clear_s"]["value"] == pytest.approx(1200)
    assert rows["notify.delivery_rate"]["value"] == pytest.approx(0.5)
    assert rows["wo.rating_mean"]["name"] == "平均评分"
    assert rows["alarm.false_rate"]["value"] is None  # no event says so yet

    # the same month seen from the building and from its grid (place directory)
    for scope, place in (("building", "B1"), ("grid", "G7")):
        r = await h.client.get(
            KPIS,
            params={**params, "scope": scope, "scope_id": place},
            headers=headers,
        )
        assert r.status_code == 200, r.text
        assert _by_code(r.json())["wo.rating_mean"]["value"] == pytest.approx(3.0)

    # days add up: 3 November holds W1 only
    r = await h.client.get(KPIS, params={**params, "period": "2026-11-03"}, headers=headers)
    assert _by_code(r.json())["wo.rating_mean"]["value"] == pytest.approx(4.0)

    # per service, and traceable to the events behind the figure
    r = await h.client.get(f"{KPIS}/wo.rating_mean/services", params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert [(x["name"], x["value"], x["n"]) for x in r.json()["items"]] == [("报事报修", 3.0, 2)]
    r = await h.client.get(f"{KPIS}/wo.rating_mean/inputs", params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["items"] == sorted([rating1, rating2])

    # paged: 14 KPIs, 5 a page
    r = await h.client.get(KPIS, params={**params, "limit": 5}, headers=headers)
    page = r.json()
    assert (len(page["items"]), page["total"], page["next_offset"]) == (5, 14, 5)


async def test_kpi_refusals_are_problems_in_both_languages(harness: Harness) -> None:
    h = harness
    params = {"community_id": COMMUNITY, "period": "2026-11"}
    r = await h.client.get(KPIS, params={**params, "period": "November"}, headers=h.staff())
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "evaluation.bad_period"
    assert body["detail"].startswith("统计周期格式不正确")
    r = await h.client.get(
        KPIS,
        params={**params, "period": "November"},
        headers={**h.staff(), "Accept-Language": "en-GB,en;q=0.9"},
    )
    assert r.json()["detail"].startswith("The period must look like")

    # a resident of the community, and staff of another community, see no KPIs
    resident = h.issuer.bearer("res-1", grants=[Grant("resident", "household", "H1")])
    other = h.staff("OTHER-002")
    for headers in (resident, other):
        r = await h.client.get(KPIS, params=params, headers=headers)
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "evaluation.out_of_scope"
        assert r.json()["detail"] == "您无权查看该社区的评价数据。"

    r = await h.client.get(f"{KPIS}/no.such/services", params=params, headers=h.staff())
    assert (r.status_code, r.json()["code"]) == (404, "evaluation.kpi_not_found")
    r = await h.client.get(KPIS, params=params)
    assert r.status_code == 401
