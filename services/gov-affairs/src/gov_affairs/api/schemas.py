"""Request and response models of the service hall."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from gov_affairs.api.hall_schemas import HallCertificateRead, HallHistoryRead
from gov_affairs.domain.text import Text
from sc_core.schema import JsonBounds

# What an applicant fills in: checked against the item's form in the use case, bounded here
# before that (a form of up to 100 fields, tables of rows, 64 KiB).
FormData = Annotated[dict[str, Any], JsonBounds(max_keys=100, max_depth=5, max_bytes=65_536)]
MaterialName = Annotated[str, Field(min_length=1, max_length=40)]
FileId = Annotated[str, Field(min_length=1, max_length=64)]


class ApplicationCreate(BaseModel):
    item_code: str = Field(min_length=1, max_length=60)
    household_id: str | None = Field(default=None, max_length=64)
    data: FormData
    materials: dict[MaterialName, Annotated[list[FileId], Field(max_length=20)]] = Field(
        default_factory=dict, max_length=40
    )


class Attach(BaseModel):
    material: str = Field(min_length=1, max_length=40)
    files: list[FileId] = Field(min_length=1, max_length=20)


class Resubmit(BaseModel):
    data: FormData | None = None


class StepBody(BaseModel):
    comment: str = Field(default="", max_length=1000)
    to: str | None = Field(default=None, max_length=64, description="delegate: to whom")
    materials: list[MaterialName] = Field(default_factory=list, max_length=20)


class Withdraw(BaseModel):
    reason: str = Field(default="", max_length=500)


class MaterialRequestRead(BaseModel):
    by: str
    at: datetime
    materials: list[str]
    note: Text
    answered_at: datetime | None
    material_names: list[Text] = Field(default_factory=list)  # the materials, in words


class StepRead(BaseModel):
    key: str
    name: Text
    status: str
    due_at: datetime | None
    waiting_for: list[str]


class ApplicationRead(BaseModel):
    id: uuid.UUID
    number: str
    item_code: str
    item_name: Text
    status: Literal["needs_more", "in_review", "approved", "rejected", "withdrawn"]
    status_text: Text
    instant: bool
    community_id: str
    applicant_id: str
    data: dict[str, Any]
    materials: dict[str, list[str]]
    requests: list[MaterialRequestRead]
    steps: list[StepRead]
    submitted_at: datetime
    decided_at: datetime | None
    certificate_id: uuid.UUID | None = None
    current_step: Text | None = None  # the approval step it waits at, in words
    history: list[HallHistoryRead] = Field(default_factory=list)
    material_names: dict[str, Text] = Field(default_factory=dict)  # the service's materials
    certificate: HallCertificateRead | None = None  # its holder only


class TaskRead(BaseModel):
    application_id: uuid.UUID
    step: str
    kind: str
    due_at: datetime | None


class FileRead(BaseModel):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int


class CheckRead(BaseModel):
    code: str
    title: Text
    holder: str
    issuer: Text
    issued_on: date
    valid_until: date | None
    standing: Literal["valid", "expired", "revoked"]
    standing_text: Text
