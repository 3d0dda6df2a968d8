"""The community register: places (communities, grids, buildings, units, rooms),
households, persons and their residencies (who lived where, from when to when)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from identity.db.base import Base, IdMixin, utcnow
from sc_core.privacy import EncryptedString


class Community(IdMixin, Base):
    __tablename__ = "communities"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    property_name: Mapped[str | None] = mapped_column(String(100))  # 物业服务中心
    property_phone: Mapped[str | None] = mapped_column(String(32))
    division_code: Mapped[str | None] = mapped_column(String(6))  # GB/T 2260 行政区划代码
    outline: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # GeoJSON, WGS-84 (轮廓)


class Grid(IdMixin, Base):
    __tablename__ = "grids"
    __table_args__ = (
        UniqueConstraint("community_id", "code"),
        Index("ix_grids_code", "code", "id"),  # the platform-wide list by code (ADR 0061)
    )

    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    outline: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # GeoJSON, WGS-84 (轮廓)


class Building(IdMixin, Base):
    __tablename__ = "buildings"
    __table_args__ = (
        UniqueConstraint("community_id", "code"),
        Index("ix_buildings_code", "code", "id"),  # everyone's, by code (ADR 0066)
    )

    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("grids.id", ondelete="SET NULL"), index=True
    )
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    floors: Mapped[int]
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    outline: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # GeoJSON, WGS-84 (轮廓)


class Unit(IdMixin, Base):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("building_id", "code"),
        Index("ix_units_listed", "code", "id"),  # the list's own order (ADR 0073)
    )

    community_id: Mapped[uuid.UUID] = mapped_column(index=True)
    building_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("buildings.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))


class Room(IdMixin, Base):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("unit_id", "code"),
        # a community's rooms in the list's order; its prefix serves every lookup by
        # community, so the community has no index of its own (ADR 0073)
        Index(
            "ix_rooms_community_listed", "community_id", "building_id", "unit_id", "floor", "code"
        ),
    )

    community_id: Mapped[uuid.UUID]
    building_id: Mapped[uuid.UUID] = mapped_column(index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    floor: Mapped[int]
    code: Mapped[str] = mapped_column(String(16))
    standard_code: Mapped[str] = mapped_column(String(128), unique=True)
    area_m2: Mapped[float | None]
    usage: Mapped[str] = mapped_column(String(16), default="residential")
    rental_status: Mapped[str] = mapped_column(String(16), default="vacant")


class Household(IdMixin, Base):
    __tablename__ = "households"
    __table_args__ = (  # the list by name, everyone's and a community's (ADR 0061, 0066)
        Index("ix_households_name", "name", "id"),
        Index("ix_households_community_name", "community_id", "name", "id"),
    )

    community_id: Mapped[uuid.UUID] = mapped_column(index=True)
    building_id: Mapped[uuid.UUID] = mapped_column(index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rooms.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | dissolved
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Person(IdMixin, Base):
    __tablename__ = "persons"
    __table_args__ = (
        Index("ix_persons_created", "created_at", "id"),  # the list's order (ADR 0066)
        Index(
            "uq_persons_id_number_idx",
            "id_number_idx",
            unique=True,
            postgresql_where=text("id_number_idx IS NOT NULL"),
        ),
    )

    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None]
    id_number: Mapped[str | None] = mapped_column(EncryptedString(context="person.id_number"))
    id_number_idx: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedString(context="person.phone"))
    phone_idx: Mapped[str | None] = mapped_column(String(64), index=True)
    face_id: Mapped[str | None] = mapped_column(EncryptedString(context="person.face_id"))
    face_id_idx: Mapped[str | None] = mapped_column(String(64), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Residency(IdMixin, Base):
    """A person's membership of a household, with its dates: the occupancy history."""

    __tablename__ = "residencies"
    __table_args__ = (
        Index("ix_residencies_room_moved_in", "room_id", "moved_in_on"),
        Index(  # a person's current homes, however long their history (ADR 0066)
            "ix_residencies_person_current",
            "person_id",
            postgresql_where=text("moved_out_on IS NULL"),
        ),
        Index(  # who lives in a community now: the persons list's probe and count (ADR 0073)
            "ix_residencies_community_current",
            "community_id",
            "person_id",
            postgresql_where=text("moved_out_on IS NULL"),
        ),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    community_id: Mapped[uuid.UUID] = mapped_column(index=True)
    building_id: Mapped[uuid.UUID] = mapped_column(index=True)
    unit_id: Mapped[uuid.UUID]
    room_id: Mapped[uuid.UUID]
    relation: Mapped[str] = mapped_column(String(16))  # owner | family | tenant
    moved_in_on: Mapped[date]
    moved_out_on: Mapped[date | None]
    recorded_by: Mapped[str] = mapped_column(String(64))
