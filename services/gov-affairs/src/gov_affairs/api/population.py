"""Population checks (人口核查, 6.5.2 a): the flags the daily sweep raises for the grid
worker and the community police, worked like a case."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import PopulationDep
from gov_affairs.db.models import FlagRow
from gov_affairs.domain import population as d
from gov_affairs.domain.text import Text
from gov_affairs.usecases.population_rows import KINDS, split_summary
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/population-flags", tags=["population"])

RESOLUTIONS = {
    "registered": Text(zh="已登记入住", en="registered as a resident"),
    "moved_out_recorded": Text(zh="已办理迁出", en="moving out recorded"),
    "visitor": Text(zh="访客", en="a visitor"),
    "staff_or_worker": Text(zh="工作人员或务工人员", en="staff or a worker"),
    "false_alarm": Text(zh="误报", en="a false alarm"),
    "other": Text(zh="其他", en="other"),
}
Kind = Literal["unregistered_frequent", "absent_resident"]
Status = Literal["open", "in_progress", "resolved", "closed"]


class Step(BaseModel):
    action: Literal["assign", "start", "note", "resolve", "close", "reopen"]
    note: str = Field(default="", max_length=1000, description="what was done or found")
    resolution: d.Resolution | None = Field(
        default=None, description="resolve / close: what was found"
    )
    assignee: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="assign: the account (a grid worker or police officer of the community); "
        "none: the caller",
    )


class EvidenceDay(BaseModel):
    day: date
    count: int = Field(description="passages that day")
    first: datetime
    last: datetime
    doors: list[str]


class TimelineEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    note: str


class FlagRead(BaseModel):
    id: uuid.UUID
    community_id: str
    grid_id: str | None
    building_id: str | None
    room_id: str | None
    household_id: str | None
    person_id: str | None = Field(description="an absent resident's person id (identity)")
    kind: str
    kind_name: Text
    summary: Text
    status: str
    status_name: Text
    resolution: str | None
    resolution_name: Text | None
    assignee: str | None
    evidence: list[EvidenceDay] = Field(description="the days the key was seen, and where")
    timeline: list[TimelineEntry]
    opened_at: datetime
    updated_at: datetime


def flag_read(row: FlagRow) -> FlagRead:
    zh, en = split_summary(row.summary)
    kind = KINDS[row.kind]
    status = d.FLAG_STATUS_WORDS[row.status]
    evidence: list[dict[str, Any]] = list(row.evidence)
    return FlagRead(
        id=row.id,
        community_id=row.community_id,
        grid_id=row.grid_id,
        building_id=row.building_id,
        room_id=row.room_id,
        household_id=row.household_id,
        person_id=row.person_id,
        kind=row.kind,
        kind_name=Text(zh=kind[0], en=kind[1]),
        summary=Text(zh=zh, en=en),
        status=row.status,
        status_name=Text(zh=status[0], en=status[1]),
        resolution=row.resolution,
        resolution_name=RESOLUTIONS.get(row.resolution) if row.resolution else None,
        assignee=row.assignee,
        evidence=[EvidenceDay.model_validate(e) for e in evidence],
        timeline=[TimelineEntry.model_validate(t) for t in row.timeline],
        opened_at=row.opened_at,
        updated_at=row.updated_at,
    )


@router.get("", summary="Population check flags in my grids and communities, newest first")
async def list_flags(
    who: CurrentCaller,
    population: PopulationDep,
    paging: Paging,
    community_id: str | None = Query(default=None, min_length=1, max_length=64),
    status: Status | None = None,
    kind: Kind | None = None,
) -> Page[FlagRead]:
    """Police, community_admin and gov_officer of the community see its flags; a grid
    worker those of their grids' buildings and the community-wide ones (gate sightings).
    Audited: flags are about people's whereabouts."""
    rows, total = await population.page(
        who,
        community_id=community_id,
        status=status,
        kind=kind,
        limit=paging.limit,
        offset=paging.offset,
        cursor=paging.cursor,
    )
    return Page.of([flag_read(r) for r in rows], total, paging)


@router.get("/{flag_id}", summary="One flag with its evidence and timeline")
async def get_flag(flag_id: uuid.UUID, who: CurrentCaller, population: PopulationDep) -> FlagRead:
    return flag_read(await population.get(who, flag_id))


@router.post("/{flag_id}/steps", summary="Assign, start, note, resolve, close or reopen")
async def step(
    flag_id: uuid.UUID, body: Step, who: CurrentCaller, population: PopulationDep
) -> FlagRead:
    """Resolving (or closing an unresolved flag) says what was found and how it was
    handled (422 ``flag.resolution_required``); a closed flag can be reopened; a flag is
    never deleted."""
    row = await population.step(
        who,
        flag_id,
        body.action,
        note=body.note,
        resolution=body.resolution,
        assignee=body.assignee,
    )
    return flag_read(row)
