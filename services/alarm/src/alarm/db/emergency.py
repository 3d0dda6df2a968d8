"""Emergency management (6.1.4): plans, risk-map points, drills, shelters, supplies and
their movements, warnings sent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alarm.db.base import Base, IdMixin, utcnow


class EmergencyPlan(IdMixin, Base):
    __tablename__ = "emergency_plans"

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    plan_type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    effective_on: Mapped[date] = mapped_column(Date)
    organisation: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    procedures: Mapped[str | None] = mapped_column(Text)
    contacts: Mapped[list[dict[str, Any]]]
    teams: Mapped[list[dict[str, Any]]]


class RiskPoint(IdMixin, Base):
    __tablename__ = "risk_points"

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    risk_type: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)


class Drill(IdMixin, Base):
    __tablename__ = "drills"

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    plan_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    drill_type: Mapped[str] = mapped_column(String(32))
    held_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[list[dict[str, Any]]]
    summary: Mapped[str | None] = mapped_column(Text)


class Shelter(IdMixin, Base):
    __tablename__ = "shelters"
    # listed by name, everyone's and a community's (ADR 0066): a scan and sort without
    __table_args__ = (
        Index("ix_shelters_listed", "name", "id"),
        Index("ix_shelters_community_listed", "community_id", "name", "id"),
    )

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    facilities: Mapped[str | None] = mapped_column(Text)


class Supply(IdMixin, Base):
    __tablename__ = "emergency_supplies"
    # listed by name, everyone's and a community's (ADR 0066): a scan and sort without
    __table_args__ = (
        Index("ix_emergency_supplies_listed", "name", "id"),
        Index("ix_emergency_supplies_community_listed", "community_id", "name", "id"),
    )

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupplyMovement(IdMixin, Base):
    __tablename__ = "supply_movements"

    supply_id: Mapped[uuid.UUID] = mapped_column(index=True)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[str | None] = mapped_column(String(64))


class EmergencyWarning(IdMixin, Base):
    __tablename__ = "emergency_warnings"

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))
    channels: Mapped[list[str]]
    building_ids: Mapped[list[str]]
    issued_by: Mapped[str | None] = mapped_column(String(64))
