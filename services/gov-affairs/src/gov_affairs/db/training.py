"""Tables of safety education and staff training (6.1.4 f): courses (the domain's
:class:`~gov_affairs.domain.training.Course` as JSON, quiz answers included, never sent to a
learner before they pass) and one progress record per person and course."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow


class CourseRow(Base):
    __tablename__ = "training_courses"
    __table_args__ = (Index("ix_training_courses_community", "community_id", "created_at", "id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    audience: Mapped[str] = mapped_column(String(16))  # residents | staff
    title: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)  # Course.model_dump(mode="json")
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(Account, default=None)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)


class ProgressRow(Base):
    """One person's record on one course: lessons read, quiz attempts, completion."""

    __tablename__ = "training_progress"
    __table_args__ = (Index("ix_training_progress_person", "person_id", "updated_at"),)
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_courses.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(Account, primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)  # Progress.model_dump(mode="json")
    best_percent: Mapped[int | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
