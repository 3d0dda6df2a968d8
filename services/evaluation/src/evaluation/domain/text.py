"""Texts people read, zh-CN first and English second."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """A text in both languages; the Chinese one is the original."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str = Field(min_length=1, max_length=500)
    en: str = Field(min_length=1, max_length=500)

    def get(self, locale: str = "zh-CN") -> str:
        return self.zh if locale.lower().startswith("zh") else self.en
