"""Request and response models, one module per resource."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

# Ids: no control characters (NUL cannot be stored)
PlaceId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]
# one line of text people write (no control characters)
Line = Annotated[str, Field(min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$")]


class Label(BaseModel):
    """A code's words for people, zh-CN first."""

    zh_CN: str = Field(serialization_alias="zh-CN", validation_alias="zh-CN")
    en: str


def label(pair: tuple[str, str]) -> Label:
    return Label.model_validate({"zh-CN": pair[0], "en": pair[1]})
