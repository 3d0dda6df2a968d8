"""Safety education and staff training (安全教育培训, 6.1.4 f): courses with lessons and a
quiz, each person's progress and completion, the community's training report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, model_validator

from gov_affairs.api.deps import TrainingDep
from gov_affairs.db.training import CourseRow, ProgressRow
from gov_affairs.domain import training as d
from gov_affairs.domain.text import Text
from gov_affairs.usecases.training import Taken
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.errors import Problem

router = APIRouter(prefix="/api/v1/training", tags=["training"])

AUDIENCES = {
    "residents": Text(zh="居民安全教育", en="safety education for residents"),
    "staff": Text(zh="工作人员培训", en="staff training"),
}
Url = Annotated[str, Field(pattern=r"^https://", max_length=500)]
Role = Annotated[str, Field(pattern=r"^[a-z_]+$", max_length=40)]
Key = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]


class LessonIn(d.Lesson):
    body: str | None = Field(default=None, max_length=20000)
    images: list[Url] = Field(default_factory=list, max_length=30)
    plan_id: str | None = Field(
        default=None, max_length=64, description="an emergency plan of the alarm service"
    )


class QuestionIn(d.Question):
    choices: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=2, max_length=8
    )
    correct: list[Annotated[int, Field(ge=0, le=7)]] = Field(min_length=1, max_length=8)


class QuizIn(d.Quiz):
    questions: list[QuestionIn] = Field(min_length=1, max_length=50)  # type: ignore[assignment]


class CourseCreate(d.Course):
    community_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=120, examples=["家庭消防安全"])
    roles: list[Role] = Field(
        default_factory=list, max_length=17, description="staff courses: the roles that take it"
    )
    lessons: list[LessonIn] = Field(min_length=1, max_length=50)  # type: ignore[assignment]
    quiz: QuizIn | None = None

    @model_validator(mode="after")
    def _unique_keys(self) -> CourseCreate:
        lessons = [lesson.key for lesson in self.lessons]
        questions = [q.key for q in self.quiz.questions] if self.quiz else []
        if len(set(lessons)) != len(lessons) or len(set(questions)) != len(questions):
            raise ValueError("lesson and question keys are each unique")
        return self


class Answer(BaseModel):
    question: Key
    choices: list[Annotated[int, Field(ge=0, le=7)]] = Field(max_length=8)


class AttemptCreate(BaseModel):
    answers: list[Answer] = Field(max_length=50)


class MyProgress(BaseModel):
    lessons_read: list[str]
    attempts: int
    best_percent: int | None
    completed_at: datetime | None
    valid_until: datetime | None = Field(
        default=None, description="until when the completion counts (a course that expires)"
    )


class QuestionRead(BaseModel):
    key: str
    text: str
    choices: list[str]
    points: int
    multiple: bool = Field(description="more than one choice is right")
    correct: list[int] | None = Field(
        default=None, description="only once the caller has passed (or wrote the course)"
    )


class QuizRead(BaseModel):
    pass_percent: int
    questions: list[QuestionRead]


class CourseSummary(BaseModel):
    id: uuid.UUID
    community_id: str
    title: str
    audience: str
    audience_name: Text
    roles: list[str]
    lessons: int
    has_quiz: bool
    valid_months: int | None = Field(description="how long a completion counts; null: for good")
    created_at: datetime
    updated_at: datetime | None
    mine: MyProgress | None = None


class CourseRead(CourseSummary):
    content: list[d.Lesson] = Field(description="the lessons")
    quiz: QuizRead | None


class AttemptRead(BaseModel):
    percent: int
    passed: bool
    wrong: list[str] = Field(description="the questions answered wrongly (read them again)")
    completed: bool
    course: CourseRead


class RecordRead(BaseModel):
    course_id: uuid.UUID
    community_id: str
    title: str
    audience: str
    mine: MyProgress


class CourseFiguresRead(BaseModel):
    course_id: uuid.UUID
    title: str
    audience: str
    audience_name: Text
    roles: list[str]
    started: int
    completed: int
    expected: int | None = Field(description="staff courses: who holds the roles it names")


class PersonRecordRead(BaseModel):
    person_id: str
    roles: list[str]
    lessons_read: int
    best_percent: int | None
    completed: bool
    completed_at: datetime | None


def _mine(p: ProgressRow | None, course: d.Course) -> MyProgress | None:
    if p is None:
        return None
    progress = d.Progress.model_validate(p.data)
    return MyProgress(
        lessons_read=progress.lessons_read,
        attempts=len(progress.attempts),
        best_percent=p.best_percent,
        completed_at=p.completed_at,
        valid_until=d.valid_until(course, p.completed_at),
    )


def _summary(row: CourseRow, course: d.Course, p: ProgressRow | None) -> CourseSummary:
    return CourseSummary(
        id=row.id,
        community_id=row.community_id,
        title=course.title,
        audience=course.audience,
        audience_name=AUDIENCES[course.audience],
        roles=course.roles,
        lessons=len(course.lessons),
        has_quiz=course.quiz is not None,
        valid_months=course.valid_months,
        created_at=row.created_at,
        updated_at=row.updated_at,
        mine=_mine(p, course),
    )


def course_read(t: Taken) -> CourseRead:
    quiz = None
    if t.course.quiz is not None:
        quiz = QuizRead(
            pass_percent=t.course.quiz.pass_percent,
            questions=[
                QuestionRead(
                    key=q.key,
                    text=q.text,
                    choices=q.choices,
                    points=q.points,
                    multiple=len(q.correct) > 1,
                    correct=q.correct if t.answers_visible else None,
                )
                for q in t.course.quiz.questions
            ],
        )
    base = _summary(t.row, t.course, t.progress)
    return CourseRead(**base.model_dump(), content=list(t.course.lessons), quiz=quiz)


@router.post("/courses", status_code=201, summary="Write a course (lessons and a quiz)")
async def create_course(
    body: CourseCreate, who: CurrentCaller, training: TrainingDep
) -> CourseRead:
    """community_admin, gov_officer or property_manager of the community. A lesson is an
    article, images, a video link (https) or one of the alarm service's emergency plans."""
    try:
        course = d.Course.model_validate(body.model_dump(exclude={"community_id"}))
    except ValueError as exc:  # the domain's own checks, already passed by the body's
        raise Problem(422, "training.invalid_course", str(exc), zh="课程内容不完整") from None
    row = await training.create(who, body.community_id, course)
    return course_read(Taken(row, course, None, answers_visible=True))


