"""Every table of work-orders' database, on one ``metadata`` (Alembic's target): its own,
the platform's outbox and inbox, and the place directory (identity's households and
building grids, :mod:`sc_core.places`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sc_core.db.tables import new_metadata, platform_tables
from sc_core.places import place_tables
from sc_core.privacy import EncryptedString


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


platform_tables(Base.metadata)
PLACES = place_tables(Base.metadata)
metadata = Base.metadata
Place = String(64)


class CaseType(Base):
    """A kind of case (报事报修, complaint, hotline ticket ...): data, editable by admins."""

    __tablename__ = "case_types"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100))
    creator_roles: Mapped[list[str]] = mapped_column(JSONB)
    default_priority: Mapped[str] = mapped_column(String(16))
    # {"urgent": {"response": 15, "resolution": 240}, ...} minutes per priority
    sla: Mapped[dict[str, dict[str, int]]] = mapped_column(JSONB)
    skills: Mapped[list[str]] = mapped_column(JSONB)
    needs_external_ref: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkOrder(Base):
    __tablename__ = "work_orders"
    __table_args__ = (
        Index("ix_work_orders_community_status", "community_id", "status"),
        Index("ix_work_orders_household", "household_id"),
        Index("ix_work_orders_reporter", "reporter_id"),
        Index("ix_work_orders_assignee_status", "assignee_id", "status"),
        Index("ix_work_orders_resolution_due", "resolution_due_at"),
        Index("ix_work_orders_sla_check_at", "sla_check_at"),
        Index("ix_work_orders_external_ref", "external_ref"),
        Index("ix_work_orders_created", "created_at", "id"),
        Index("ix_work_orders_community_created", "community_id", "created_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    case_type: Mapped[str] = mapped_column(ForeignKey("case_types.code"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    community_id: Mapped[str] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    unit_id: Mapped[str | None] = mapped_column(Place)
    room_id: Mapped[str | None] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place)
    place: Mapped[str | None] = mapped_column(String(200))
    longitude: Mapped[float | None] = mapped_column(Double)
    latitude: Mapped[float | None] = mapped_column(Double)
    reporter_id: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    alarm_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    alarm_cleared_at: Mapped[datetime | None]
    external_ref: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    # when the SLA sweeper next has something to do for this case (null: nothing)
    sla_check_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(String(1000))
    rated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def number(self) -> str:
        return case_number(self.seq)


def case_number(seq: int) -> str:
    """A case's number as people read it (WO00000042)."""
    return f"WO{seq:08d}"


class TimelineEntry(Base):
    """One step of a case: a transition, a reply (图文回复: text, photos, position), a note."""

    __tablename__ = "work_order_timeline"
    __table_args__ = (UniqueConstraint("work_order_id", "seq"),)
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_kind: Mapped[str] = mapped_column(String(16))  # reporter, staff, system
    text: Mapped[str | None] = mapped_column(Text)
    attachment_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    longitude: Mapped[float | None] = mapped_column(Double)
    latitude: Mapped[float | None] = mapped_column(Double)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str | None] = mapped_column(Place)  # set when linked to a case
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("work_orders.id"), index=True
    )
    uploaded_by: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlaMark(Base):
    """A reminder or breach already handled: one row per case, kind and deadline."""

    __tablename__ = "sla_marks"
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # reminder, breach
    deadline: Mapped[str] = mapped_column(String(16), primary_key=True)  # response, resolution
    due_at: Mapped[datetime] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffSkill(Base):
    """What a staff member can handle, and where (assignment by skill and building)."""

    __tablename__ = "staff_skills"
    community_id: Mapped[str] = mapped_column(Place, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    skills: Mapped[list[str]] = mapped_column(JSONB, default=list)
    building_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)  # empty: all
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PatrolRoute(Base):
    __tablename__ = "patrol_routes"
    __table_args__ = (
        Index("ix_patrol_routes_created", "created_at", "id"),
        Index("ix_patrol_routes_community_created", "community_id", "created_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    name: Mapped[str] = mapped_column(String(100))
    max_gap_minutes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PatrolCheckpoint(Base):
    __tablename__ = "patrol_checkpoints"
    __table_args__ = (UniqueConstraint("route_id", "code"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patrol_routes.id"))
    code: Mapped[str] = mapped_column(String(64))  # what the QR code holds
    place: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)  # order on the route
    longitude: Mapped[float | None] = mapped_column(Double)
    latitude: Mapped[float | None] = mapped_column(Double)


class PatrolRound(Base):
    __tablename__ = "patrol_rounds"
    __table_args__ = (
        Index("ix_patrol_rounds_open_end", "status", "window_end"),
        Index("ix_patrol_rounds_window_start", "window_start", "id"),
        Index("ix_patrol_rounds_community_start", "community_id", "window_start", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patrol_routes.id"), index=True)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    assignee_id: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), server_default=text("'scheduled'"))
    missed_codes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    longest_gap_minutes: Mapped[int | None] = mapped_column(Integer)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("work_orders.id"))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PatrolScan(Base):
    __tablename__ = "patrol_scans"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patrol_rounds.id"), index=True)
    checkpoint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patrol_checkpoints.id"))
    scanned_by: Mapped[str] = mapped_column(String(64))
    scanned_at: Mapped[datetime]
    longitude: Mapped[float | None] = mapped_column(Double)
    latitude: Mapped[float | None] = mapped_column(Double)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Open311Client(Base):
    """A city platform or hotline filing cases over Open311 GeoReport v2 (ADR 0035): its
    key stored as a SHA-256 only, the communities it may file into, revocable."""

    __tablename__ = "open311_clients"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16))  # shown to admins, never the key
    community_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class Open311Usage(Base):
    """Calls of a client per rate window (one upsert per call; across replicas)."""

    __tablename__ = "open311_usage"
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("open311_clients.id"), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    calls: Mapped[int] = mapped_column(Integer)


class Open311Place(Base):
    """Where a request may fall: a community or a building with its position (WGS-84),
    its reach and optionally its standard address code (标准地址编码)."""

    __tablename__ = "open311_places"
    place_id: Mapped[str] = mapped_column(Place, primary_key=True)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    building_id: Mapped[str | None] = mapped_column(Place)
    name: Mapped[str] = mapped_column(String(200))
    address_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    longitude: Mapped[float] = mapped_column(Double)
    latitude: Mapped[float] = mapped_column(Double)
    radius_m: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Open311Request(Base):
    """A case filed over Open311: which client filed it (the only one that reads it), its
    token, and the filer's contact, encrypted at rest."""

    __tablename__ = "open311_requests"
    __table_args__ = (Index("ix_open311_requests_client_created", "client_id", "created_at"),)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("open311_clients.id"))
    token: Mapped[uuid.UUID] = mapped_column(unique=True)
    address_id: Mapped[str | None] = mapped_column(String(64))
    media_url: Mapped[str | None] = mapped_column(String(500))
    timezone: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(EncryptedString(context="open311.first_name"))
    last_name: Mapped[str | None] = mapped_column(EncryptedString(context="open311.last_name"))
    phone: Mapped[str | None] = mapped_column(EncryptedString(context="open311.phone"))
    email: Mapped[str | None] = mapped_column(EncryptedString(context="open311.email"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
