"""The emergency API's request and response models (6.1.4): plans, risk-map points, drills,
shelters, supplies and warnings. One router per resource uses them
(``emergency_plans.py``, ``risk_points.py``, ``drills.py``, ``shelters.py``,
``supplies.py``, ``emergency_warnings.py``); they stay in this module because its name
names their OpenAPI components (``alarm__api__emergency__PlanBody``, which the console's
form rules use, beside the notification plans' ``alarm__api__schemas__PlanBody``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from alarm.api.schemas import Channel, Contact, community_default
from sc_core.schema import Day, JsonObject

Id = Field(min_length=1, max_length=64)
PLAN_TYPES = (
    "fire",
    "public_health",
    "power_failure",
    "communication_failure",
    "flood",
    "typhoon",
    "earthquake",
    "gas_leak",
    "other",
)
PlanType = Literal[
    "fire",
    "public_health",
    "power_failure",
    "communication_failure",
    "flood",
    "typhoon",
    "earthquake",
    "gas_leak",
    "other",
]


class Orm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PlanFields(BaseModel):
    """An emergency plan as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    plan_type: PlanType
    name: str = Field(min_length=1, max_length=200)
    effective_on: Day
    organisation: str | None = Field(default=None, max_length=4000)
    risks: str | None = Field(default=None, max_length=4000)
    procedures: str | None = Field(default=None, max_length=20000)
    contacts: list[Contact] = Field(default_factory=list, max_length=50)
    teams: list[JsonObject] = Field(default_factory=list, max_length=50)


class PlanBody(PlanFields):
    """An emergency plan as a caller creates it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class PlanRead(PlanFields, Orm):
    id: uuid.UUID


class RiskFields(BaseModel):
    """A risk-map point as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    risk_type: str = Field(min_length=1, max_length=32)
    level: Literal["low", "medium", "high", "critical"]
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    description: str | None = Field(default=None, max_length=2000)


class RiskBody(RiskFields):
    """A risk-map point as a caller creates it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class RiskRead(RiskFields, Orm):
    id: uuid.UUID


class Participant(BaseModel):
    user_id: str = Id
    role: str | None = Field(default=None, max_length=32)
    attended: bool = True


class DrillFields(BaseModel):
    """A drill as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    plan_id: uuid.UUID | None = None
    title: str = Field(min_length=1, max_length=200)
    drill_type: PlanType
    held_on: Day
    location: str | None = Field(default=None, max_length=200)
    participants: list[Participant] = Field(default_factory=list, max_length=2000)
    summary: str | None = Field(default=None, max_length=4000)


class DrillBody(DrillFields):
    """A drill as a caller creates it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class DrillRead(DrillFields, Orm):
    id: uuid.UUID


class ShelterFields(BaseModel):
    """A shelter as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=200)
    capacity: int = Field(ge=0, le=1_000_000)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    facilities: str | None = Field(default=None, max_length=2000)


class ShelterBody(ShelterFields):
    """A shelter as a caller creates it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class ShelterRead(ShelterFields, Orm):
    id: uuid.UUID
    distance_m: float | None = None


class SupplyFields(BaseModel):
    """A supply as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=32)
    unit: str = Field(min_length=1, max_length=16)
    quantity: int = Field(ge=0, le=10_000_000)
    location: str | None = Field(default=None, max_length=200)


class SupplyBody(SupplyFields):
    """A supply as a caller creates it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class SupplyRead(SupplyFields, Orm):
    id: uuid.UUID
    updated_at: datetime


class MovementBody(BaseModel):
    delta: int = Field(ge=-10_000_000, le=10_000_000)
    reason: str = Field(min_length=1, max_length=200)


class WarningFields(BaseModel):
    """A warning as it was sent."""

    community_id: str = Id
    title: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=2000)
    level: Literal["blue", "yellow", "orange", "red"] = "yellow"
    # each id as the notification request's scope ids are (an empty one was a 500)
    building_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=200
    )
    channels: list[Channel] = Field(
        default_factory=lambda: list[Channel](["inapp", "push", "speaker", "screen"]), min_length=1
    )


class WarningBody(WarningFields):
    """A warning as a caller creates it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class WarningRead(WarningFields, Orm):
    id: uuid.UUID
    issued_by: str | None
    created_at: datetime


LEVEL_SEVERITY = {"blue": "info", "yellow": "warning", "orange": "urgent", "red": "critical"}
