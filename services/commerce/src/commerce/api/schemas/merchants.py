"""Merchants: what a merchant sends to register or change one, what staff send to review
it, and what each reader sees (the phone masked unless revealed)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from commerce.api.schemas import Label, Line, PlaceId
from commerce.domain.merchants import CATEGORIES, PHONE, Hours, check_hours
from sc_core.industry import IndustryCode
from sc_core.validators import UnifiedSocialCreditCode

INDUSTRY = "国民经济行业分类 (GB/T 4754-2017): the division's 2 digits (52 零售业, 62 餐饮业)"


class OpeningHours(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        min_length=1, max_length=7, description="1 Monday .. 7 Sunday"
    )
    opens: str = Field(max_length=5, description="HH:MM", examples=["08:00"])
    closes: str = Field(
        max_length=5, description="HH:MM; before opens: past midnight", examples=["20:00"]
    )

    def hours(self) -> Hours:
        return Hours(tuple(self.days), self.opens, self.closes)

    @model_validator(mode="after")
    def _valid(self) -> OpeningHours:
        reason = check_hours([self.hours()])
        if reason:
            raise ValueError(reason)
        return self


def _category(value: str | None) -> str | None:
    if value is not None and value not in CATEGORIES:
        raise ValueError(f"category is one of {', '.join(CATEGORIES)}")
    return value


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not PHONE.match(value):
        raise ValueError("a mobile (13812345678) or a landline with its area code (010-12345678)")
    return value


Hours7 = Annotated[list[OpeningHours], Field(min_length=1, max_length=14)]


class MerchantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: PlaceId
    name: Annotated[str, Field(max_length=100)] = Field(pattern=r"^[^\x00-\x1f\x7f]+$")
    credit_code: UnifiedSocialCreditCode = Field(description="统一社会信用代码 (GB 32100)")
    licence_no: Annotated[str, Field(max_length=64)] | None = Field(
        default=None,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="许可证编号, if the trade needs one",
    )
    category: str = Field(max_length=32)
    industry_code: IndustryCode | None = Field(default=None, description=INDUSTRY)
    address: Annotated[Line, Field(max_length=200)]
    opening_hours: Hours7
    phone: str = Field(max_length=32, description="Contact phone; stored encrypted, shown masked")

    _c = field_validator("category")(_category)
    _p = field_validator("phone")(_phone)


class MerchantUpdate(BaseModel):
    """What the merchant changes; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")] | None = None
    credit_code: UnifiedSocialCreditCode | None = None
    licence_no: Annotated[str, Field(max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")] | None = None
    category: str | None = Field(default=None, max_length=32)
    industry_code: IndustryCode | None = Field(default=None, description=INDUSTRY)
    address: Annotated[Line, Field(max_length=200)] | None = None
    opening_hours: Hours7 | None = None
    phone: str | None = Field(default=None, max_length=32)

    _c = field_validator("category")(_category)
    _p = field_validator("phone")(_phone)


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] | None = None


class MerchantIndustry(BaseModel):
    """A merchant's industry: the division's code and words, its section's (门类)."""

    code: str
    label: Label
    section: str
    section_label: Label


class MerchantRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str
    credit_code: str
    licence_no: str | None
    category: str
    category_label: Label
    industry: MerchantIndustry | None = Field(description="Its GB/T 4754-2017 industry, if given")
    address: str
    opening_hours: list[OpeningHours]
    opening_hours_text: Label
    phone: str = Field(description="Masked unless the owner reads it or staff reveal it")
    phone_masked: bool
    status: str
    status_label: Label
    review_note: str | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
