"""Text a person reads: Chinese first, English second, always both."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """One sentence or label in both languages (zh-CN shown first, en second)."""

    model_config = ConfigDict(frozen=True)

    zh: str = Field(min_length=1, max_length=2000)
    en: str = Field(min_length=1, max_length=2000)

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def t(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)
