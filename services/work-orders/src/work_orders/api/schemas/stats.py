"""The overview's counts of cases."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Count(BaseModel):
    key: str
    count: int


class WorkOrderStats(BaseModel):
    community_id: str
    since: datetime
    open: int
    overdue: int
    escalated: int
    opened_since: int
    closed_since: int  # resolved or closed since `since`
    open_by_status: list[Count]
    open_by_type: list[Count]
