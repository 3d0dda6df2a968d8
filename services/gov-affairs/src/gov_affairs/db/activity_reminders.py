"""The reminders sent the day before an activity: one row per activity, inserted before the
messages go, so one sweep of one replica sends them, once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Base, utcnow


class ActivityReminderRow(Base):
    __tablename__ = "activity_reminders"
    activity_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
