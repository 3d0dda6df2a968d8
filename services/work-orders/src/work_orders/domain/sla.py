"""SLA arithmetic (pure): deadlines of a case by its type's minutes per priority, which of
them run in a status, and when the sweeper next has something to do."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Protocol

from work_orders.domain.states import AWAITING_RESPONSE, OPEN

SlaMinutes = Mapping[str, Mapping[str, int]]
"""{"urgent": {"response": 15, "resolution": 240}, ...}: minutes per priority."""


class Timed(Protocol):
    status: str
    response_due_at: datetime | None
    resolution_due_at: datetime | None


def due_times(
    sla: SlaMinutes | None, priority: str, start: datetime
) -> tuple[datetime | None, datetime | None]:
    """(response due, resolution due) of a case of this priority started at ``start``."""
    minutes = (sla or {}).get(priority) or {}
    response = minutes.get("response")
    resolution = minutes.get("resolution")
    return (
        start + timedelta(minutes=response) if response is not None else None,
        start + timedelta(minutes=resolution) if resolution is not None else None,
    )


def deadlines(wo: Timed) -> list[tuple[str, datetime]]:
    """The deadlines that run in the case's status: ("response" | "resolution", due)."""
    return running(wo.status, wo.response_due_at, wo.resolution_due_at)


def running(
    status: str, response_due_at: datetime | None, resolution_due_at: datetime | None
) -> list[tuple[str, datetime]]:
    """:func:`deadlines` of plain values (a listed case's row, read once)."""
    out: list[tuple[str, datetime]] = []
    if status in AWAITING_RESPONSE and response_due_at is not None:
        out.append(("response", response_due_at))
    if status in OPEN and resolution_due_at is not None:
        out.append(("resolution", resolution_due_at))
    return out


def is_overdue(wo: Timed, now: datetime) -> bool:
    return overdue(wo.status, wo.response_due_at, wo.resolution_due_at, now)


def overdue(
    status: str, response_due_at: datetime | None, resolution_due_at: datetime | None, now: datetime
) -> bool:
    """Whether a deadline that runs in ``status`` has passed (:func:`running`'s rule, asked
    of each listed case: without building its list)."""
    if response_due_at is not None and status in AWAITING_RESPONSE and response_due_at < now:
        return True
    return resolution_due_at is not None and status in OPEN and resolution_due_at < now


def next_check(wo: Timed, reminder_before: timedelta, now: datetime) -> datetime | None:
    """The next instant after ``now`` with a reminder or a breach due for ``wo``."""
    points = [
        point for _, due in deadlines(wo) for point in (due - reminder_before, due) if point > now
    ]
    return min(points, default=None)
