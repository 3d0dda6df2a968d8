"""Doors and gates, visitor passes, and passage records."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from identity.db.base import Base, IdMixin, utcnow
from sc_core.privacy import EncryptedString


class Door(IdMixin, Base):
    __tablename__ = "doors"
    __table_args__ = (  # the list by name, everyone's and a community's (ADR 0061, 0066)
        Index("ix_doors_name", "name", "id"),
        Index("ix_doors_community_name", "community_id", "name", "id"),
    )

    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    building_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    unit_id: Mapped[uuid.UUID | None]
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # gate | building | unit
    device_id: Mapped[str] = mapped_column(String(64), index=True)


class VisitorPass(IdMixin, Base):
    __tablename__ = "visitor_passes"

    community_id: Mapped[uuid.UUID] = mapped_column(index=True)
    building_id: Mapped[uuid.UUID]
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    host_account_id: Mapped[uuid.UUID] = mapped_column(index=True)
    visitor_name: Mapped[str] = mapped_column(String(100))
    visitor_phone: Mapped[str | None] = mapped_column(EncryptedString(context="visitor.phone"))
    plate: Mapped[str | None] = mapped_column(String(16))
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None]


class Passage(Base):
    __tablename__ = "passages"
    __table_args__ = (
        Index("ix_passages_community_occurred", "community_id", "occurred_at"),
        Index("ix_passages_person_occurred", "person_id", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64))
    door_id: Mapped[str | None] = mapped_column(String(64))
    community_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[uuid.UUID | None]
    face_id: Mapped[str | None] = mapped_column(EncryptedString(context="passage.face_id"))
    face_id_idx: Mapped[str | None] = mapped_column(String(64), index=True)
    card_no: Mapped[str | None] = mapped_column(EncryptedString(context="passage.card_no"))
    card_idx: Mapped[str | None] = mapped_column(String(64), index=True)
    plate: Mapped[str | None] = mapped_column(String(16))
    pass_id: Mapped[str | None] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(16))
    # refused attempts are passages too (an unknown face at the gate): traceable
    granted: Mapped[bool] = mapped_column(server_default=text("true"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
