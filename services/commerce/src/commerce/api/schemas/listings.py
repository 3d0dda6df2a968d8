"""Housing listings: what an owner (or the property for them) sends, what staff send to
review one, and what a reader sees (the contact phone masked unless revealed)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from commerce.api.schemas import Label, Line, PlaceId
from commerce.domain.merchants import PHONE
from sc_contracts.events import ListingKind, ListingStatus

Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]


class ListingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    household_id: PlaceId | None = Field(
        default=None,
        description="The owner's household (needed by the property, and by an owner of several)",
    )
    kind: ListingKind
    title: Annotated[Line, Field(max_length=100)]
    place_label: Annotated[Line, Field(max_length=100)] = Field(
        description="The room as people say it (1号楼1单元101室), shown to readers"
    )
    description: Text
    layout: Annotated[Line, Field(max_length=32)] | None = Field(
        default=None, description="户型, e.g. 三室一厅"
    )
    area_m2: float = Field(gt=0, le=10_000, description="Floor area in m²")
    price_fen: int = Field(gt=0, le=10**12, description="Monthly rent or asking price in fen")
    contact_name: Annotated[Line, Field(max_length=50)]
    contact_phone: str = Field(max_length=32, description="Stored encrypted, shown masked")
    latitude: float | None = Field(
        default=None, ge=-90, le=90, description="Where the flat is (WGS-84), for nearby agencies"
    )
    longitude: float | None = Field(default=None, ge=-180, le=180)
    photo_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=9,
        description="Photos the caller uploaded (POST /api/v1/commerce/listing-photos), in order",
    )

    @model_validator(mode="after")
    def _position(self) -> ListingCreate:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        value = value.strip()
        if not PHONE.match(value):
            raise ValueError(
                "a mobile (13812345678) or a landline with its area code (010-12345678)"
            )
        return value


class ListingReview(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] | None = None


class ListingPhotosAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")
    photo_ids: list[uuid.UUID] = Field(min_length=1, max_length=9)


class ListingPhotoRead(BaseModel):
    id: uuid.UUID
    content_type: str
    size: int
    url: str = Field(description="Where its content is read (as the listing is)")


class PhotoUploadRead(BaseModel):
    id: uuid.UUID = Field(description="Give it in photo_ids when listing or adding photos")
    content_type: str
    size: int
    url: str = Field(description="Its content, for the uploader until it is on a listing")
    created_at: datetime


class ListingRead(BaseModel):
    id: uuid.UUID
    community_id: str
    household_id: str | None = Field(
        description="The owner's household: only to that household and the community's staff"
    )
    kind: ListingKind
    kind_label: Label
    title: str
    place_label: str
    description: str
    layout: str | None
    area_m2: float
    area_label: Label
    price_fen: int
    price_label: Label
    contact_name: str
    contact_phone: str = Field(description="Masked unless it is the caller's own listing")
    contact_masked: bool
    status: ListingStatus
    status_label: Label
    latitude: float | None
    longitude: float | None
    photos: list[ListingPhotoRead]
    on_behalf: bool = Field(description="Listed by the property on the owner's behalf")
    review_note: str | None
    mine: bool = Field(description="The caller's household's listing")
    created_at: datetime
    updated_at: datetime
