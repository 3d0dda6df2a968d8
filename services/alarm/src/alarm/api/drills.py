"""Drills with their participants (6.1.4 b), and whether each community held the
required number in a year."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from alarm.api.deps import EMERGENCY_WRITERS, EmergencyDep, EmergencyWriter, Staff
from alarm.api.editing import editable
from alarm.api.emergency import DrillBody, DrillFields, DrillRead
from alarm.api.filters import IdFilter
from alarm.db.emergency import Drill
from alarm.usecases.emergency import WRITER
from sc_core.api import Page, Paging

router = APIRouter(tags=["emergency"])


@router.post("/api/v1/drills", status_code=201, response_model=DrillRead)
async def record_drill(body: DrillBody, who: EmergencyWriter, emergency: EmergencyDep) -> DrillRead:
    return DrillRead.model_validate(await emergency.record_drill(who, body))


@router.get("/api/v1/drills", response_model=Page[DrillRead])
async def list_drills(
    who: Staff,
    emergency: EmergencyDep,
    paging: Paging,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    community_id: IdFilter = None,
) -> Page[DrillRead]:
    items, total = await emergency.drills(who, year, community_id, paging)
    return Page[DrillRead].of([DrillRead.model_validate(d) for d in items], total, paging)


@router.get("/api/v1/drills/compliance")
async def drill_compliance(
    who: Staff,
    emergency: EmergencyDep,
    year: Annotated[int, Query(ge=1900, le=2200)],
    required: Annotated[int, Query(ge=1, le=366)] = 2,
) -> list[dict[str, Any]]:
    """Drills held per community in ``year`` and whether the required number was met."""
    return await emergency.compliance(who, year, required)


editable(
    router,
    "/api/v1/drills",
    model=Drill,
    body=DrillFields,
    read=lambda obj, _p: DrillRead.model_validate(obj),
    response_model=DrillRead,
    kind="drill",
    writers=EMERGENCY_WRITERS,
    check=WRITER,
)
