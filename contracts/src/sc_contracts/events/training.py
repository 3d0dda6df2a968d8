"""Events of gov-affairs about safety education and staff training (安全教育与培训, 6.1.4 f)."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class TrainingRecordChangedV1(EventData):
    """A person's record on a course moved: a lesson read, a quiz attempted, the course
    completed. Ids and codes only: no name, no answers, no course text."""

    course_id: str = Field(min_length=1, max_length=64, description="Course id; the message key.")
    community_id: str = Field(min_length=1, max_length=64, description="Community of the course.")
    person_id: str = Field(min_length=1, max_length=64, description="Account of the learner.")
    audience: str = Field(min_length=1, max_length=16, description="residents or staff.")
    action: str = Field(
        min_length=1, max_length=16, description="lesson_read, quiz_attempted or completed."
    )
    lessons_read: int = Field(ge=0, le=100, description="Lessons of the course read so far.")
    best_percent: int | None = Field(
        default=None, ge=0, le=100, description="Best quiz score in percent, if attempted."
    )
    completed: bool = Field(description="True once the course is completed.")
    valid_until: AwareDatetime | None = Field(
        default=None, description="Until when a completion counts, for a course that expires."
    )
    occurred_at: AwareDatetime = Field(description="When.")
