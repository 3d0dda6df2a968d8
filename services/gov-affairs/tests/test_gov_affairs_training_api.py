"""Safety education and staff training over HTTP on PostgreSQL and Kafka (6.1.4 f): the
committee writes a residents' course (an article, a video link, the alarm service's
emergency plan, a quiz) and a staff course for the property staff; a resident of the
community takes the residents' course, never sees the quiz's answers before passing, fails
and passes, and completes it with every lesson read; a resident of another community sees
nothing; the staff course is not shown to residents; the report counts completions and
names the property staff who have not taken it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from gov_affairs_helpers import Harness, eventually, owner, register
from sc_contracts.events import GrantChange, GrantChangedV1

COURSE: dict[str, Any] = {
    "title": "家庭消防安全",
    "audience": "residents",
    "lessons": [
        {
            "key": "fire_at_home",
            "kind": "article",
            "title": "家中起火怎么办",
            "body": "先断电，再用灭火器……",
        },
        {
            "key": "video",
            "kind": "video",
            "title": "灭火器的使用",
            "video_url": "https://v.example.cn/1.mp4",
        },
        {
            "key": "plan",
            "kind": "emergency_plan",
            "title": "小区火灾应急预案",
            "plan_id": "plan-fire-1",
        },
    ],
    "quiz": {
        "pass_percent": 100,
        "questions": [
            {
                "key": "q1",
                "text": "油锅起火应当？",
                "choices": ["用水浇", "盖锅盖"],
                "correct": [1],
            },
            {
                "key": "q2",
                "text": "哪些是火警电话以外的求助方式？",
                "choices": ["119", "拨打物业值班电话", "在业主群里呼救"],
                "correct": [1, 2],
            },
        ],
    },
}


async def _staff_grants(h: Harness, community: str, accounts: list[str]) -> None:
    now = datetime.now(UTC)
    for account in accounts:
        await h.send(
            GrantChangedV1(
                aggregate_id=account,
                account_id=account,
                grant_id=f"g-{account}",
                change=GrantChange.GRANTED,
                role="property_staff",
                scope_type="community",
                scope_id=community,
                community_id=community,
                changed_by="identity",
                changed_at=now,
            ),
            key=account,
        )
    grants = h.usecases.training.places.tables.grants
    assert grants is not None

    async def known() -> bool:
        async with h.usecases.training.db.uow(read_only=True) as uow:
            held = await uow.session.scalar(
                select(func.count()).select_from(grants).where(grants.c.community_id == community)
            )
        return held == len(accounts)

    await eventually(known, timeout=120, what="the property staff's grants from identity")


async def test_a_course_from_writing_to_the_report(harness: Harness, community: str) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0})
    resident = owner(h, homes["101"])
    stranger = owner(h, f"h-{uuid.uuid4().hex[:8]}")
    admin = h.staff(community, "trainer-1", "community_admin")
    guard = h.staff(community, f"guard-{uuid.uuid4().hex[:6]}", "property_staff")
    await _staff_grants(h, community, ["guard-a", "guard-b"])

    by_resident = await h.client.post(
        "/api/v1/training/courses", headers=resident, json={"community_id": community, **COURSE}
    )
    assert by_resident.status_code == 403, by_resident.text
    empty = dict(COURSE, lessons=[{"key": "x", "kind": "video", "title": "没有链接"}])
    bad = await h.client.post(
        "/api/v1/training/courses", headers=admin, json={"community_id": community, **empty}
    )
    assert bad.status_code == 422, bad.text
    made = await h.client.post(
        "/api/v1/training/courses", headers=admin, json={"community_id": community, **COURSE}
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/training/courses/{made.json()['id']}"
    assert made.json()["audience_name"]["zh"] == "居民安全教育"
    staff_course = await h.client.post(
        "/api/v1/training/courses",
        headers=admin,
        json={
            "community_id": community,
            "title": "消防控制室值班规程",
            "audience": "staff",
            "roles": ["property_staff"],
            "lessons": [{"key": "duty", "kind": "article", "title": "值班规程", "body": "……"}],
        },
    )
    assert staff_course.status_code == 201, staff_course.text

    # the resident sees the residents' course only, and no answer
    listed = (
        await h.client.get(f"/api/v1/training/courses?community_id={community}", headers=resident)
    ).json()
    assert [c["title"] for c in listed["items"]] == ["家庭消防安全"]
    as_guard = await h.client.get(
        f"/api/v1/training/courses?community_id={community}", headers=guard
    )
    assert {c["title"] for c in as_guard.json()["items"]} == {"家庭消防安全", "消防控制室值班规程"}
    seen = (await h.client.get(url, headers=resident)).json()
    assert [q["correct"] for q in seen["quiz"]["questions"]] == [None, None]
    assert seen["quiz"]["questions"][1]["multiple"] is True
    assert [lesson["plan_id"] for lesson in seen["content"]][2] == "plan-fire-1"
    assert (await h.client.get(url, headers=stranger)).status_code == 404
    assert (
        await h.client.get(f"/api/v1/training/courses?community_id={community}", headers=stranger)
    ).status_code == 403

    # a wrong attempt says which questions to read again, never the right choices
    wrong = await h.client.post(
        f"{url}/attempts",
        headers=resident,
        json={"answers": [{"question": "q1", "choices": [1]}, {"question": "q2", "choices": [1]}]},
    )
    assert wrong.status_code == 200, wrong.text
    body = wrong.json()
    assert (body["percent"], body["passed"], body["wrong"]) == (50, False, ["q2"])
    assert [q["correct"] for q in body["course"]["quiz"]["questions"]] == [None, None]
    unknown = await h.client.post(
        f"{url}/attempts", headers=resident, json={"answers": [{"question": "q9", "choices": [0]}]}
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "training.unknown_question"
    passed = (
        await h.client.post(
            f"{url}/attempts",
            headers=resident,
            json={
                "answers": [
                    {"question": "q1", "choices": [1]},
                    {"question": "q2", "choices": [2, 1]},
                ]
            },
        )
    ).json()
    assert (passed["passed"], passed["completed"]) == (True, False)  # the lessons are unread
    assert [q["correct"] for q in passed["course"]["quiz"]["questions"]] == [[1], [1, 2]]
    for key in ("fire_at_home", "video"):
        read = await h.client.post(f"{url}/lessons/{key}/read", headers=resident)
        assert read.status_code == 200 and read.json()["mine"]["completed_at"] is None
    missing = await h.client.post(f"{url}/lessons/nope/read", headers=resident)
    assert missing.status_code == 404 and missing.json()["code"] == "training.no_such_lesson"
    done = await h.client.post(f"{url}/lessons/plan/read", headers=resident)
    assert done.json()["mine"]["completed_at"] is not None
    assert done.json()["mine"]["best_percent"] == 100

    records = (await h.client.get("/api/v1/training/records", headers=resident)).json()
    assert [(r["title"], r["mine"]["completed_at"] is not None) for r in records["items"]] == [
        ("家庭消防安全", True)
    ]

    # the report: the residents' course completed once; the staff course owed by two
    assert (
        await h.client.get(f"/api/v1/training/report?community_id={community}", headers=guard)
    ).status_code == 403
    report = (
        await h.client.get(f"/api/v1/training/report?community_id={community}", headers=admin)
    ).json()
    figures = {r["title"]: (r["started"], r["completed"], r["expected"]) for r in report["items"]}
    assert figures == {"家庭消防安全": (1, 1, None), "消防控制室值班规程": (0, 0, 2)}
    owed = (
        await h.client.get(
            f"/api/v1/training/courses/{staff_course.json()['id']}/people", headers=admin
        )
    ).json()
    assert [(p["person_id"], p["completed"]) for p in owed["items"]] == [
        ("guard-a", False),
        ("guard-b", False),
    ]
