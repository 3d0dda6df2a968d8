"""Bodies of the register endpoints: places, households, persons, residencies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sc_core import validators
from sc_core.outline import Outline, OutlineShape
from sc_core.privacy import Grade, Sensitive
from sc_core.schema import Day, Omittable
from sc_core.sex_codes import SexCode

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Label = Annotated[str, Field(min_length=1, max_length=100)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Relation = Literal["owner", "family", "tenant"]
RoomUsage = Literal["residential", "commercial", "office", "other"]
RentalStatus = Literal["vacant", "owner_occupied", "rented", "group_rental"]
# a place's outline (轮廓) on a map: validated when written (sc_core.outline), as stored when read
OUTLINE = "Its outline: a GeoJSON Polygon or MultiPolygon in WGS-84 (轮廓); null clears it"
NewOutline = Annotated[Outline | None, Field(description=OUTLINE)]
StoredOutline = Annotated[OutlineShape | None, Field(description="GeoJSON, WGS-84 (轮廓)")]


class Orm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# places ------------------------------------------------------------------------------
# a property office's number: a landline with its area code or a mobile
PropertyPhone = Annotated[
    str, Field(pattern=r"^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|400-?\d{3}-?\d{4})$")
]


class CommunityCreate(BaseModel):
    code: Code
    name: Label
    address: str | None = Field(default=None, max_length=200, description="Standard address.")
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    property_name: str | None = Field(default=None, max_length=100, description="物业服务中心")
    property_phone: PropertyPhone | None = None
    division_code: validators.DivisionCode | None = Field(
        default=None,
        description="GB/T 2260 division code of its county (行政区划代码), e.g. 330106",
    )
    outline: NewOutline = None


class CommunityUpdate(BaseModel):
    name: Omittable[Label] = None
    address: str | None = Field(default=None, max_length=200)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    property_name: str | None = Field(default=None, max_length=100)
    property_phone: PropertyPhone | None = None
    division_code: validators.DivisionCode | None = None
    outline: NewOutline = None


class CommunityRead(CommunityCreate, Orm):
    id: uuid.UUID
    created_at: datetime
    outline: StoredOutline = None


class GridCreate(BaseModel):
    community_id: uuid.UUID
    code: Code
    name: Label
    building_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    outline: NewOutline = None


class GridUpdate(BaseModel):
    name: Label | None = None
    building_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    outline: NewOutline = None


class GridRead(Orm):
    id: uuid.UUID
    community_id: uuid.UUID
    code: str
    name: str
    building_ids: list[uuid.UUID] = Field(default_factory=list)
    outline: StoredOutline = None
    created_at: datetime


class BuildingCreate(BaseModel):
    community_id: uuid.UUID
    code: Code
    name: Label
    floors: int = Field(ge=1, le=200)
    grid_id: uuid.UUID | None = None
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    outline: NewOutline = None


class BuildingUpdate(BaseModel):
    name: Omittable[Label] = None
    floors: Omittable[Annotated[int, Field(ge=1, le=200)]] = None
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    outline: NewOutline = None


class BuildingRead(Orm):
    id: uuid.UUID
    community_id: uuid.UUID
    grid_id: uuid.UUID | None
    code: str
    name: str
    floors: int
    longitude: float | None
    latitude: float | None
    outline: StoredOutline = None
    created_at: datetime
    label: str | None = Field(default=None, description="One building: 幸福里社区 1号楼")
    address: str | None = Field(default=None, description="One building: standard address")


class UnitCreate(BaseModel):
    building_id: uuid.UUID
    code: Code
    name: Label


class UnitUpdate(BaseModel):
    name: Label | None = None


class UnitRead(Orm):
    id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID
    code: str
    name: str
    created_at: datetime
    label: str | None = Field(default=None, description="One unit: 幸福里社区 1号楼1单元")
    address: str | None = Field(default=None, description="One unit: standard address")


class RoomCreate(BaseModel):
    unit_id: uuid.UUID
    floor: int = Field(ge=-5, le=200)
    code: Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
    area_m2: float | None = Field(default=None, gt=0, le=100_000)
    usage: RoomUsage = "residential"
    rental_status: RentalStatus = "vacant"


class RoomUpdate(BaseModel):
    area_m2: float | None = Field(default=None, gt=0, le=100_000)
    usage: RoomUsage | None = None
    rental_status: RentalStatus | None = None


class RoomRead(Orm):
    id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID
    unit_id: uuid.UUID
    floor: int
    code: str
    standard_code: str
    area_m2: float | None
    usage: str
    rental_status: str
    created_at: datetime
    label: str | None = Field(default=None, description="One room: 幸福里社区 1号楼1单元101室")
    address: str | None = Field(default=None, description="One room: standard address")
    longitude: float | None = Field(default=None, description="One room: its building's")
    latitude: float | None = Field(default=None, description="One room: its building's")


# households and persons --------------------------------------------------------------
class HouseholdCreate(BaseModel):
    room_id: uuid.UUID
    name: Label | None = None


class HouseholdUpdate(BaseModel):
    name: Label | None = None
    status: Literal["active", "dissolved"] | None = None


class HouseholdRead(Orm):
    id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID
    unit_id: uuid.UUID
    room_id: uuid.UUID
    name: str
    status: str
    member_count: int = 0
    created_at: datetime


class ResidencyRead(Orm):
    id: uuid.UUID
    person_id: uuid.UUID
    household_id: uuid.UUID
    room_id: uuid.UUID
    relation: str
    moved_in_on: date
    moved_out_on: date | None


# GB 11643 (check character, birth date) and mainland mobile numbers: sc_core.validators
IdNumber = Annotated[validators.IdNumber, Field(max_length=18)]
Phone = Annotated[validators.MobileNumber, Field(max_length=32)]
FaceId = Annotated[str, Field(min_length=4, max_length=128)]


class PersonFields(BaseModel):
    name: Label
    gender: Literal["male", "female", "other"] | None = None
    birth_date: Day | None = None
    id_number: IdNumber | None = None
    phone: Phone | None = None
    face_id: FaceId | None = None


class PersonCreate(PersonFields):
    household_id: uuid.UUID
    relation: Relation
    moved_in_on: Day | None = Field(default=None, description="Default: today.")
    is_self: bool = Field(default=False, description="This person is the caller (links them).")


class PersonUpdate(BaseModel):
    name: Label | None = None
    gender: Literal["male", "female", "other"] | None = None
    birth_date: Day | None = None
    id_number: IdNumber | None = None
    phone: Phone | None = None
    face_id: FaceId | None = None


class MoveIn(BaseModel):
    household_id: uuid.UUID
    relation: Relation
    moved_in_on: Day | None = None


class MoveOut(BaseModel):
    household_id: uuid.UUID | None = Field(
        default=None, description="Which household; needed when the person lives in several."
    )
    moved_out_on: Day | None = None


class PersonRead(BaseModel):
    id: uuid.UUID
    name: Annotated[str | None, Sensitive("name")]
    gender: str | None
    sex_code: SexCode | None = Field(
        default=None,
        description="GB/T 2261.1 sex code of gender: 0 unknown (未知的性别), 1 male (男), "
        "2 female (女), 9 not stated (未说明的性别, gender other).",
    )
    birth_date: Annotated[date | None, Sensitive("redact", grade=Grade.PERSONAL)] = None
    id_number: Annotated[str | None, Sensitive("id_number")] = None
    phone: Annotated[str | None, Sensitive("mobile")] = None
    face_id: Annotated[str | None, Sensitive("face_id")] = None
    account_id: uuid.UUID | None
    residencies: list[ResidencyRead] = Field(
        default_factory=list, description="Current residencies."
    )
    created_at: datetime
    updated_at: datetime


class OccupantRead(BaseModel):
    """One line of a room's occupancy history."""

    residency: ResidencyRead
    person: PersonRead
