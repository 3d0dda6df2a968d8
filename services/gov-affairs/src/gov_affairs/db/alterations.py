"""Table of alteration requests (装修/改建, 6.5.2 d): the domain's
:class:`~gov_affairs.domain.alterations.Alteration` and its approval run (ADR 0019) as JSON
beside the columns lists and the room register query; ``waiting_for`` holds the accounts
with a pending approval task (a signer's list is one containment query); ``sweep_at`` and
``remind_works_on`` are when the reminder sweep has something to tell."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow


class AlterationRow(Base):
    __tablename__ = "alterations"
    __table_args__ = (
        Index("ix_alterations_community", "community_id", "created_at", "id"),
        Index("ix_alterations_room", "room_id", "status"),
        Index("ix_alterations_sweep_at", "sweep_at", postgresql_where="sweep_at IS NOT NULL"),
        Index(
            "ix_alterations_remind_works_on",
            "remind_works_on",
            postgresql_where="remind_works_on IS NOT NULL",
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str] = mapped_column(Place)
    unit_id: Mapped[str | None] = mapped_column(Place)
    room_id: Mapped[str] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    applicant_id: Mapped[str] = mapped_column(Account)
    status: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)  # Alteration.model_dump(mode="json")
    run: Mapped[dict[str, Any]] = mapped_column(JSONB)  # the approval run (engine.Approval)
    waiting_for: Mapped[list[str]] = mapped_column(JSONB, default=list)
    # when the reminder sweep next looks at the approval (remind, then escalate), and the
    # day the works' planned end is told (None once told)
    sweep_at: Mapped[datetime | None] = mapped_column(default=None)
    remind_works_on: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