@router.get("/courses", summary="The community's courses, the newest first")
async def list_courses(
    who: CurrentCaller,
    training: TrainingDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[CourseSummary]:
    """Residents see the residents' courses, the community's staff every course."""
    taken, total = await training.page(
        who, community_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([_summary(t.row, t.course, t.progress) for t in taken], total, paging)


@router.get("/courses/{course_id}", summary="A course with its lessons and quiz")
async def get_course(course_id: uuid.UUID, who: CurrentCaller, training: TrainingDep) -> CourseRead:
    """The quiz's right answers only once the caller has passed it."""
    return course_read(await training.get(who, course_id))


@router.post("/courses/{course_id}/lessons/{lesson_key}/read", summary="Mark a lesson as read")
async def read_lesson(
    course_id: uuid.UUID,
    who: CurrentCaller,
    training: TrainingDep,
    lesson_key: str = Path(max_length=40),
) -> CourseRead:
    return course_read(await training.read_lesson(who, course_id, lesson_key))


@router.post("/courses/{course_id}/attempts", summary="Answer the quiz")
async def attempt(
    course_id: uuid.UUID, body: AttemptCreate, who: CurrentCaller, training: TrainingDep
) -> AttemptRead:
    """Scored at once: each question right only with exactly its right choices. The right
    answers come back only with a pass."""
    answers = {a.question: a.choices for a in body.answers}
    done = await training.attempt(who, course_id, answers)
    progress = done.taken.progress
    return AttemptRead(
        percent=done.score.percent,
        passed=done.score.passed,
        wrong=list(done.score.wrong),
        completed=progress is not None and progress.completed_at is not None,
        course=course_read(done.taken),
    )


@router.get("/records", summary="My training records, the latest first")
async def my_records(who: CurrentCaller, training: TrainingDep, paging: Paging) -> Page[RecordRead]:
    rows, total = await training.records(who, paging.limit, paging.offset, cursor=paging.cursor)
    items = []
    for p, c in rows:
        mine = _mine(p, d.Course.model_validate(c.data))
        assert mine is not None
        items.append(
            RecordRead(
                course_id=c.id,
                community_id=c.community_id,
                title=c.title,
                audience=c.audience,
                mine=mine,
            )
        )
    return Page.of(items, total, paging)


@router.get("/report", summary="The community's training report, course by course")
async def report(
    who: CurrentCaller,
    training: TrainingDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[CourseFiguresRead]:
    """community_admin, gov_officer, property_manager of the community (audited)."""
    figures, total = await training.report(who, community_id, paging.limit, paging.offset)
    items = []
    for f in figures:
        course = d.Course.model_validate(f.row.data)
        items.append(
            CourseFiguresRead(
                course_id=f.row.id,
                title=course.title,
                audience=course.audience,
                audience_name=AUDIENCES[course.audience],
                roles=course.roles,
                started=f.started,
                completed=f.completed,
                expected=f.expected,
            )
        )
    return Page.of(items, total, paging)


@router.get("/courses/{course_id}/people", summary="Who took a course and who has not yet")
async def people(
    course_id: uuid.UUID, who: CurrentCaller, training: TrainingDep, paging: Paging
) -> Page[PersonRecordRead]:
    """Staff courses list every holder of the roles they name first, started or not."""
    _, people, total = await training.people(who, course_id, paging.limit, paging.offset)
    return Page.of(
        [
            PersonRecordRead(
                person_id=p.person_id,
                roles=p.roles,
                lessons_read=p.lessons_read,
                best_percent=p.best_percent,
                completed=p.completed_at is not None,
                completed_at=p.completed_at,
            )
            for p in people
        ],
        total,
        paging,
    )
