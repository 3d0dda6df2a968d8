"""The evaluation service on a real PostgreSQL and Kafka: KPIs fed by work-order, alarm and
notification events from their topics, exact under redelivery; the KPI API paged, scoped
to the caller, its refusals problem+json in zh-CN and en. One app per module."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel
from pypdf import PdfReader
from sqlalchemy import func, select

from evaluation.config import Settings
from evaluation.db.models import PLACES, ResponseRow, metadata
from evaluation.domain.periods import Granularity, period_of
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
    read,
    step,
)
from sc_contracts.events.identity import HouseholdChangedV1, Placement
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.migrate import model_drift
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually

KPIS = "/api/v1/evaluation/kpis"
SURVEYS = "/api/v1/evaluation/surveys"
INDICES = "/api/v1/evaluation/indices"

#: the catalogue topics evaluation reads (the module gets its own, TOPIC_NAMES)
TOPICS = (
    "workorder.events.v1",
    "alarm.events.v1",
    "notification.deliveries.v1",
    "identity.events.v1",
)


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
        topic_names={name: f"{name[: -len('.v1')]}.t{suffix}" for name in TOPICS},
        audit_topic=f"audit.records.t{suffix}",
        outbox_poll_interval_ms=50,
        log_level="WARNING",
    )
    for topic in (
        *map(settings.topic, TOPICS),
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
        s.topic("identity.events.v1"),
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
            g = PLACES.building_grids.c
            return await uow.session.scalar(select(g.grid_id).where(g.building_id == "B1")) == "G7"

    assert await eventually(placed), "identity's placement never reached the place directory"

    wo_topic, changed = s.topic("workorder.events.v1"), "community.workorder.changed.v1"
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
    al = s.topic("alarm.events.v1")
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
        alarm(
            CLEARED,
            "A1",
            at(4, 8),
            ack=at(4, 8 + 2 / 60),
            cleared=at(4, 8 + 20 / 60),
            false_alarm=True,  # the guard found burnt toast: a false alarm (误报)
        ),
        "A1",
    )
    # deliveries: one sent, one failed
    dt = "community.notification.delivered.v1"
    await h.send(
        s.topic("notification.deliveries.v1"), dt, delivered("D1", "sent", at(4, 8.1)), "r-D1"
    )
    await h.send(
        s.topic("notification.deliveries.v1"), dt, delivered("D2", "failed", at(4, 8.2)), "r-D2"
    )
    # an in-app message sent, then read by its recipient
    await h.send(
        s.topic("notification.deliveries.v1"),
        dt,
        delivered("D3", "sent", at(4, 8.3), "inapp"),
        "r-D3",
    )
    await h.send(
        s.topic("notification.deliveries.v1"),
        "community.notification.opened.v1",
        read("D3", at(4, 9)),
        "r-D3",
    )

    headers = h.staff()
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}

    async def complete() -> dict[str, dict[str, Any]] | None:
        r = await h.client.get(KPIS, params=params, headers=headers)
        assert r.status_code == 200, r.text
        rows = _by_code(r.json())
        done = (
            rows["wo.rating_mean"]["n"] == 2
            and rows["alarm.clear_s"]["n"] == 1
            and rows["notify.delivery_rate"]["n"] == 3
            and rows["notify.read_rate"]["value"] == 1.0
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
    assert rows["notify.delivery_rate"]["value"] == pytest.approx(2 / 3)
    assert rows["notify.read_rate"]["value"] == 1.0
    assert rows["wo.rating_mean"]["name"] == "平均评分"
    assert rows["alarm.false_rate"]["value"] == pytest.approx(1.0)

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

    # paged: 39 KPIs (28 of services, 3 of welfare, 1 of training, 4 of legal services,
    # 3 of party affairs), 5 a page
    r = await h.client.get(KPIS, params={**params, "limit": 5}, headers=headers)
    page = r.json()
    assert (len(page["items"]), page["total"], page["next_offset"]) == (5, 39, 5)


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


SV = "SV-001"


def security_answers(**override: Any) -> dict[str, Any]:
    """Every community item 4, every SQ item 2 (reverse-scored: 4), recommend 8."""
    answers: dict[str, Any] = {f"c{n}": 4 for n in range(1, 7)}
    answers["used_emergency"] = "no"
    for n in range(1, 17):
        answers[f"sq{n:02d}"] = 2
    answers["recommend"] = 8
    answers.update(override)
    return {k: v for k, v in answers.items() if v is not None}


async def test_survey_answers_and_the_index_they_make(harness: Harness) -> None:
    h, s = harness, harness.settings
    households = [f"SVH{n:02d}" for n in range(20)]
    for hh in households:
        await h.send(
            s.topic("identity.events.v1"),
            "community.household.changed.v1",
            HouseholdChangedV1(
                aggregate_id=hh,
                household_id=hh,
                change="created",
                placement=Placement(
                    community_id=SV,
                    building_id="SB1",
                    unit_id="SU1",
                    room_id=f"R{hh}",
                    community_name="安宁里社区",
                    community_name_en="Anning Li",
                ),
                member_count=1,
                status="active",
                changed_by="admin",
                changed_at=at(1),
            ),
            key=hh,
        )

    async def all_placed() -> bool:
        async with h.app.state.runtime.db.uow(read_only=True) as uow:
            n = await uow.session.scalar(
                select(func.count()).where(PLACES.households.c.community_id == SV)
            )
            return n == len(households)

    assert await eventually(all_placed), "identity's placements never all arrived"

    manager = h.staff(SV)
    # a manager of another community may not publish here
    r = await h.client.post(
        SURVEYS, json={"community_id": SV, "questionnaire": "security"}, headers=h.staff("X-9")
    )
    assert (r.status_code, r.json()["code"]) == (403, "evaluation.out_of_scope")
    r = await h.client.post(
        SURVEYS, json={"community_id": SV, "questionnaire": "security"}, headers=manager
    )
    assert r.status_code == 201, r.text
    survey = r.json()
    assert survey["status"] == "open" and survey["anonymous"] is True
    assert survey["title"] == "社区居民安全感调查"
    url = f"{SURVEYS}/{survey['id']}"

    def resident(hh: str) -> dict[str, str]:
        return h.issuer.bearer(f"p-{hh}", grants=[Grant("resident", "household", hh)])

    # the survey is in the resident's list; a resident elsewhere does not see it
    r = await h.client.get(SURVEYS, headers=resident(households[0]))
    assert [x["id"] for x in r.json()["items"]] == [survey["id"]]
    # the list shows the survey as it was published (title, dates, unit), zh and en; its
    # questions (~10 KB) come with the survey itself, not with every row of the list
    shown = ("title", "status", "anonymous", "unit", "opens_at", "closes_at")
    assert {k: r.json()["items"][0][k] for k in shown} == {k: survey[k] for k in shown}
    assert "definition" not in r.json()["items"][0]
    one = await h.client.get(url, headers=resident(households[0]))
    assert one.status_code == 200 and one.json()["definition"] == survey["definition"]
    en = {**resident(households[0]), "Accept-Language": "en"}
    r = await h.client.get(SURVEYS, headers=en)
    assert r.json()["items"][0]["title"] == "Residents' sense of security survey"
    r = await h.client.get(
        SURVEYS, headers=h.issuer.bearer("x", grants=[Grant("resident", "household", "H1")])
    )
    assert r.json()["items"] == []

    # refusals: a required item missing, a hidden question answered (zh, and en)
    r = await h.client.post(
        f"{url}/responses", json={"answers": security_answers(c1=None)}, headers=resident("SVH00")
    )
    assert (r.status_code, r.json()["code"]) == (422, "evaluation.answer_missing")
    assert r.json()["detail"] == "这道题必须作答。" and r.json()["question_id"] == "c1"
    r = await h.client.post(
        f"{url}/responses",
        json={"answers": security_answers(emergency_speed=5)},
        headers={**resident("SVH00"), "Accept-Language": "en"},
    )
    assert (r.status_code, r.json()["code"]) == (422, "evaluation.answer_to_hidden_question")
    assert r.json()["detail"] == "This question does not apply given the earlier answers."

    submitted = []
    for hh in households:
        r = await h.client.post(
            f"{url}/responses", json={"answers": security_answers()}, headers=resident(hh)
        )
        assert r.status_code == 201, r.text
        submitted.append(r.json()["submitted_at"])
    r = await h.client.post(
        f"{url}/responses", json={"answers": security_answers()}, headers=resident("SVH03")
    )
    assert (r.status_code, r.json()["code"]) == (409, "evaluation.already_answered")

    # anonymous: no stored response names the person or the household
    async with h.app.state.runtime.db.uow(read_only=True) as uow:
        stored = [
            (x.respondent_key, x.household_id)
            for x in (await uow.session.scalars(select(ResponseRow))).all()
        ]
    assert len(stored) == 20
    assert all(key.startswith("anon:") and household is None for key, household in stored)
    assert not any("SVH" in key for key, _ in stored)

    r = await h.client.get(f"{url}/results", headers=manager)
    assert r.status_code == 200, r.text
    results = r.json()
    assert results["responses"] == 20 and results["by_building"] == {"SB1": 20}
    scores = {
        d["dimension"]: (d["name"], d["score"], d["respondents"]) for d in results["dimensions"]
    }
    assert scores["community"][1:] == (pytest.approx(75.0), 20)
    assert scores["interpersonal"][1:] == (pytest.approx(75.0), 20)
    assert scores["control"][1:] == (pytest.approx(75.0), 20)
    r = await h.client.get(f"{url}/results", headers=resident("SVH00"))
    assert (r.status_code, r.json()["code"]) == (403, "evaluation.out_of_scope")

    # the month's indices: 安全感 from the survey alone (SV-001 has no KPI events), so the
    # survey part carries the whole weight: (0.5·75 + 0.25·75 + 0.25·75) = 75, coverage 0.6
    from datetime import datetime as _dt

    month = period_of(_dt.fromisoformat(submitted[-1]), Granularity.MONTH).key
    r = await h.client.post(
        f"{INDICES}/compute", json={"community_id": SV, "period": month}, headers=manager
    )
    assert r.status_code == 200, r.text
    figs = {f["index"]: f for f in r.json()["figures"]}
    sec = figs["security"]
    assert (sec["name"], sec["method_version"]) == ("安全感", "2026.1")
    assert sec["value"] == pytest.approx(75.0)
    assert sec["coverage"] == pytest.approx(0.6)
    leaf = {x["code"]: x for x in sec["leaves"]}
    assert (leaf["community"]["name"], leaf["community"]["n"], leaf["community"]["inputs"]) == (
        "社区安全感知",
        20,
        20,
    )
    assert leaf["alarm.false_rate"]["status"] == "no_data"
    assert figs["gain"]["value"] is None  # nothing measured: no figure rather than a 0
    # computing again replaces the figure (one per community, month, index, method)
    r = await h.client.post(
        f"{INDICES}/compute", json={"community_id": SV, "period": month}, headers=manager
    )
    r = await h.client.get(
        INDICES, params={"community_id": SV, "index": "security"}, headers=manager
    )
    assert r.json()["total"] == 1 and r.json()["items"][0]["value"] == pytest.approx(75.0)
    # the list is serialised straight from the stored rows (api.indices.figure_item): each
    # listed figure is what the computation answered for it, key for key, in either language
    for lang in ("zh-CN", "en"):
        headers = {**manager, "Accept-Language": lang}
        r = await h.client.post(
            f"{INDICES}/compute", json={"community_id": SV, "period": month}, headers=headers
        )
        computed = {f["index"]: f for f in r.json()["figures"]}
        r = await h.client.get(INDICES, params={"community_id": SV}, headers=headers)
        assert r.status_code == 200, r.text
        listed = {f["index"]: f for f in r.json()["items"]}
        assert listed == computed and r.json()["total"] == 3
    assert listed["security"]["name"] == "Sense of security"
    assert listed["security"]["period_label"] != month  # as a person names the month

    r = await h.client.get(
        f"{INDICES}/security/explain", params={"community_id": SV, "period": month}, headers=manager
    )
    assert (r.status_code, r.json()["code"]) == (404, "evaluation.figure_not_found")
    officer = h.issuer.bearer("gov-1", grants=[Grant("gov_officer", "community", SV)])
    r = await h.client.get(
        f"{INDICES}/security/comparison", params={"period": month}, headers=officer
    )
    assert r.status_code == 200, r.text
    assert [(x["community_id"], x["rank"]) for x in r.json()["items"]] == [(SV, 1)]
    # the officer reads the community's name (identity's), not only its id
    assert [x["community_name"] for x in r.json()["items"]] == ["安宁里社区"]
    r = await h.client.post(
        f"{INDICES}/compute", json={"community_id": SV, "period": "2026-Q4"}, headers=manager
    )
    assert (r.status_code, r.json()["code"]) == (400, "evaluation.month_expected")

    # the month's report: JSON for the console, PDF for print
    report_url = f"/api/v1/evaluation/reports/{month}"
    params = {"community_id": SV, "community_name": "幸福里社区"}
    r = await h.client.get(report_url, params=params, headers=manager)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["community_name"] == "幸福里社区" and report["method_version"] == "2026.1"
    assert [(x["name"], round(x["value"], 3)) for x in report["indices"] if x["value"]] == [
        ("安全感", 75.0)
    ]
    assert report["responses"] == {"security": 20}
    # each KPI with how to show it (the console formats rates and durations)
    lines = {x["name"]: x for x in report["kpis"]}
    assert (lines["通知送达率"]["unit"], lines["通知送达率"]["better"]) == ("rate", "higher")
    assert (lines["首次响应时长"]["unit"], lines["首次响应时长"]["better"]) == ("seconds", "lower")
    r = await h.client.get(report_url, params={**params, "format": "pdf"}, headers=manager)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "幸福里社区" in text and "安全感" in text
    r = await h.client.get(report_url, params=params, headers=resident("SVH00"))
    assert (r.status_code, r.json()["code"]) == (403, "evaluation.out_of_scope")
    # not named by the caller: the community as identity named it (the place directory)
    r = await h.client.get(report_url, params={"community_id": SV}, headers=manager)
    assert r.status_code == 200 and r.json()["community_name"] == "安宁里社区", r.text
    english = {**manager, "Accept-Language": "en"}
    r = await h.client.get(report_url, params={"community_id": SV}, headers=english)
    assert r.status_code == 200 and r.json()["community_name"] == "Anning Li", r.text


async def test_a_caller_of_one_community_need_not_name_it(harness: Harness) -> None:
    """Issue 19 item 2: the community follows from the caller's one grant; a caller of
    several is told to name ``community_id``, the communities said by their names (as
    identity named them to the place directory), never by id."""
    h, s = harness, harness.settings
    named = {"ONE-019": ("和平里社区", "Heping Li"), "TWO-019": ("紫荆苑", None)}
    for community, (zh, en) in named.items():
        hh = f"H-{community}"
        await h.send(
            s.topic("identity.events.v1"),
            "community.household.changed.v1",
            HouseholdChangedV1(
                aggregate_id=hh,
                household_id=hh,
                change="created",
                placement=Placement(
                    community_id=community,
                    building_id=f"B-{community}",
                    unit_id=f"U-{community}",
                    room_id=f"R-{community}",
                    community_name=zh,
                    community_name_en=en,
                ),
                member_count=1,
                status="active",
                changed_by="admin",
                changed_at=at(1),
            ),
            key=hh,
        )

    async def both_placed() -> bool:
        async with h.app.state.runtime.db.uow(read_only=True) as uow:
            n = await uow.session.scalar(
                select(func.count()).where(PLACES.households.c.community_id.in_(list(named)))
            )
            return n == len(named)

    assert await eventually(both_placed), "identity's placements never arrived"

    one = h.staff("ONE-019")
    r = await h.client.get(KPIS, params={"period": "2026-11"}, headers=one)
    assert r.status_code == 200, r.text
    r = await h.client.get(INDICES, headers=one)
    assert r.status_code == 200, r.text
    r = await h.client.get("/api/v1/evaluation/reports/2026-11", headers=one)
    assert r.status_code == 200, r.text
    assert r.json()["community_name"] == "和平里社区"  # the one community, as named
    r = await h.client.post(SURVEYS, json={"questionnaire": "happiness"}, headers=one)
    assert r.status_code == 201, r.text
    assert r.json()["community_id"] == "ONE-019"

    two = h.issuer.bearer(
        "manager-of-two",
        grants=[Grant("property_manager", "community", c) for c in named],
    )
    for method, path, params, body in (
        ("GET", KPIS, {"period": "2026-11"}, None),
        ("GET", "/api/v1/evaluation/reports/2026-11", {}, None),
        ("POST", SURVEYS, {}, {"questionnaire": "happiness"}),
    ):
        r = await h.client.request(method, path, headers=two, params=params, json=body)
        assert r.status_code == 422, (path, r.text)
        problem = r.json()
        assert (problem["code"], problem["field"], problem["choices"]) == (
            "place.ambiguous",
            "community_id",
            sorted(named),
        )
        assert problem["detail"] == (
            "您可在多个地点办理，请在 community_id 中指明其一：和平里社区、紫荆苑"
        )
        assert problem["messages"]["en"] == (
            "You act in several places: name one in community_id: Heping Li, 紫荆苑"
        )
