"""Tables of volunteers (志愿者, 6.5.2 c): the register (who a volunteer is stays encrypted,
found by the ID number's blind index), the services the community publishes, residents'
bookings, hours records (never edited: a correction is a new record naming the one it
replaces) and the time bank's spending."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow
from sc_core.privacy import EncryptedString

Hours = Numeric(8, 1)


class VolunteerRow(Base):
    __tablename__ = "volunteers"
    __table_args__ = (
        # the first column names the constraint (uq_volunteers_<column>)
        UniqueConstraint("id_number_idx", "community_id"),
        UniqueConstraint("account_id", "community_id"),
        UniqueConstraint("seq", "community_id"),
        Index("ix_volunteers_community_status", "community_id", "status"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    account_id: Mapped[str] = mapped_column(Account)  # the resident who registered
    name: Mapped[str] = mapped_column(EncryptedString(context="volunteer.name"))
    id_number: Mapped[str] = mapped_column(EncryptedString(context="volunteer.id_number"))
    id_number_idx: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedString(context="volunteer.phone"))
    skills: Mapped[list[str]] = mapped_column(JSONB, default=list)
    availability: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int | None] = mapped_column(Integer)  # the number's sequence in the community
    number: Mapped[str | None] = mapped_column(String(16), unique=True)
    certified_by: Mapped[str | None] = mapped_column(Account)
    certified_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))  # why it was suspended
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerServiceRow(Base):
    """A service (志愿服务项目) the community publishes with the volunteer assigned to it and
    the times residents may book."""

    __tablename__ = "volunteer_services"
    __table_args__ = (Index("ix_volunteer_services_community", "community_id", "created_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(1000))
    place: Mapped[str] = mapped_column(String(200))
    slots: Mapped[list[list[str]]] = mapped_column(JSONB)  # [[start, end]] ISO
    published_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerBookingRow(Base):
    __tablename__ = "volunteer_bookings"
    __table_args__ = (
        Index(
            "ux_volunteer_bookings_slot",
            "service_id",
            "starts_at",
            unique=True,
            postgresql_where=text("status = 'booked'"),
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteer_services.id"))
    community_id: Mapped[str] = mapped_column(Place)
    resident: Mapped[str] = mapped_column(Account, index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerHoursRow(Base):
    """One volunteer service record (志愿服务记录) with the fields the measures ask for."""

    __tablename__ = "volunteer_hours"
    __table_args__ = (Index("ix_volunteer_hours_volunteer", "volunteer_id", "started_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"))
    community_id: Mapped[str] = mapped_column(Place)
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("volunteer_services.id"))
    record: Mapped[dict[str, Any]] = mapped_column(JSONB)  # HoursRecord.model_dump(mode="json")
    hours: Mapped[Decimal] = mapped_column(Hours)
    started_at: Mapped[datetime]
    corrects: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("volunteer_hours.id"), unique=True
    )
    reason: Mapped[str | None] = mapped_column(String(500))  # why it corrects
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class TimeBankRow(Base):
    """Banked hours spent on care (时间银行): for the volunteer or a family member."""

    __tablename__ = "volunteer_time_spent"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteers.id"), index=True)
    community_id: Mapped[str] = mapped_column(Place)
    hours: Mapped[Decimal] = mapped_column(Hours)
    what: Mapped[str] = mapped_column(String(200))
    beneficiary: Mapped[str | None] = mapped_column(String(100))  # 本人, 母亲 ...
    recorded_by: Mapped[str] = mapped_column(Account)
    at: Mapped[datetime] = mapped_column(default=utcnow)
