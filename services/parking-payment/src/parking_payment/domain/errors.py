"""Domain errors: a stable code (``parking.<reason>`` / ``payment.<reason>``) and a
zh-CN first, English second message that a person may read."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused something. ``code`` is stable; apps localise it."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    @property
    def message(self) -> str:
        return f"{self.message_zh}（{self.message_en}）"
