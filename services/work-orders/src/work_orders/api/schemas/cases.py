"""Cases: what a client sends to open one or take a step, and what it reads back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from work_orders.api.schemas.common import Ident, Latitude, Longitude, PlaceId, Priority, Scalar


class WorkOrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_type: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    priority: Priority | None = None
    community_id: PlaceId | None = Field(
        default=None,
        description="Left out: the household's community, or the caller's one community "
        "(422 place.required / place.ambiguous names the field when it is not one)",
    )
    grid_id: PlaceId | None = Field(
        default=None, description="Left out: a grid worker's grid, from the building"
    )
    building_id: PlaceId | None = None
    unit_id: PlaceId | None = None
    room_id: PlaceId | None = None
    household_id: PlaceId | None = None
    place: str | None = Field(default=None, max_length=200)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=9)
    external_ref: Ident | None = None
    details: dict[Ident, Scalar] = Field(default_factory=dict, max_length=20)


class StepBody(BaseModel):
    """Body of POST /work-orders/{id}/{action}; each action reads what it needs."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, max_length=4000)
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=9)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    assignee_id: Ident | None = None
    rating: int | None = Field(default=None, ge=1, le=5)
    category: Ident | None = None
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Optimistic concurrency"
    )


class TimelineRead(BaseModel):
    seq: int
    action: str
    from_status: str | None
    to_status: str
    actor_id: str | None
    actor_kind: str
    text: str | None
    attachment_ids: list[str]
    longitude: float | None
    latitude: float | None
    data: dict[str, Any]
    created_at: datetime


class WorkOrderRead(BaseModel):
    id: uuid.UUID
    number: str
    case_type: str
    title: str
    description: str
    status: str
    priority: str
    source: str
    community_id: str
    grid_id: str | None
    building_id: str | None
    unit_id: str | None
    room_id: str | None
    household_id: str | None
    place: str | None
    longitude: float | None
    latitude: float | None
    reporter_id: str | None
    assignee_id: str | None
    alarm_id: str | None
    alarm_cleared_at: datetime | None
    external_ref: str | None
    details: dict[str, Any]
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    overdue: bool
    escalated: bool
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    rating_comment: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class WorkOrderDetail(WorkOrderRead):
    timeline: list[TimelineRead]
    attachment_ids: list[str]


class InboxBucket(BaseModel):
    count: int
    items: list[WorkOrderRead]


class Inbox(BaseModel):
    received: InboxBucket
    pending: InboxBucket
    in_progress: InboxBucket
    overdue: InboxBucket


class CandidateRead(BaseModel):
    user_id: str
    display_name: str | None
    skills: list[str]
    open_cases: int
