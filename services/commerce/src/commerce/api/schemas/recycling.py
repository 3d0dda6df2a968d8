"""Recycling drop-offs and credit statements."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from commerce.api.schemas import Label, PlaceId
from commerce.domain.recycling import CATEGORIES
from sc_core.paging import Page


class DropOffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_point_id: uuid.UUID
    household_id: PlaceId
    category: str = Field(max_length=32)
    weight_g: int = Field(gt=0, le=1_000_000, description="Grams (at most a tonne)")

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"category is one of {', '.join(CATEGORIES)}")
        return value


class DropOffRead(BaseModel):
    id: uuid.UUID
    service_point_id: uuid.UUID
    community_id: str
    household_id: str
    category: str
    category_label: Label
    weight_g: int
    weight_label: Label
    credits: int
    recorded_at: datetime


class RedemptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_point_id: uuid.UUID = Field(description="The recycling point where it is redeemed")
    household_id: PlaceId
    credits: int = Field(gt=0, le=1_000_000, description="Credits spent")
    item: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")] = (
        Field(description="What the household took for them (洗衣液一瓶)", examples=["洗衣液一瓶"])
    )


class RedemptionRead(BaseModel):
    id: uuid.UUID
    service_point_id: uuid.UUID
    community_id: str
    household_id: str
    credits: int
    item: str
    balance_after: int | None = Field(
        default=None, description="The household's balance after it (in the answer to a redemption)"
    )
    redeemed_at: datetime


class CreditStatement(BaseModel):
    """A household's credits (积分明细): the balance (earned less spent), its drop-offs and
    its redemptions, each newest first and paged by the same limit and offset."""

    household_id: str
    balance: int = Field(description="Credits earned less credits spent; never negative")
    earned: int
    spent: int
    total_weight_g: int
    drop_offs: Page[DropOffRead]
    redemptions: Page[RedemptionRead]
