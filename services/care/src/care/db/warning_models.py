"""The tables of CAP 1.2 warnings (预警, 6.2.2): the alert as received, its info blocks, the
buildings it reached, and the elders it told (with whom was told for each). Warnings are
public texts and stay clear; who was told is ids only (names stay in ``care_persons``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from care.db.models import Account, Base, Id, utcnow


class WarningRow(Base):
    """One CAP alert (an Alert, an Update or a Cancel), once per sender and identifier."""

    __tablename__ = "care_warnings"
    __table_args__ = (UniqueConstraint("sender", "identifier", name="uq_care_warnings_sender_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sender: Mapped[str] = mapped_column(String(255))
    identifier: Mapped[str] = mapped_column(String(255))
    sent: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # Actual | Exercise | System | Test | Draft
    msg_type: Mapped[str] = mapped_column(String(16))  # Alert | Update | Cancel | Ack | Error
    scope: Mapped[str] = mapped_column(String(16))
    references: Mapped[list[list[str]]] = mapped_column(JSONB, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(16))  # residents | staff | none
    state: Mapped[str] = mapped_column(String(16))  # active | updated | cancelled
    expires: Mapped[datetime | None]
    communities: Mapped[list[str]] = mapped_column(JSONB, default=list)
    untargeted: Mapped[list[str]] = mapped_column(JSONB, default=list)  # areas for a person
    document: Mapped[str] = mapped_column(Text)  # the CAP XML as received
    content_sha256: Mapped[str] = mapped_column(String(64))
    received_by: Mapped[str] = mapped_column(Account)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None]  # updated or cancelled
    changed_by: Mapped[uuid.UUID | None]  # the Update or Cancel that did it


class WarningInfoRow(Base):
    """One ``info`` block of an alert (one language), as the alert said it."""

    __tablename__ = "care_warning_infos"
    warning_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(35))
    categories: Mapped[list[str]] = mapped_column(JSONB)
    event: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    certainty: Mapped[str] = mapped_column(String(16))
    headline: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    instruction: Mapped[str | None] = mapped_column(Text)
    sender_name: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[datetime | None]
    onset: Mapped[datetime | None]
    expires: Mapped[datetime | None]
    areas: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class WarningPlaceRow(Base):
    """A building an alert reached (inside a polygon or circle, or named by a geocode)."""

    __tablename__ = "care_warning_places"
    warning_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    building_id: Mapped[str] = mapped_column(Id, primary_key=True)
    community_id: Mapped[str] = mapped_column(Id, index=True)


class WarningToldRow(Base):
    """An elder an alert reached, told once per alert: ``users`` are the accounts the
    notice went to (the elder's own, guardians, family whose consent asks to be told);
    none: nobody to tell, listed for staff."""

    __tablename__ = "care_warning_told"
    warning_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(Id, primary_key=True)
    community_id: Mapped[str] = mapped_column(Id)
    building_id: Mapped[str | None] = mapped_column(Id)
    users: Mapped[list[str]] = mapped_column(JSONB, default=list)
    request_id: Mapped[str | None] = mapped_column(String(200))
    told_at: Mapped[datetime] = mapped_column(default=utcnow)
