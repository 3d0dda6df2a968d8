"""Tables of migrants (流动人口): residence registrations (居住登记: who the person is,
encrypted, with a blind index of the ID number) and residence permits (居住证) with their
yearly endorsements and the reminders already sent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow
from sc_core.privacy import EncryptedString


class MigrantRow(Base):
    __tablename__ = "migrant_registrations"
    __table_args__ = (
        # one current registration per person and community
        Index(
            "uq_migrant_registrations_current",
            "community_id",
            "id_number_idx",
            unique=True,
            postgresql_where=text("left_on IS NULL"),
        ),
        Index("ix_migrant_registrations_community", "community_id", "registered_on", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    room_id: Mapped[str | None] = mapped_column(Place)
    name: Mapped[str] = mapped_column(EncryptedString(context="migrant.name"))
    id_number: Mapped[str] = mapped_column(EncryptedString(context="migrant.id_number"))
    id_number_idx: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedString(context="migrant.phone"))
    account_id: Mapped[str | None] = mapped_column(Account)  # told about their permit
    origin_division: Mapped[str] = mapped_column(String(6))
    reason: Mapped[str] = mapped_column(String(16))
    employer: Mapped[str | None] = mapped_column(EncryptedString(context="migrant.employer"))
    moved_in_on: Mapped[date] = mapped_column(Date)
    registered_on: Mapped[date] = mapped_column(Date)
    registered_by: Mapped[str] = mapped_column(Account)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PermitRow(Base):
    __tablename__ = "residence_permits"
    __table_args__ = (
        Index("ix_residence_permits_community", "community_id", "status", "valid_until"),
        # one permit in force (applied or issued) per registration
        Index(
            "uq_residence_permits_live",
            "registration_id",
            unique=True,
            postgresql_where=text("status IN ('applied', 'issued')"),
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    registration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("migrant_registrations.id"))
    community_id: Mapped[str] = mapped_column(Place)
    status: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    basis: Mapped[dict[str, Any]] = mapped_column(JSONB)  # employment / residence / study
    applied_by: Mapped[str] = mapped_column(Account)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    endorsements: Mapped[list[str]] = mapped_column(JSONB, default=list)
    reminders_sent: Mapped[list[str]] = mapped_column(JSONB, default=list)
