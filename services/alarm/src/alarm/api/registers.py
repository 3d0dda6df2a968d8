"""The safety registers' request and response models: special populations (6.1.1 a),
incidents and their dispatches to departments (6.1.1 b, c), key places and their cameras
(6.1.1 e). One router per resource uses them (``special_persons.py``, ``incidents.py``,
``incident_dispatches.py``, ``key_places.py``); personal fields are masked by the
caller's grade (``Sensitive``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from alarm.api.schemas import Contact, IdItem, community_default
from alarm.domain.departments import Department, DispatchStatus
from sc_core.privacy import Sensitive
from sc_core.schema import Instant

Id = Field(min_length=1, max_length=64)
SpecialCategory = Literal[
    "elderly_alone", "disabled", "community_correction", "mental_health", "minor", "other"
]


class SpecialPersonBody(BaseModel):
    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    household_id: str | None = Field(default=None, max_length=64)
    person_ref: str = Field(min_length=1, max_length=64, description="identity's person id")
    name: str = Field(min_length=1, max_length=100)
    category: SpecialCategory
    responsible_user_ids: list[IdItem] = Field(default_factory=list, max_length=50)
    notify_household_ids: list[IdItem] = Field(default_factory=list, max_length=20)
    family_may_acknowledge: bool = Field(
        default=False, description="The notified households may acknowledge the alarm."
    )
    device_ids: list[IdItem] = Field(default_factory=list, max_length=50)
    plan: str | None = Field(default=None, max_length=4000)
    emergency_contacts: list[Contact] = Field(default_factory=list, max_length=20)


class SpecialPersonCreate(SpecialPersonBody):
    """A new entry: ``community_id`` may be left out when the caller keeps the registers
    of one community only (issue 19 item 2)."""

    community_id: str | None = Field(  # type: ignore[assignment]
        default=None,
        min_length=1,
        max_length=64,
        description="Default: the one community the caller keeps registers in",
    )


class SpecialPersonRead(BaseModel):
    id: uuid.UUID
    community_id: str
    building_id: str | None
    unit_id: str | None
    room_id: str | None
    household_id: str | None
    person_ref: Annotated[str | None, Sensitive("redact")]
    name: Annotated[str | None, Sensitive("name")]
    category: str
    responsible_user_ids: list[str]
    notify_household_ids: list[str]
    family_may_acknowledge: bool
    device_ids: list[str]
    plan: Annotated[str | None, Sensitive("redact")]
    emergency_contacts: Annotated[str | None, Sensitive("redact")]


class IncidentFields(BaseModel):
    """An incident as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    incident_type: str = Field(min_length=1, max_length=64)
    occurred_at: Instant
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    measures: str | None = Field(default=None, max_length=4000)


class IncidentBody(IncidentFields):
    """An incident as a caller records it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class IncidentRecord(BaseModel):
    """An incident without its dispatches (what a correction answers)."""

    id: uuid.UUID
    community_id: str
    building_id: str | None
    incident_type: str
    occurred_at: datetime
    title: str
    description: str | None
    measures: str | None
    alarm_id: uuid.UUID | None
    source: str
    status: str


class IncidentRead(IncidentRecord):
    dispatches: list[dict[str, Any]] = Field(default_factory=list)


class DispatchBody(BaseModel):
    department: Department


class DispatchUpdate(BaseModel):
    """An answer: accepted (acknowledged), in progress (responding), done or declined,
    with text and photos (ids of uploaded pictures)."""

    status: DispatchStatus
    response: str | None = Field(default=None, max_length=2000)
    photo_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=9
    )


class Camera(BaseModel):
    device_id: str = Id
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)


class KeyPlaceFields(BaseModel):
    """A key place as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["nine_small", "group_rental", "other"]
    address: str | None = Field(default=None, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    device_ids: list[IdItem] = Field(default_factory=list, max_length=200)
    cameras: list[Camera] = Field(default_factory=list, max_length=100)


class KeyPlaceBody(KeyPlaceFields):
    """A key place as a caller records it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class KeyPlaceRead(KeyPlaceFields):
    id: uuid.UUID
