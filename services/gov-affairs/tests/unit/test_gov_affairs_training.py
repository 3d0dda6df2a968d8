"""Courses, quizzes and completion records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from gov_affairs.domain import training as tr

NOW = datetime(2026, 3, 2, tzinfo=UTC)
COURSE = tr.Course.model_validate(
    {
        "title": "家庭消防安全",
        "audience": "residents",
        "lessons": [
            {
                "key": "extinguisher",
                "kind": "article",
                "title": "灭火器的使用",
                "body": "提、拔、握、压。",
            },
            {
                "key": "plan",
                "kind": "emergency_plan",
                "title": "小区火灾应急预案",
                "plan_id": "plan-1",
            },
        ],
        "quiz": {
            "pass_percent": 60,
            "questions": [
                {
                    "key": "q1",
                    "text": "电动车可以在楼道充电吗？",
                    "choices": ["可以", "不可以"],
                    "correct": [1],
                },
                {
                    "key": "q2",
                    "text": "发现火情应拨打？",
                    "choices": ["110", "119", "120"],
                    "correct": [1],
                },
                {
                    "key": "q3",
                    "text": "逃生时应？",
                    "choices": ["乘电梯", "走楼梯", "低姿前进"],
                    "correct": [1, 2],
                    "points": 2,
                },
            ],
        },
    }
)


def test_scoring_is_all_or_nothing_per_question() -> None:
    assert COURSE.quiz is not None
    s = tr.score(COURSE.quiz, {"q1": [1], "q2": [1], "q3": [1]})
    assert (s.points, s.out_of, s.percent, s.passed, s.wrong) == (2, 4, 50, False, ("q3",))
    s = tr.score(COURSE.quiz, {"q1": [1], "q2": [1], "q3": [2, 1]})
    assert (s.percent, s.passed) == (100, True)


def test_completion_needs_every_lesson_and_a_passed_quiz() -> None:
    p = tr.Progress()
    p, s = tr.attempt(COURSE, p, {"q1": [1], "q2": [1], "q3": [1, 2]}, NOW)
    assert s.passed and p.completed_at is None
    p = tr.read_lesson(COURSE, p, "extinguisher", NOW)
    p = tr.read_lesson(COURSE, p, "extinguisher", NOW)
    assert p.lessons_read == ["extinguisher"] and p.completed_at is None
    p = tr.read_lesson(COURSE, p, "plan", NOW)
    assert p.completed_at == NOW


def test_lessons_need_their_content_and_questions_valid_answers() -> None:
    with pytest.raises(ValidationError):
        tr.Lesson(key="a", kind="video", title="t")
    with pytest.raises(ValidationError):
        tr.Question(key="q", text="?", choices=["a", "b"], correct=[2])
    with pytest.raises(ValidationError):
        tr.Lesson(key="a", kind="video", title="t", video_url="http://insecure")
