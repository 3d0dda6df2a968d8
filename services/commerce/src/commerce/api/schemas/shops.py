"""Shops and products: what a merchant sends, what a reader sees (prices in fen, with
their words)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from commerce.api.schemas import Label, Line, PlaceId

Description = Annotated[str, Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")]
Price = Annotated[int, Field(gt=0, le=10**10, description="Price in fen (分)")]


class ShopCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    merchant_id: uuid.UUID = Field(description="My verified merchant")
    name: Annotated[Line, Field(max_length=100)]
    description: Description | None = None
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    room_id: PlaceId | None = Field(
        default=None, description="The room of the register the shop is at (底商), if any"
    )
    door_id: PlaceId | None = Field(
        default=None,
        description="The door of identity's register at the shop's entrance, if any "
        "(entries by it at night count in the people-living check)",
    )


class ShopUpdate(BaseModel):
    """What the merchant changes; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[Line, Field(max_length=100)] | None = None
    description: Description | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    room_id: PlaceId | None = None
    door_id: PlaceId | None = None


class ShopRead(BaseModel):
    id: uuid.UUID
    merchant_id: uuid.UUID
    community_id: str
    name: str
    description: str | None
    category_label: Label
    address: str
    opening_hours_text: Label
    latitude: float
    longitude: float
    distance_m: int | None = Field(description="From the place asked about, if one was")
    distance_label: Label | None
    flagged: bool | None = Field(description="Shown to the community's staff and the merchant only")
    flag_label: Label | None = Field(description="Why, in words, with the evidence")
    flagged_at: datetime | None
    room_id: str | None = Field(default=None, description="Staff and the merchant only")
    door_id: str | None = Field(default=None, description="Staff and the merchant only")
    mine: bool
    created_at: datetime
    updated_at: datetime


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[Line, Field(max_length=100)]
    description: Description | None = None
    unit: Annotated[Line, Field(max_length=16)] | None = Field(
        default=None, description="份, 斤, 次 ..."
    )
    price_fen: Price
    available: bool = True


class ProductUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[Line, Field(max_length=100)] | None = None
    description: Description | None = None
    unit: Annotated[Line, Field(max_length=16)] | None = None
    price_fen: Price | None = None
    available: bool | None = None


class ProductRead(BaseModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    name: str
    description: str | None
    unit: str | None
    price_fen: int
    price_label: Label
    available: bool
    available_label: Label
    updated_at: datetime
