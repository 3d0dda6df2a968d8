"""Service points and bookings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from commerce.api.schemas import Label, Line, PlaceId
from sc_contracts.events import ServicePointKind
from sc_core.schema import AwareInstant


class ServicePointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: PlaceId
    kind: ServicePointKind
    name: Annotated[Line, Field(max_length=100)]
    address: Annotated[Line, Field(max_length=200)]
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    services: list[Annotated[Line, Field(max_length=50)]] = Field(default=[], max_length=20)
    merchant_id: uuid.UUID | None = Field(default=None, description="The verified provider")


class BinCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    device_id: PlaceId = Field(description="The waste_bin device in device-ingestion")
    label: Annotated[Line, Field(max_length=50)] = Field(examples=["可回收物桶"])


class BinRead(BaseModel):
    device_id: str
    label: str
    fill_level: float | None = Field(description="0..1, the last reading")
    fill_label: Label
    waste_type_label: Label | None
    reported_at: datetime | None


class ServicePointRead(BaseModel):
    id: uuid.UUID
    community_id: str
    kind: ServicePointKind
    kind_label: Label
    name: str
    address: str
    latitude: float
    longitude: float
    services: list[str]
    merchant_id: uuid.UUID | None
    distance_m: int | None = Field(description="From the place asked about, if one was")
    distance_label: Label | None
    bins: list[BinRead] = Field(
        default=[], description="Waste bins beside a recycling point, with their fill level"
    )


class BookingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    household_id: PlaceId | None = Field(default=None, description="Needed if you have several")
    service: Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00]*$")]
    preferred_at: AwareInstant


class BookingRead(BaseModel):
    id: uuid.UUID
    service_point_id: uuid.UUID
    community_id: str
    household_id: str
    service: str
    preferred_at: datetime
    status: str = Field(
        description="requested until work-orders has its case, then the case's state "
        "(accepted, assigned, in_progress, resolved, closed ...)"
    )
    status_label: Label
    created_at: datetime
    work_order_id: str | None = Field(
        default=None, description="The maintenance case work-orders opened from it"
    )
    status_at: datetime | None = Field(default=None, description="When its case last moved")
    rating: int | None = Field(default=None, description="1..5, the resident's rating")
    rating_label: Label | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None
