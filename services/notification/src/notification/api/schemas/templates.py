"""Message templates' models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from notification.domain.templates import valid_pattern


class TemplateWrite(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, max_length=4000)

    @field_validator("title", "body")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if not valid_pattern(value):
            raise ValueError("unbalanced braces: placeholders are {name}, literal braces {{ }}")
        return value


class TemplateRead(TemplateWrite):
    code: str
    locale: str
    updated_by: str | None
    updated_at: datetime
