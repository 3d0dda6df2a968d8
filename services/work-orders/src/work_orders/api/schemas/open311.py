"""Open311 GeoReport v2: the API clients and places platform admins register, and the
spec's answers (JSON; the XML answers carry the same members)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from sc_core.schema import TimeZoneName
from work_orders.api.schemas.common import Latitude, Longitude, PlaceId

Text100 = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")


class Open311ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Text100
    community_ids: list[PlaceId] = Field(
        min_length=1, max_length=500, description="The communities it may file cases into"
    )


class Open311ClientRead(BaseModel):
    id: uuid.UUID
    name: str
    key_prefix: str = Field(description="The key's first characters, to tell keys apart")
    community_ids: list[str]
    active: bool
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class Open311ClientIssued(Open311ClientRead):
    api_key: str = Field(description="Shown once: only its SHA-256 is kept")


class Open311PlaceWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: PlaceId
    building_id: PlaceId | None = Field(default=None, description="None: the community itself")
    name: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    address_code: PlaceId | None = Field(
        default=None, description="Its standard address code (a request's address_id)"
    )
    longitude: Longitude = Field(description="WGS-84")
    latitude: Latitude = Field(description="WGS-84")
    radius_m: int = Field(ge=1, le=5000, description="How far from the point the place reaches")
    timezone: TimeZoneName = "Asia/Shanghai"
    agency: str | None = Field(
        default=None,
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="Who handles cases here (agency_responsible)",
    )


class Open311PlaceRead(Open311PlaceWrite):
    place_id: str
    updated_at: datetime


# the spec's answers ----------------------------------------------------------------------
class Open311Service(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str = "realtime"
    keywords: str
    group: str


class Open311Value(BaseModel):
    key: str
    name: str


class Open311Attribute(BaseModel):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[Open311Value]


class Open311ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[Open311Attribute]


class Open311Filed(BaseModel):
    service_request_id: str
    token: str
    service_notice: str
    account_id: str | None


class Open311Token(BaseModel):
    service_request_id: str
    token: str


class Open311ServiceRequest(BaseModel):
    service_request_id: str
    status: str = Field(description="open or closed")
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str | None
    service_notice: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
