"""Patrols (6.3 h): routes of QR checkpoints, scheduled rounds, scans, and the results
residents read (no staff personal data)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sc_core.schema import AwareInstant
from work_orders.api.schemas.common import PRINTABLE, Ident, Latitude, Longitude, PlaceId


class CheckpointIn(BaseModel):
    code: Ident = Field(description="What the QR code holds")
    place: str = Field(min_length=1, max_length=100, pattern=PRINTABLE)
    longitude: Longitude | None = None
    latitude: Latitude | None = None


class RouteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: PlaceId
    name: str = Field(min_length=1, max_length=100, pattern=PRINTABLE)
    max_gap_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    checkpoints: list[CheckpointIn] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _unique_codes(self) -> RouteCreate:
        codes = [c.code for c in self.checkpoints]
        if len(set(codes)) != len(codes):
            raise ValueError("checkpoint codes must be unique on a route")
        return self


class CheckpointRead(CheckpointIn):
    position: int


class RouteRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str
    max_gap_minutes: int | None
    checkpoints: list[CheckpointRead]


class RoundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    route_id: uuid.UUID
    assignee_id: str = Field(min_length=1, max_length=64)
    window_start: AwareInstant
    window_end: AwareInstant

    @model_validator(mode="after")
    def _window(self) -> RoundCreate:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        return self


class RoundRead(BaseModel):
    id: uuid.UUID
    route_id: uuid.UUID
    community_id: str
    assignee_id: str
    window_start: datetime
    window_end: datetime
    status: str
    scanned_codes: list[str]
    missed_codes: list[str]
    longest_gap_minutes: int | None
    work_order_id: uuid.UUID | None


class ScanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Ident
    scanned_at: AwareInstant | None = None
    longitude: Longitude | None = None
    latitude: Latitude | None = None


class RoundResult(BaseModel):
    """What residents see: no patroller, only how the round went."""

    route_name: str
    window_start: datetime
    window_end: datetime
    status: str
    checkpoints: int
    visited: int
    missed_places: list[str]
