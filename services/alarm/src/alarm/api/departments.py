"""``/api/v1/department-officers``: a community's roster of who answers for each
department (fire, police ...): the dispatches addressed to a department are theirs."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from alarm.api.deps import RosterDep, RosterWriter
from alarm.api.filters import IdFilter
from alarm.api.schemas import community_default
from alarm.domain.departments import Department
from sc_core.api import Page, Paging

router = APIRouter(tags=["incidents"])


class OfficerFields(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    department: Department
    user_id: str = Field(min_length=1, max_length=64, description="The officer's account id.")


class OfficerBody(OfficerFields):
    """A roster entry as a caller adds it (``community_id`` may be left out)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class OfficerRead(OfficerFields):
    id: uuid.UUID


def _read(o: Any) -> OfficerRead:
    return OfficerRead.model_validate(o, from_attributes=True)


@router.post("/api/v1/department-officers", status_code=201, response_model=OfficerRead)
async def add_officer(body: OfficerBody, who: RosterWriter, roster: RosterDep) -> OfficerRead:
    return _read(await roster.add(who, **body.model_dump(mode="json")))


@router.get("/api/v1/department-officers", response_model=Page[OfficerRead])
async def list_officers(
    who: RosterWriter,
    roster: RosterDep,
    paging: Paging,
    community_id: IdFilter = None,
    department: Department | None = None,
) -> Page[OfficerRead]:
    items, total = await roster.page(who, community_id, department, paging)
    return Page[OfficerRead].of([_read(o) for o in items], total, paging)


@router.delete("/api/v1/department-officers/{officer_id}", status_code=204)
async def remove_officer(officer_id: uuid.UUID, who: RosterWriter, roster: RosterDep) -> Response:
    await roster.remove(who, officer_id)
    return Response(status_code=204)
