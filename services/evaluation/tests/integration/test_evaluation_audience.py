"""A survey's audience on a real PostgreSQL and Kafka: identity's placements and grants
(who holds resident, tenant or family over which household) make the people a survey asks;
its results give the response rate per place against them and each question's spread of
answers; its reminders reach, through notification.requests.v1, the targeted people who
have not answered — once per round, rounds missed together as one, never after closing."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel
from sqlalchemy import func, select

from evaluation.config import Settings
from evaluation.db.models import PLACES, SurveyReminderRow
from evaluation.main import create_app
from sc_contracts.events.identity import GrantChangedV1, HouseholdChangedV1, Placement
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually

SURVEYS = "/api/v1/evaluation/surveys"
TOPICS = ("identity.events.v1", "notification.requests.v1")
CV = "AUD-001"
#: household -> (building, grid); account -> (role, household)
HOUSEHOLDS = {
    "AH1": ("AB1", "AG1"),
    "AH2": ("AB1", "AG1"),
    "AH3": ("AB2", None),
    "AH4": ("AB2", None),
}
ACCOUNTS = {
    "acc-1": ("resident", "AH1"),
    "acc-2": ("family", "AH1"),
    "acc-3": ("resident", "AH2"),
    "acc-4": ("tenant", "AH3"),
    "acc-5": ("resident", "AH4"),
}


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer
    settings: Settings
    producer: AIOKafkaProducer

    async def send(self, event_type: str, data: BaseModel, key: str) -> None:
        event = CloudEvent.create(event_type, "test", data, subject=key)
        topic = self.settings.topic("identity.events.v1")
        await self.producer.send_and_wait(
            topic, event.body(), key=key.encode(), headers=event.headers()
        )

    def resident(self, account: str) -> dict[str, str]:
        role, household = ACCOUNTS[account]
        return self.issuer.bearer(account, grants=[Grant(role, "household", household)])


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
        kafka_consumer_group=f"evaluation-a{suffix}",
        topic_names={name: f"{name[: -len('.v1')]}.a{suffix}" for name in TOPICS},
        audit_topic=f"audit.records.a{suffix}",
        outbox_poll_interval_ms=50,
        survey_reminder_sweep_s=86400,  # the test sends the rounds itself, at chosen moments
        log_level="WARNING",
    )
    for topic in (*map(settings.topic, TOPICS), settings.audit_topic):
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


async def _register(h: Harness) -> None:
    now = datetime.now(UTC)
    for hh, (building, grid) in HOUSEHOLDS.items():
        placement = Placement(
            community_id=CV, building_id=building, unit_id="U1", room_id=f"R{hh}", grid_id=grid
        )
        await h.send(
            "community.household.changed.v1",
            HouseholdChangedV1(
                aggregate_id=hh,
                household_id=hh,
                change="created",
                placement=placement,
                member_count=2,
                status="active",
                changed_by="admin",
                changed_at=now,
            ),
            key=hh,
        )
    for account, (role, hh) in ACCOUNTS.items():
        await h.send(
            "community.grant.changed.v1",
            GrantChangedV1(
                aggregate_id=account,
                account_id=account,
                grant_id=f"g-{account}",
                change="granted",
                role=role,
                scope_type="household",
                scope_id=hh,
                community_id=CV,
                changed_by="admin",
                changed_at=now,
            ),
            key=account,
        )

    async def known() -> bool:
        grants = PLACES.grants
        assert grants is not None
        async with h.app.state.runtime.db.uow(read_only=True) as uow:
            places = await uow.session.scalar(
                select(func.count()).where(PLACES.households.c.community_id == CV)
            )
            held = await uow.session.scalar(select(func.count()).where(grants.c.community_id == CV))
            return (places, held) == (len(HOUSEHOLDS), len(ACCOUNTS))

    assert await eventually(known, timeout=120), "identity's placements and grants never arrived"


def designed(closes: datetime) -> dict[str, Any]:
    """A survey of every question kind with a skip: the NPS is asked only of those who
    used the app."""

    def text(zh: str, en: str) -> dict[str, str]:
        return {"zh": zh, "en": en}

    options = [
        {"code": "yes", "label": text("用过", "Yes")},
        {"code": "no", "label": text("没用过", "No")},
    ]
    channels = [
        {"code": "app", "label": text("小程序", "Mini-program")},
        {"code": "desk", "label": text("物业前台", "Front desk")},
        {"code": "phone", "label": text("电话", "Phone")},
    ]
    return {
        "code": "service-check",
        "title": text("社区服务体验调查", "Community services survey"),
        "reminder_days_before_close": [5, 3, 1],
        "sections": [
            {
                "id": "s1",
                "title": text("使用情况", "Use"),
                "questions": [
                    {
                        "id": "used",
                        "kind": "single_choice",
                        "text": text("用过报修吗", "Used repairs?"),
                        "options": options,
                    },
                    {
                        "id": "ways",
                        "kind": "multiple_choice",
                        "text": text("通过哪些渠道", "Which channels"),
                        "options": channels,
                        "max_choices": 2,
                    },
                    {
                        "id": "easy",
                        "kind": "likert5",
                        "text": text("报修很方便", "Repairs are easy"),
                    },
                    {
                        "id": "nps",
                        "kind": "nps",
                        "text": text("推荐意愿", "Would you recommend it"),
                        "show_if": [{"question": "used", "op": "equals", "value": "yes"}],
                    },
                    {
                        "id": "say",
                        "kind": "open_text",
                        "text": text("建议", "Suggestions"),
                        "required": False,
                    },
                ],
            }
        ],
    }


async def _consume(h: Harness, count: int) -> list[dict[str, Any]]:
    """The first ``count`` notification requests evaluation published (binary mode: the
    body is the event's data)."""
    consumer = AIOKafkaConsumer(
        h.settings.topic("notification.requests.v1"),
        bootstrap_servers=h.settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    got: list[dict[str, Any]] = []
    try:

        async def enough() -> bool:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                got.extend(json.loads(r.value) for r in records)
            return len(got) >= count

        assert await eventually(enough, timeout=120), f"{len(got)} of {count} requests"
    finally:
        await consumer.stop()
    return got


async def test_rates_spread_and_reminders_of_a_designed_survey(harness: Harness) -> None:
    h = harness
    await _register(h)
    manager = h.issuer.bearer("pm-aud", grants=[Grant("property_manager", "community", CV)])
    now = datetime.now(UTC)
    closes = now + timedelta(days=4)
    body = {
        "community_id": CV,
        "definition": designed(closes),
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": closes.isoformat(),
    }
    r = await h.client.post(SURVEYS, json=body, headers=manager)
    assert r.status_code == 201, r.text
    survey = r.json()
    assert survey["anonymous"] is True and survey["unit"] == "person"
    url = f"{SURVEYS}/{survey['id']}"

    answers = {
        "acc-1": {
            "used": "yes",
            "ways": ["app", "desk"],
            "easy": 5,
            "nps": 10,
            "say": "维修很及时",
        },
        "acc-3": {"used": "no", "ways": ["phone"], "easy": 2},
    }
    for account, given in answers.items():
        r = await h.client.post(
            f"{url}/responses", json={"answers": given}, headers=h.resident(account)
        )
        assert r.status_code == 201, r.text

    r = await h.client.get(f"{url}/results", headers=manager)
    assert r.status_code == 200, r.text
    res = r.json()
    rates = {
        (x["place_type"], x["place_id"]): (x["eligible"], x["responded"]) for x in res["rates"]
    }
    # five accounts hold a household role; acc-1 and acc-3 (both of building AB1) answered
    assert rates == {
        ("community", CV): (5, 2),
        ("building", "AB1"): (3, 2),
        ("building", "AB2"): (2, 0),
    }
    community_rate = next(x for x in res["rates"] if x["place_type"] == "community")
    assert community_rate["rate"] == pytest.approx(0.4)
    q = {x["id"]: x for x in res["questions"]}
    assert q["used"]["text"] == "用过报修吗" and q["used"]["section"] == "使用情况"
    assert [(b["label"], b["count"]) for b in q["used"]["buckets"]] == [("用过", 1), ("没用过", 1)]
    assert [(b["label"], b["count"]) for b in q["ways"]["buckets"]] == [
        ("小程序", 1),
        ("物业前台", 1),
        ("电话", 1),
    ]
    assert [b["count"] for b in q["easy"]["buckets"]] == [0, 1, 0, 0, 1]
    assert q["easy"]["buckets"][4]["label"] == "非常同意" and q["easy"]["mean"] == pytest.approx(
        3.5
    )
    # the NPS question was hidden from acc-3: one answer, a promoter
    assert (q["nps"]["answered"], q["nps"]["nps"]) == (1, pytest.approx(100.0))
    assert (q["say"]["answered"], q["say"]["buckets"]) == (1, [])
    r = await h.client.get(f"{url}/results", headers={**manager, "Accept-Language": "en"})
    assert r.json()["questions"][0]["buckets"][0]["label"] == "Yes"

    # a household survey of building AB2's residents only: AH4 (acc-5); AH3 has a tenant
    r = await h.client.post(
        SURVEYS,
        json={
            "community_id": CV,
            "questionnaire": "security",
            "unit": "household",
            "building_ids": ["AB2"],
            "roles": ["resident"],
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": closes.isoformat(),
        },
        headers=manager,
    )
    assert r.status_code == 201, r.text
    narrow = r.json()
    r = await h.client.get(f"{SURVEYS}/{narrow['id']}/results", headers=manager)
    rates = {(x["place_type"], x["place_id"]): x["eligible"] for x in r.json()["rates"]}
    assert rates == {("community", CV): 1, ("building", "AB2"): 1}
    r = await h.client.get(SURVEYS, headers=h.resident("acc-4"))
    assert narrow["id"] in [x["id"] for x in r.json()["items"]]  # listed to the community
    r = await h.client.post(
        f"{SURVEYS}/{narrow['id']}/responses", json={"answers": {}}, headers=h.resident("acc-4")
    )
    assert (r.status_code, r.json()["code"]) == (403, "evaluation.not_targeted")
    # a grid of nobody's buildings here: the designer names it, nobody is asked
    r = await h.client.post(
        SURVEYS,
        json={"community_id": CV, "questionnaire": "gain", "grid_ids": ["AG9"]},
        headers=manager,
    )
    assert r.status_code == 201, r.text
    r = await h.client.get(f"{SURVEYS}/{r.json()['id']}/results", headers=manager)
    assert [x["eligible"] for x in r.json()["rates"]] == [0]
    assert r.json()["rates"][0]["rate"] is None

    reminders = h.app.state.usecases.reminders
    # the designed survey's round 5 days before closing is due (it opened 1 h ago), the
    # security survey's 3 and 1 not yet; the shipped gain survey opened now: its rounds
    # (3, 1) are not due either
    assert await reminders.send_due(now) == 3
    assert await reminders.send_due(now) == 0  # once per round
    first = await _consume(h, 1)
    assert [x["recipients"]["user_ids"] for x in first] == [["acc-2", "acc-4", "acc-5"]]
    data = first[0]
    assert data["template"] == "generic.message" and data["source_service"] == "evaluation"
    assert data["variables"]["body"].startswith("“社区服务体验调查”将于")
    assert data["variables"]["title_en"] == "Survey reminder"

    r = await h.client.post(
        f"{url}/responses",
        json={"answers": {"used": "no", "ways": ["app"], "easy": 4}},
        headers=h.resident("acc-4"),
    )
    assert r.status_code == 201, r.text
    # two days on, the rounds 3 of both surveys are due; acc-4 answered in between
    later = now + timedelta(days=2)
    r = await h.client.post(f"{SURVEYS}/{narrow['id']}/close", headers=manager)
    assert r.status_code == 200, r.text  # closed by its manager: no reminders any more
    assert await reminders.send_due(later) == 2
    # round 1 a minute before closing: the same two; after closing, none
    assert await reminders.send_due(closes - timedelta(minutes=1)) == 2
    assert await reminders.send_due(closes + timedelta(minutes=1)) == 0
    async with h.app.state.runtime.db.uow(read_only=True) as uow:
        rounds = (
            await uow.session.execute(
                select(SurveyReminderRow.round_days, SurveyReminderRow.recipients).where(
                    SurveyReminderRow.survey_id == uuid.UUID(survey["id"])
                )
            )
        ).all()
    assert sorted(rounds) == [(1, 2), (3, 2), (5, 3)]
    sent = {x["request_id"]: x for x in await _consume(h, 3)}
    rounds_sent = {rid.split("-")[-2]: d["recipients"]["user_ids"] for rid, d in sent.items()}
    assert rounds_sent == {
        "r5": ["acc-2", "acc-4", "acc-5"],
        "r3": ["acc-2", "acc-5"],
        "r1": ["acc-2", "acc-5"],
    }
