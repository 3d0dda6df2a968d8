"""Editing a course and the training records on gov.training.v1, on PostgreSQL and Kafka
(6.1.4 f): the committee changes a staff course's title, adds a lesson and a quiz and makes
a completion count for 12 months; bad input is problem+json in the reader's language; a
guard who completed it before stays completed, another reads, attempts and completes it;
each move of a record is an event of ids and codes only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from gov_affairs.domain.welfare import add_months
from gov_affairs_helpers import Harness
from sc_contracts.events import TrainingRecordChangedV1

STAFF_COURSE: dict[str, Any] = {
    "title": "消防控制室值班规程",
    "audience": "staff",
    "roles": ["property_staff"],
    "lessons": [{"key": "duty", "kind": "article", "title": "值班规程", "body": "每班两人……"}],
}
QUIZ = {
    "pass_percent": 100,
    "questions": [
        {"key": "q1", "text": "值班室至少几人？", "choices": ["一人", "两人"], "correct": [1]}
    ],
}


async def test_a_course_changed_and_its_records_on_the_topic(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.staff(community, "trainer-1", "community_admin")
    elsewhere = h.staff(f"c-{uuid.uuid4().hex[:8]}", "trainer-2", "community_admin")
    first, second = f"guard-{uuid.uuid4().hex[:6]}", f"guard-{uuid.uuid4().hex[:6]}"
    guard1 = h.staff(community, first, "property_staff")
    guard2 = h.staff(community, second, "property_staff")
    made = await h.client.post(
        "/api/v1/training/courses", headers=admin, json={"community_id": community, **STAFF_COURSE}
    )
    assert made.status_code == 201, made.text
    course_id = made.json()["id"]
    url = f"/api/v1/training/courses/{course_id}"
    done = await h.client.post(f"{url}/lessons/duty/read", headers=guard1)
    assert done.json()["mine"]["completed_at"] is not None

    async def patch(who: dict[str, str], body: dict[str, Any], **headers: str) -> Any:
        return await h.client.patch(url, headers={**who, **headers}, json=body)

    assert (await patch(guard1, {"title": "新标题"})).status_code == 403
    assert (await patch(elsewhere, {"title": "新标题"})).json()["code"] == "training.not_found"
    no_link = await patch(admin, {"lessons": [{"key": "v", "kind": "video", "title": "没有链接"}]})
    assert (no_link.status_code, no_link.json()["code"]) == (422, "request.validation_failed")
    assert no_link.json()["detail"] == "请求中有填写不正确的内容"
    # the editor shows the field's own words: which lesson lacks what
    assert [e["message"] for e in no_link.json()["errors"]] == ["课时“没有链接”需要视频链接"]
    no_link_en = await patch(
        admin,
        {"lessons": [{"key": "v", "kind": "video", "title": "没有链接"}]},
        **{"Accept-Language": "en"},
    )
    assert [e["message"] for e in no_link_en.json()["errors"]] == [
        "The lesson “没有链接” needs a video link"
    ]
    audience = await patch(admin, {"audience": "residents"}, **{"Accept-Language": "en"})
    assert audience.status_code == 422
    assert audience.json()["detail"] == "The request has invalid fields"
    nothing = await patch(admin, {})
    assert nothing.status_code == 422
    emptied = await patch(admin, {"title": None})
    assert emptied.status_code == 422
    assert (await h.client.get(url, headers=admin)).json()["title"] == "消防控制室值班规程"

    lessons = [
        *STAFF_COURSE["lessons"],
        {
            "key": "signs",
            "kind": "images",
            "title": "消防标识",
            "images": ["https://img.example.cn/signs-1.png"],
        },
    ]
    changed = await patch(
        admin,
        {
            "title": "消防控制室值班规程（2027版）",
            "lessons": lessons,
            "quiz": QUIZ,
            "valid_months": 12,
        },
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["title"], body["lessons"], body["has_quiz"], body["valid_months"]) == (
        "消防控制室值班规程（2027版）",
        2,
        True,
        12,
    )
    assert [lesson["key"] for lesson in body["content"]] == ["duty", "signs"]
    assert body["audience_name"]["zh"] == "工作人员培训" and body["updated_at"] is not None

    # the first guard's completion stands, now counting for 12 months
    kept = (await h.client.get(url, headers=guard1)).json()["mine"]
    completed_at = datetime.fromisoformat(kept["completed_at"])
    assert datetime.fromisoformat(kept["valid_until"]).date() == add_months(completed_at.date(), 12)
    # the second reads the first lesson, passes the quiz, reads the new lesson: completed
    await h.client.post(f"{url}/lessons/duty/read", headers=guard2)
    await h.client.post(f"{url}/lessons/duty/read", headers=guard2)  # again: no event
    tried = await h.client.post(
        f"{url}/attempts", headers=guard2, json={"answers": [{"question": "q1", "choices": [1]}]}
    )
    assert tried.json()["passed"] is True and tried.json()["completed"] is False
    last = await h.client.post(f"{url}/lessons/signs/read", headers=guard2)
    assert last.json()["mine"]["valid_until"] is not None

    def of_course(evs: list[Any]) -> list[Any]:
        return [e for e in evs if e.data["course_id"] == course_id]

    events = of_course(await h.read(TrainingRecordChangedV1, lambda evs: len(of_course(evs)) >= 4))
    assert [(e.data["person_id"], e.data["action"]) for e in events] == [
        (first, "completed"),
        (second, "lesson_read"),
        (second, "quiz_attempted"),
        (second, "completed"),
    ]
    final = events[-1].data
    assert (final["community_id"], final["audience"], final["lessons_read"]) == (
        community,
        "staff",
        2,
    )
    assert final["best_percent"] == 100 and final["completed"] is True
    assert final["valid_until"] is not None and events[0].data["valid_until"] is None
    assert set(final) == {
        "course_id",
        "community_id",
        "person_id",
        "audience",
        "action",
        "lessons_read",
        "best_percent",
        "completed",
        "valid_until",
        "occurred_at",
    }
