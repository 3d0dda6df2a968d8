"""Notification preferences' models: what a user (or an admin for their staff) sets, and
what is read back (the phone masked by the caller's grade)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from notification.domain.rules import INTERRUPTING, parse_hhmm
from sc_core.privacy import Sensitive

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,22}[0-9]$")


class PreferenceUpdate(BaseModel):
    """Fields left out keep their value; null clears one."""

    locale: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
    timezone: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=24)
    push_tokens: list[Annotated[str, Field(min_length=1, max_length=512)]] | None = Field(
        default=None, max_length=10
    )
    quiet_start: str | None = Field(default=None, max_length=5, description="HH:MM local time")
    quiet_end: str | None = Field(default=None, max_length=5, description="HH:MM local time")
    opt_out: list[Annotated[str, Field(max_length=16)]] | None = Field(
        default=None, max_length=8, description="push, sms or voice"
    )

    @field_validator("push_tokens")
    @classmethod
    def _tokens(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any("\x00" in t for t in value):  # JSONB cannot hold NUL
            raise ValueError("push tokens may not contain NUL characters")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise ValueError("not a phone number")
        return value

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _hhmm(cls, value: str | None) -> str | None:
        if value is not None:
            parse_hhmm(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        from zoneinfo import ZoneInfo

        if value is not None:
            try:
                ZoneInfo(value)
            except Exception as exc:
                raise ValueError("unknown time zone") from exc
        return value

    @field_validator("opt_out")
    @classmethod
    def _channels(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            unknown = set(value) - INTERRUPTING
            if unknown:
                raise ValueError(f"only push, sms and voice can be opted out of: {sorted(unknown)}")
            return sorted(set(value))
        return value


class PreferenceRead(BaseModel):
    user_id: str
    locale: str | None = None
    timezone: str | None = None
    phone: Annotated[str | None, Sensitive("mobile")] = None
    push_tokens: int = Field(default=0, description="How many push tokens are registered.")
    quiet_start: str | None = None
    quiet_end: str | None = None
    opt_out: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None


class PushTokenBody(BaseModel):
    token: str = Field(min_length=1, max_length=512, pattern=r"^[^\x00]+$")
