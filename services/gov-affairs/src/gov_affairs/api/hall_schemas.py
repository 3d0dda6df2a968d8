"""What the residents' app reads of the service hall (网上办事大厅): the catalogue as a page,
the caller's own applications, an application's history in words and its certificate."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from gov_affairs.domain.text import Text

HallStatus = Literal["needs_more", "in_review", "approved", "rejected", "withdrawn"]


class HallMaterialRead(BaseModel):
    code: str
    name: Text
    required: bool
    conditional: bool  # needed only when a condition on the answers holds
    content_types: list[str]
    max_files: int


class HallItemRead(BaseModel):
    """A service (事项) of the catalogue: its conditions, materials and form (JSON Schema)."""

    code: str
    version: int
    name: Text
    category: str
    category_text: Text
    description: Text
    conditions: list[Text]
    materials: list[HallMaterialRead]
    form: dict[str, Any]
    promised_days: int
    issues_certificate: bool


class HallApplicationSummary(BaseModel):
    """One of my applications (我的办件) in a list."""

    id: uuid.UUID
    number: str
    item_name: Text
    status: HallStatus
    status_text: Text
    submitted_at: datetime
    decided_at: datetime | None


class HallHistoryRead(BaseModel):
    """One entry of an application's history, in words (提交申请, 要求补充材料 ...)."""

    at: datetime
    text: Text
    comment: str = ""


class HallCertificateRead(BaseModel):
    """The certificate of an approved application, for its holder: the verification code
    and the public page that checks it."""

    id: uuid.UUID
    number: str
    title: Text
    code: str
    verify_url: str
    issued_on: date
    valid_until: date | None
