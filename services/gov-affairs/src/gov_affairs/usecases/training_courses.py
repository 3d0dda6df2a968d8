"""Editing a safety-education or training course (6.1.4 f): the community's office changes
its title, lessons (content and materials: articles, images, video links, emergency plans),
roles, quiz or how long a completion counts (``valid_months``). What is sent replaces what
was there; the whole course is checked again (422 ``training.invalid_course`` in words).
Records stand: a completed course stays completed, a new lesson is read by those still
taking it. Who may: as for writing one (community_admin, gov_officer, property_manager)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError

from gov_affairs.db.training import CourseRow
from gov_affairs.domain import training as d
from gov_affairs.usecases.training import Training
from sc_core.auth import Caller
from sc_core.errors import Problem

EDITABLE = frozenset({"title", "lessons", "quiz", "roles", "valid_months"})


def _invalid(exc: ValidationError | ValueError) -> Problem:
    first: dict[str, Any] = dict(exc.errors()[0]) if isinstance(exc, ValidationError) else {}
    what = first.get("msg") or str(exc)
    said = (first.get("ctx") or {}).get("zh")  # the domain's own words (课时“…”需要正文)
    return Problem(
        422,
        "training.invalid_course",
        f"The course as changed is not complete: {what}",
        zh=f"修改后的课程内容不完整：{said}" if said else "修改后的课程内容不完整或有误",
    )


class Courses:
    def __init__(self, training: Training) -> None:
        self.t = training

    async def update(
        self, who: Caller, course_id: uuid.UUID, changes: dict[str, Any]
    ) -> tuple[CourseRow, d.Course]:
        unknown = sorted(set(changes) - EDITABLE)
        if unknown:
            raise Problem(
                422,
                "training.not_editable",
                f"These cannot be changed: {', '.join(unknown)}",
                zh="这些内容不能修改",
            )
        async with self.t.db.uow() as uow:
            row = await uow.session.get(CourseRow, course_id, with_for_update=True)
            if row is None or not self.t.staff_of(who, row.community_id):
                raise Problem(404, "training.not_found", "No such course", zh="没有这门课程")
            self.t.office(who, row.community_id)
            try:
                course = d.Course.model_validate({**row.data, **changes})
            except ValidationError as exc:
                raise _invalid(exc) from None
            row.title = course.title
            row.data = course.model_dump(mode="json")
            row.updated_by = who.subject
            row.updated_at = self.t.clock()
            await uow.audit(
                who,
                "training.course_update",
                "training_course",
                str(row.id),
                community_id=row.community_id,
                detail={"changed": sorted(changes)},
            )
            await uow.commit()
            return row, course
