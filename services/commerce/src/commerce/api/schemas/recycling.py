"""Recycling drop-offs and credit statements."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from commerce.api.schemas import Label, PlaceId
from commerce.domain.recycling import CATEGORIES
from sc_core.paging import Page


class DropOffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_point_id: uuid.UUID
    household_id: PlaceId
    category: str
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


class CreditStatement(BaseModel):
    """A household's credits (积分明细): the balance and its drop-offs, newest first."""

    household_id: str
    balance: int
    total_weight_g: int
    drop_offs: Page[DropOffRead]
