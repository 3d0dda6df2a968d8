"""Editing a course (安全教育培训, 6.1.4 f): ``PATCH /api/v1/training/courses/{id}``, the
fields sent replacing the course's (title, lessons, quiz, roles, ``valid_months``)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gov_affairs.api.deps import TrainingCoursesDep
from gov_affairs.api.training import CourseRead, LessonIn, QuizIn, Role, course_read
from gov_affairs.usecases.training import Taken
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/training", tags=["training"])


class CourseUpdate(BaseModel):
    """Only what is sent changes; ``quiz: null`` takes the quiz away, ``valid_months:
    null`` makes a completion count for good; the audience is not changed."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=120)
    lessons: list[LessonIn] | None = Field(default=None, min_length=1, max_length=50)
    quiz: QuizIn | None = None
    roles: list[Role] | None = Field(default=None, max_length=17)
    valid_months: int | None = Field(
        default=None, ge=1, le=120, description="how long a completion counts, in months"
    )

    @model_validator(mode="after")
    def _sensible(self) -> CourseUpdate:
        for name in ("title", "lessons", "roles"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be emptied")
        if not self.model_fields_set:
            raise ValueError("nothing to change")
        lessons = [lesson.key for lesson in self.lessons or []]
        questions = [q.key for q in self.quiz.questions] if self.quiz else []
        if len(set(lessons)) != len(lessons) or len(set(questions)) != len(questions):
            raise ValueError("lesson and question keys are each unique")
        return self


@router.patch("/courses/{course_id}", summary="Change a course (title, lessons, quiz, validity)")
async def update_course(
    course_id: uuid.UUID, body: CourseUpdate, who: CurrentCaller, courses: TrainingCoursesDep
) -> CourseRead:
    """community_admin, gov_officer or property_manager of the course's community. Records
    stand: a completed course stays completed; a new lesson is read by those taking it."""
    changes = body.model_dump(include=body.model_fields_set, mode="json")
    row, course = await courses.update(who, course_id, changes)
    return course_read(Taken(row, course, None, answers_visible=True))
