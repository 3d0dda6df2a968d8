"""Safety registers (sensitive; encrypted where personal): special populations with their
plan (一人一预案), incidents with department linkage, key places with nearby cameras."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from alarm.db.base import Base, IdMixin, utcnow
from sc_core.privacy import EncryptedString


class SpecialPerson(IdMixin, Base):
    """A person of the special-population register (elderly living alone, disabled,
    under community correction ...) and their plan: who is told on an emergency."""

    __tablename__ = "special_persons"

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    building_id: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    room_id: Mapped[str | None] = mapped_column(String(64), index=True)
    household_id: Mapped[str | None] = mapped_column(String(64))
    person_ref: Mapped[str] = mapped_column(EncryptedString(context="special_person.ref"))
    name: Mapped[str] = mapped_column(EncryptedString(context="special_person.name"))
    category: Mapped[str] = mapped_column(String(32))
    responsible_user_ids: Mapped[list[str]]
    notify_household_ids: Mapped[list[str]]
    device_ids: Mapped[list[str]]
    # the plan lets the households it notifies acknowledge the alarm (the family answers)
    family_may_acknowledge: Mapped[bool] = mapped_column(server_default=text("false"))
    plan: Mapped[str | None] = mapped_column(EncryptedString(context="special_person.plan"))
    emergency_contacts: Mapped[str | None] = mapped_column(
        EncryptedString(context="special_person.contacts")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Incident(IdMixin, Base):
    """An abnormal event (accident, injury, dispute, fire ...), recorded from an alarm or
    by hand; ``incident_type`` and ``occurred_at`` drive the statistics."""

    __tablename__ = "incidents"

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    building_id: Mapped[str | None] = mapped_column(String(64))
    incident_type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(EncryptedString(context="incident.description"))
    measures: Mapped[str | None] = mapped_column(EncryptedString(context="incident.measures"))
    alarm_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(String(64))


class IncidentDispatch(IdMixin, Base):
    """An incident routed to one department (fire, police, traffic, justice, weather,
    civil affairs, health ...) and that department's response."""

    __tablename__ = "incident_dispatches"

    incident_id: Mapped[uuid.UUID] = mapped_column(index=True)
    department: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    response: Mapped[str | None] = mapped_column(Text)
    # every answer of the department: {at, by, status, text, photo_ids}
    responses: Mapped[list[dict[str, Any]]] = mapped_column(server_default=text("'[]'::jsonb"))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DepartmentOfficer(IdMixin, Base):
    """Who answers for a department (fire, police ...) in a community: the dispatches
    addressed to that department there are theirs to answer."""

    __tablename__ = "department_officers"
    __table_args__ = (
        UniqueConstraint("community_id", "department", "user_id", name="uq_department_officer"),
    )

    community_id: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(64))


class KeyPlace(IdMixin, Base):
    """A key place (九小场所: small shops, restaurants, hostels ...; group rentals) with its
    position, the devices inside it and the cameras around it."""

    __tablename__ = "key_places"

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    building_id: Mapped[str | None] = mapped_column(String(64))
    room_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    device_ids: Mapped[list[str]]
    cameras: Mapped[list[dict[str, Any]]]
