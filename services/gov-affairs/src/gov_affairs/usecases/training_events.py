"""What the training service tells others: ``TrainingRecordChangedV1`` on ``gov.training.v1``
when a person's record on a course moves (ids and codes only: no name, answers or text)."""

from __future__ import annotations

from datetime import datetime

from gov_affairs.db.training import CourseRow
from gov_affairs.domain import training as d
from sc_contracts.events import TrainingRecordChangedV1
from sc_core.db.uow import UnitOfWork


async def record_changed(
    uow: UnitOfWork,
    row: CourseRow,
    person_id: str,
    before: d.Progress,
    after: d.Progress,
    step: str,
    now: datetime,
) -> None:
    """``step`` is ``lesson_read`` or ``quiz_attempted``; the step that completes the
    course is told as ``completed``; a lesson read again moves nothing and says nothing."""
    if before == after:
        return
    course = d.Course.model_validate(row.data)
    done = before.completed_at is None and after.completed_at is not None
    await uow.publish(
        TrainingRecordChangedV1(
            course_id=str(row.id),
            community_id=row.community_id,
            person_id=person_id,
            audience=course.audience,
            action="completed" if done else step,
            lessons_read=len(after.lessons_read),
            best_percent=max((a.percent for a in after.attempts), default=None),
            completed=after.completed_at is not None,
            valid_until=d.valid_until(course, after.completed_at),
            occurred_at=now,
        ),
        key=str(row.id),
    )
