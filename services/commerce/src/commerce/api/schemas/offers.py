"""Offers and opt-ins: what a merchant publishes, what a resident sends and reads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from commerce.api.schemas import Label, Line
from sc_core.schema import AwareInstant

Text = Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00]*$")]


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title_zh: Annotated[Line, Field(max_length=60)] = Field(description="Title in Chinese")
    title_en: Annotated[Line, Field(max_length=100)] = Field(description="Title in English")
    text: Text = Field(description="What is offered, in the merchant's words")
    price_fen: int | None = Field(default=None, gt=0, le=10**10, description="Offer price (分)")
    discount_pct: int | None = Field(
        default=None, ge=1, le=99, description="Percent off (20 = 8折); or price_fen"
    )
    valid_from: AwareInstant
    valid_to: AwareInstant


class OfferRead(BaseModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    title: Label
    text: str
    price_fen: int | None
    discount_pct: int | None
    deal_label: Label
    valid_from: datetime
    valid_to: datetime
    pushed_count: int | None = Field(description="Residents it was pushed to (the merchant's)")
    capped_count: int | None = Field(
        description="Opted-in residents not pushed: the weekly cap reached (the merchant's)"
    )
    created_at: datetime
    withdrawn_at: datetime | None = Field(description="When the merchant withdrew it")
    withdrawn_label: Label | None = Field(description="Withdrawn, in words (the merchant's)")


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opted_in: bool


class SubscriptionRead(BaseModel):
    shop_id: uuid.UUID
    opted_in: bool
    opted_in_label: Label
    pushes_per_week: int = Field(description="At most this many offers of a shop in 7 days")
