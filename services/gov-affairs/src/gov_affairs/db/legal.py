"""Tables of legal services (法律服务, 6.5.4): the community's lawyers and legal advisers
(社区律师/法律顾问), the consultation slots the committee publishes, residents' bookings
(one per slot, held by a partial unique index, never by Python), the outcome the lawyer
records, the resident's rating; and the states of mediation cases (矛盾调解) as
work-orders' events tell them, which a booking may name."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow
from sc_core.privacy import EncryptedString


class LawyerRow(Base):
    __tablename__ = "legal_lawyers"
    __table_args__ = (
        UniqueConstraint("account_id", "community_id"),
        Index("ix_legal_lawyers_community", "community_id", "created_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    account_id: Mapped[str] = mapped_column(Account)  # the lawyer's own account
    name: Mapped[str] = mapped_column(EncryptedString(context="legal_lawyer.name"))
    kind: Mapped[str] = mapped_column(String(16))  # lawyer | adviser
    firm: Mapped[str] = mapped_column(String(120))
    specialties: Mapped[list[str]] = mapped_column(JSONB, default=list)
    intro: Mapped[str] = mapped_column(String(1000), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LegalSlotRow(Base):
    """A consultation time of one lawyer; the fee in fen (0: free) is recorded, never
    charged here."""

    __tablename__ = "legal_slots"
    __table_args__ = (
        UniqueConstraint("lawyer_id", "starts_at"),
        CheckConstraint("fee_fen >= 0", name="fee_not_negative"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_legal_slots_community", "community_id", "starts_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    lawyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("legal_lawyers.id"))
    community_id: Mapped[str] = mapped_column(Place)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    mode: Mapped[str] = mapped_column(String(16))  # in_person | phone | video
    place: Mapped[str] = mapped_column(String(200), default="")
    fee_fen: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    published_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LegalBookingRow(Base):
    __tablename__ = "legal_bookings"
    __table_args__ = (
        # one live booking per slot, and a resident in one place at a time: the database
        # decides between two residents booking at once
        Index(
            "ux_legal_bookings_slot",
            "slot_id",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
        ),
        Index(
            "ux_legal_bookings_resident_time",
            "resident",
            "starts_at",
            unique=True,
            postgresql_where=text("status = 'booked'"),
        ),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        Index("ix_legal_bookings_community", "community_id", "starts_at", "id"),
        Index("ix_legal_bookings_lawyer", "lawyer_id", "starts_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("legal_slots.id"))
    lawyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("legal_lawyers.id"))
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    resident: Mapped[str] = mapped_column(Account, index=True)
    starts_at: Mapped[datetime]
    topic: Mapped[str] = mapped_column(String(24))  # what kind of matter
    question: Mapped[str] = mapped_column(String(1000))
    fee_fen: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # booked | cancelled | done
    case_id: Mapped[str | None] = mapped_column(String(64))  # a mediation work order
    outcome: Mapped[str | None] = mapped_column(String(2000))
    outcome_by: Mapped[str | None] = mapped_column(Account)
    outcome_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None]
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]


class MediationCaseRow(Base):
    """A mediation case's state as work-orders' events tell it (the last step wins)."""

    __tablename__ = "legal_mediation_cases"
    work_order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    status: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime]
