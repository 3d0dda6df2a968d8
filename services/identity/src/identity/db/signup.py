"""Residents who signed up themselves asking to join a household (入户申请)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from identity.db.base import Base, IdMixin


class JoinRequest(IdMixin, Base):
    """An account asks to be registered in a room's household with a relation; the
    property (or the household's owner) approves or rejects it."""

    __tablename__ = "join_requests"
    __table_args__ = (
        Index(
            "uq_join_requests_pending",
            "account_id",
            "room_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_join_requests_tenancy_due",
            "ends_on",
            postgresql_where=text("ends_on IS NOT NULL AND ended_at IS NULL"),
        ),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    community_id: Mapped[uuid.UUID] = mapped_column(index=True)
    building_id: Mapped[uuid.UUID]
    unit_id: Mapped[uuid.UUID]
    room_id: Mapped[uuid.UUID] = mapped_column(index=True)
    household_id: Mapped[uuid.UUID | None]
    relation: Mapped[str] = mapped_column(String(16))  # owner | family | tenant
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(200))
    # a tenant's tenancy (issue 19 item 8): the day it ends (in the community's zone: from
    # that day the grant is gone), when the owner was told it is ending, when it ended
    ends_on: Mapped[date | None]
    reminded_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class HouseholdInvitation(IdMixin, Base):
    """A single-use code a household's owner (or the property) gives a family member or a
    tenant: whoever signs in with it joins the household at once. Only its digest is kept."""

    __tablename__ = "household_invitations"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    community_id: Mapped[uuid.UUID] = mapped_column(index=True)
    relation: Mapped[str] = mapped_column(String(16))  # family | tenant
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[uuid.UUID | None]
    ends_on: Mapped[date | None]  # a tenant's: the day the tenancy ends
