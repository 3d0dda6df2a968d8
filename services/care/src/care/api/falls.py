"""A person's falls (from the alarm service's fall alarms), through consent on vitals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from care.api.deps import FallsDep
from care.db.models import FallRow
from care.usecases.falls import fall_of
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging

router = APIRouter(prefix="/api/v1/care/people/{person_id}/falls", tags=["falls"])


class FallRead(BaseModel):
    alarm_id: str
    device_id: str | None
    first_at: datetime
    last_at: datetime
    count: int = Field(description="how often the alarm was seen while active")
    status: str = Field(description="active, acknowledged or cleared")
    false_alarm: bool | None
    cleared_at: datetime | None
    status_zh: str
    status_en: str


@router.get("", response_model=Page[FallRead])
async def falls(
    person_id: Annotated[str, Path(max_length=64)],
    who: CurrentCaller,
    falls: FallsDep,
    paging: Paging,
) -> Page[FallRead]:
    """The person's falls, newest first: the people whose consent covers vitals (the
    person, a guardian, family and doctors granted it); audited."""
    rows, total = await falls.history(who, person_id, paging)
    return Page[FallRead].of([_read(r) for r in rows], total, paging)


def _read(r: FallRow) -> FallRead:
    zh, en = fall_of(r).words
    return FallRead(
        alarm_id=r.alarm_id, device_id=r.device_id, first_at=r.first_at, last_at=r.last_at,
        count=r.count, status=r.status, false_alarm=r.false_alarm, cleared_at=r.cleared_at,
        status_zh=zh, status_en=en,
    )  # fmt: skip
