"""The alarm feed's model."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class AlarmFeedRead(BaseModel):
    id: int
    event_type: str
    alarm_id: str
    alarm_type: str
    severity: str
    status: str
    community_id: str
    building_id: str | None
    title: str | None
    created_at: datetime
