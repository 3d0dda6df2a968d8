"""Tables of the tasks a district or city platform sends down (issue 25 item 2): the task as
received (once per sender and task id), and what it became in each community it names (a
case of work-orders, a notice) with the state last reported back."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow


class CityTaskRow(Base):
    """A task sent down, as received."""

    __tablename__ = "city_tasks"
    __table_args__ = (
        UniqueConstraint("sender_code", "external_id", name="uq_city_tasks_sender_task"),
        Index("ix_city_tasks_received", "received_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(index=True)
    sender_code: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    communities: Mapped[list[str]] = mapped_column(JSONB)
    building_id: Mapped[str | None] = mapped_column(Place)
    due_at: Mapped[datetime | None] = mapped_column()
    content_sha256: Mapped[str] = mapped_column(String(64))
    received_by: Mapped[str] = mapped_column(Account)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class CityTaskItemRow(Base):
    """What a task became in one community: its case (requested of work-orders; the id
    of this row is the case's external reference) or its notice, and the state last
    reported back to the sender."""

    __tablename__ = "city_task_items"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    task_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("city_tasks.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[str] = mapped_column(Place, index=True)
    work_order_id: Mapped[str | None] = mapped_column(Place)
    notice_id: Mapped[uuid.UUID | None] = mapped_column()
    state: Mapped[str] = mapped_column(String(16))
    state_at: Mapped[datetime] = mapped_column(default=utcnow)
