"""What opening a case and taking a step need (commands, pure data)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class NewCase:
    case_type: str
    title: str
    community_id: str
    source: str
    description: str = ""
    priority: str | None = None
    grid_id: str | None = None
    building_id: str | None = None
    unit_id: str | None = None
    room_id: str | None = None
    household_id: str | None = None
    place: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    reporter_id: str | None = None
    alarm_id: str | None = None
    external_ref: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    attachment_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass
class StepInput:
    text: str | None = None
    attachment_ids: list[uuid.UUID] = field(default_factory=list)
    longitude: float | None = None
    latitude: float | None = None
    assignee_id: str | None = None
    rating: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def parse_if_match(value: str) -> int:
    """The version in an ``If-Match`` header (``"3"``, ``W/"3"``); ValueError otherwise."""
    return int(value.strip().removeprefix("W/").strip('"'))
