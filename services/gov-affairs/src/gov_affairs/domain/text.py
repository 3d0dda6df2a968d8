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


class Refusal(Exception):
    """A step the domain refuses, as a person reads it: a stable ``code`` and the sentence in
    both languages (``zh`` is required: an English-only refusal cannot be written).

    ``str(refusal)`` and ``message`` are the English; a use case turns it into
    ``Problem(status, code, message, zh=zh)``.
    """

    def __init__(self, code: str, message: str, *, zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.zh = zh

    @property
    def text(self) -> Text:
        return Text(zh=self.zh, en=self.message)
