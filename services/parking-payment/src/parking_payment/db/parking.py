"""Lots, gates, tariffs, vehicles and passes, watch list, passages, parking sessions.

Plates are personal data (a plate says where a person's car was): stored encrypted
(``EncryptedString``) with a blind index for exact search (``FieldCipher.blind_index(plate,
"plate")``), masked by role in answers, every unmasked read audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Identity, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from parking_payment.db.base import Base, Index64, Place, utcnow
from sc_core.privacy import EncryptedString


class TariffRow(Base):
    __tablename__ = "tariffs"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    name: Mapped[str] = mapped_column(String(60))
    rules: Mapped[dict[str, Any]] = mapped_column(JSONB)  # domain.tariffs.Tariff's fields
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LotRow(Base):
    __tablename__ = "lots"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    name: Mapped[str] = mapped_column(String(60))
    capacity: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    occupied: Mapped[int] = mapped_column(Integer, default=0)
    tariff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tariffs.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GateRow(Base):
    __tablename__ = "gates"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"), index=True)
    community_id: Mapped[str] = mapped_column(Place)
    name: Mapped[str] = mapped_column(String(60))  # 东门入口
    direction: Mapped[str] = mapped_column(String(8))
    camera_id: Mapped[str] = mapped_column(String(64), unique=True)  # serialno / MAC
    # the camera pushes to /api/v1/parking/anpr/{token}/...: SHA-256 of its token
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    barrier_device_id: Mapped[str] = mapped_column(String(64))  # device-ingestion's id
    door_id: Mapped[str | None] = mapped_column(String(64))
    zone: Mapped[str | None] = mapped_column(String(60))  # 地下一层 B 区: finding a car


class VehicleRow(Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        Index("uq_vehicles_community_plate", "community_id", "plate_index", unique=True),
        # the list newest first, everyone's and a community's (ADR 0061)
        Index("ix_vehicles_created", "created_at"),
        Index("ix_vehicles_community_created", "community_id", "created_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place, index=True)
    owner_account: Mapped[str] = mapped_column(String(64), index=True)
    plate: Mapped[str] = mapped_column(EncryptedString("vehicle.plate"))
    plate_index: Mapped[str] = mapped_column(Index64)
    color: Mapped[str] = mapped_column(String(16))
    pass_kind: Mapped[str] = mapped_column(String(16))
    pass_valid_from: Mapped[datetime | None]
    pass_valid_until: Mapped[datetime | None]
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lots.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VisitorPassRow(Base):
    __tablename__ = "visitor_passes"
    __table_args__ = (Index("ix_visitor_passes_plate", "community_id", "plate_index"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    granted_by: Mapped[str] = mapped_column(String(64))
    plate: Mapped[str] = mapped_column(EncryptedString("visitor_pass.plate"))
    plate_index: Mapped[str] = mapped_column(Index64)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WatchRow(Base):
    __tablename__ = "watch_list"
    __table_args__ = (
        Index(
            "uq_watch_list_active",
            "community_id",
            "plate_index",
            unique=True,
            postgresql_where=text("active"),
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    plate: Mapped[str] = mapped_column(EncryptedString("watch.plate"))
    plate_index: Mapped[str] = mapped_column(Index64)
    reason: Mapped[str] = mapped_column(String(16))
    block: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PassageRow(Base):
    """Every plate read at a gate and what was decided (过车记录), with its photos."""

    __tablename__ = "passages"
    __table_args__ = (
        Index("ix_passages_community_at", "community_id", "at"),
        Index("ix_passages_plate_at", "plate_index", "at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    community_id: Mapped[str] = mapped_column(Place)
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"))
    gate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("gates.id"))
    direction: Mapped[str] = mapped_column(String(8))
    plate: Mapped[str | None] = mapped_column(EncryptedString("passage.plate"))
    plate_index: Mapped[str | None] = mapped_column(Index64)
    color: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(32))
    due: Mapped[int] = mapped_column(BigInteger, default=0)
    session_id: Mapped[uuid.UUID | None]
    photos: Mapped[list[str]] = mapped_column(JSONB, default=list)  # stored object keys
    source: Mapped[str] = mapped_column(String(24))  # alarm_info_plate, isapi, desk, qr


class SessionRow(Base):
    __tablename__ = "parking_sessions"
    __table_args__ = (
        Index(
            "uq_parking_sessions_open_plate",
            "lot_id",
            "plate_index",
            unique=True,
            postgresql_where=text("status = 'open' AND plate_index IS NOT NULL"),
        ),
        Index("ix_parking_sessions_community_entry", "community_id", "entry_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lots.id"))
    plate: Mapped[str | None] = mapped_column(EncryptedString("session.plate"))
    plate_index: Mapped[str | None] = mapped_column(Index64)
    ticket: Mapped[str | None] = mapped_column(String(32), unique=True)  # plate-less QR
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    entry_at: Mapped[datetime]
    entry_gate: Mapped[uuid.UUID | None]
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_paid_at: Mapped[datetime | None]
    exit_at: Mapped[datetime | None]
    exit_gate: Mapped[uuid.UUID | None]
    fee: Mapped[int | None] = mapped_column(BigInteger)
    last_zone: Mapped[str | None] = mapped_column(String(60))
    last_seen_at: Mapped[datetime | None]
