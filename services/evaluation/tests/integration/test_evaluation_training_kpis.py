"""Training completions from gov-affairs' real topic (gov.training.v1), through the KPI API
(6.1.4 f: safety education and staff training): each person's completion of a course counts
once, at the step that completed it; lessons read and failed attempts count nowhere, a
redelivered event or a later step changes nothing; residents' and staff's courses apart,
by the name the community office reads, in both languages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from evaluation_harness import Harness, harness_of

from evaluation_fixtures import COMMUNITY, at
from sc_contracts.events import TrainingRecordChangedV1
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_devinfra.waiting import eventually

TOPIC, TYPE = "gov.training.v1", "community.training_record.changed.v1"
KPIS = "/api/v1/evaluation/kpis"


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    async with harness_of(
        (TOPIC,),
        database_url=module_database_url,
        bootstrap=kafka_bootstrap,
        idempotence=kafka_idempotence,
        jwks_url=jwks_url,
        issuer=issuer,
    ) as h:
        yield h


def step(
    course: str,
    person: str,
    action: str,
    when: datetime,
    *,
    audience: str = "residents",
    read: int = 1,
    best: int | None = None,
    completed: bool | None = None,
) -> TrainingRecordChangedV1:
    return TrainingRecordChangedV1(
        course_id=course,
        community_id=COMMUNITY,
        person_id=person,
        audience=audience,
        action=action,
        lessons_read=read,
        best_percent=best,
        completed=action == "completed" if completed is None else completed,
        occurred_at=when,
    )


async def test_courses_completed_from_the_training_topic(harness: Harness) -> None:
    h = harness

    async def send(data: TrainingRecordChangedV1, id: str | None = None) -> str:
        return await h.send(TOPIC, TYPE, data, data.course_id, id=id)

    await send(step("fire", "p1", "lesson_read", at(2, 9)))
    await send(step("fire", "p1", "quiz_attempted", at(2, 10), best=40))  # failed: nothing
    done = await send(step("fire", "p1", "completed", at(3, 9), read=2, best=90))
    await send(step("fire", "p1", "completed", at(3, 9), read=2, best=90), id=done)  # again
    later = step("fire", "p1", "quiz_attempted", at(6, 9), read=2, best=100, completed=True)
    await send(later)  # after the completion: nothing more
    await send(step("fire", "p2", "lesson_read", at(4, 9)))  # started, not completed
    await send(step("fire", "p3", "completed", at(5, 9), read=2))
    await send(step("duty", "s1", "completed", at(7, 9), audience="staff", read=3, best=100))
    staff = h.issuer.bearer("ca", grants=[Grant("community_admin", "community", COMMUNITY)])
    params = {"community_id": COMMUNITY, "period": "2026-11", "limit": 100}

    async def counted() -> dict[str, Any] | None:
        r = await h.client.get(KPIS, params=params, headers=staff)
        assert r.status_code == 200, r.text
        rows = {x["code"]: x for x in r.json()["items"]}
        return rows["training.completed"] if rows["training.completed"]["value"] == 3 else None

    row = await eventually(counted, timeout=120)
    assert row, "the training events never all counted"
    assert row["name"] == "培训完成人次"
    assert "每人每门课程只计一次" in row["definition"]
    r = await h.client.get(KPIS, params=params, headers={**staff, "Accept-Language": "en"})
    names = {x["code"]: x["name"] for x in r.json()["items"]}
    assert names["training.completed"] == "Courses completed"

    # residents' and staff's courses apart, by name
    r = await h.client.get(f"{KPIS}/training.completed/services", params=params, headers=staff)
    assert r.status_code == 200, r.text
    assert sorted((x["name"], x["n"]) for x in r.json()["items"]) == [
        ("员工培训", 1),
        ("居民安全教育", 2),
    ]
