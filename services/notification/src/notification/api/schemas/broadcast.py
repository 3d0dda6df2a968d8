"""Broadcast endpoints' models: a community's speakers and e-screens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class EndpointCreate(BaseModel):
    device_id: str = Field(min_length=1, max_length=64, description="device-ingestion's id")
    device_type: Literal["voice_speaker", "e_screen"]
    name: str = Field(min_length=1, max_length=200)
    community_id: str = Field(min_length=1, max_length=64)
    building_id: str | None = Field(default=None, min_length=1, max_length=64)


class EndpointRead(EndpointCreate):
    id: uuid.UUID
    created_at: datetime
