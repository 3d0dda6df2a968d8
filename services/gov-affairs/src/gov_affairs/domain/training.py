"""Safety education and staff training (6.1.4 f): courses, quizzes, completion records.

A course has lessons (an article, images, a video link, or one of the alarm service's
emergency plans as material) and may end with a quiz; a person completes it when every
lesson is read and, if there is a quiz, an attempt reached the pass mark. Answers are
checked here and never sent to the learner before they pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from gov_affairs.domain.welfare import add_months

Audience = Literal["residents", "staff"]
LessonKind = Literal["article", "images", "video", "emergency_plan"]
# what a lesson of each kind needs, said to the editor (its field errors carry the zh)
CONTENT = {
    "article": ("text", "正文"),
    "images": ("at least one image", "至少一张图片"),
    "video": ("a video link", "视频链接"),
    "emergency_plan": ("an emergency plan", "一个应急预案"),
}


class Lesson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    kind: LessonKind
    title: str = Field(min_length=1, max_length=120)
    body: str | None = Field(default=None, max_length=50000)
    images: list[str] = Field(default_factory=list, max_length=30)
    video_url: str | None = Field(default=None, pattern=r"^https://", max_length=500)
    plan_id: str | None = Field(default=None, max_length=64)  # the alarm service's plan

    @model_validator(mode="after")
    def _content(self) -> Lesson:
        need = {
            "article": self.body,
            "images": self.images,
            "video": self.video_url,
            "emergency_plan": self.plan_id,
        }[self.kind]
        if not need:
            en, zh = CONTENT[self.kind]
            raise PydanticCustomError(
                "training.lesson_empty",
                "The lesson {title} needs {what}",
                {"title": f"“{self.title}”", "what": en, "zh": f"课时“{self.title}”需要{zh}"},
            )
        return self


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    text: str = Field(min_length=1, max_length=500)
    choices: list[str] = Field(min_length=2, max_length=8)
    correct: list[int] = Field(min_length=1)  # indexes; more than one: a multiple choice
    points: int = Field(default=1, ge=1, le=100)

    @model_validator(mode="after")
    def _correct(self) -> Question:
        if any(i < 0 or i >= len(self.choices) for i in self.correct) or len(
            set(self.correct)
        ) != len(self.correct):
            raise PydanticCustomError(
                "training.bad_answers",
                "The right answers of {text} must be distinct choices of the question",
                {"text": f"“{self.text}”", "zh": f"题目“{self.text}”的正确选项须为不重复的选项"},
            )
        return self


class Quiz(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    questions: list[Question] = Field(min_length=1, max_length=100)
    pass_percent: int = Field(default=80, ge=1, le=100)


class Course(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=1, max_length=120)
    audience: Audience
    roles: list[str] = Field(default_factory=list)  # staff courses: which roles must take it
    lessons: list[Lesson] = Field(min_length=1, max_length=100)
    quiz: Quiz | None = None
    # how long a completion counts (staff retrain, e.g. every 12 months); None: for good
    valid_months: int | None = Field(default=None, ge=1, le=120)


def valid_until(course: Course, completed_at: datetime | None) -> datetime | None:
    """Until when a completion counts: ``valid_months`` after it, the same time of day."""
    if completed_at is None or course.valid_months is None:
        return None
    day = add_months(completed_at.date(), course.valid_months)
    return datetime.combine(day, completed_at.timetz())


@dataclass(frozen=True)
class Score:
    points: int
    out_of: int
    percent: int
    passed: bool
    wrong: tuple[str, ...]  # question keys answered wrongly (what to read again)


def score(quiz: Quiz, answers: dict[str, list[int]]) -> Score:
    """All-or-nothing per question: exactly the correct choices, no more, no fewer."""
    got = total = 0
    wrong = []
    for q in quiz.questions:
        total += q.points
        if sorted(answers.get(q.key, [])) == sorted(q.correct):
            got += q.points
        else:
            wrong.append(q.key)
    percent = got * 100 // total
    return Score(got, total, percent, percent >= quiz.pass_percent, tuple(wrong))


class Attempt(BaseModel):
    at: datetime
    percent: int
    passed: bool


class Progress(BaseModel):
    """One person's record on one course."""

    lessons_read: list[str] = Field(default_factory=list)
    attempts: list[Attempt] = Field(default_factory=list)
    completed_at: datetime | None = None


def read_lesson(course: Course, progress: Progress, key: str, now: datetime) -> Progress:
    if key not in {lesson.key for lesson in course.lessons}:
        raise ValueError("no such lesson")
    p = progress.model_copy(deep=True)
    if key not in p.lessons_read:
        p.lessons_read.append(key)
    return _complete(course, p, now)


def attempt(
    course: Course, progress: Progress, answers: dict[str, list[int]], now: datetime
) -> tuple[Progress, Score]:
    if course.quiz is None:
        raise ValueError("this course has no quiz")
    s = score(course.quiz, answers)
    p = progress.model_copy(deep=True)
    p.attempts.append(Attempt(at=now, percent=s.percent, passed=s.passed))
    return _complete(course, p, now), s


def _complete(course: Course, p: Progress, now: datetime) -> Progress:
    if p.completed_at is None:
        read_all = {lesson.key for lesson in course.lessons} <= set(p.lessons_read)
        quiz_ok = course.quiz is None or any(a.passed for a in p.attempts)
        if read_all and quiz_ok:
            p.completed_at = now
    return p
