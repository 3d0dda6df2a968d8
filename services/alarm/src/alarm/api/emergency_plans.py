"""Emergency management (6.1.4): plans by type (searchable by type, date, name), risk-map
points, drills with participation, shelters (and the nearest one), emergency supplies
with stock and movements (residents may read), warnings to residents, speakers and
e-screens (through the notification service).

This router holds the plans (6.1.4 a): written by emergency writers, searched by staff by
type, date and name. (The paragraph above describes the ``emergency`` tag in the OpenAPI
document: it is the tag's first router's; the other resources have a router each.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from alarm.api.deps import EMERGENCY_WRITERS, EmergencyDep, EmergencyWriter, Staff
from alarm.api.editing import editable
from alarm.api.emergency import PlanBody, PlanFields, PlanRead, PlanType
from alarm.api.filters import DayFilter, IdFilter
from alarm.db.emergency import EmergencyPlan
from alarm.usecases.emergency import WRITER, PlanSearch
from sc_core.api import Page, Paging

router = APIRouter(tags=["emergency"])


@router.post("/api/v1/emergency-plans", status_code=201, response_model=PlanRead)
async def create_plan(body: PlanBody, who: EmergencyWriter, emergency: EmergencyDep) -> PlanRead:
    return PlanRead.model_validate(await emergency.create_plan(who, body))


@router.get("/api/v1/emergency-plans", response_model=Page[PlanRead])
async def search_plans(
    who: Staff,
    emergency: EmergencyDep,
    paging: Paging,
    plan_type: PlanType | None = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
    effective_from: DayFilter = None,
    effective_to: DayFilter = None,
    community_id: IdFilter = None,
) -> Page[PlanRead]:
    search = PlanSearch(plan_type, name, effective_from, effective_to, community_id)
    items, total = await emergency.search_plans(who, search, paging)
    return Page[PlanRead].of([PlanRead.model_validate(p) for p in items], total, paging)


editable(
    router,
    "/api/v1/emergency-plans",
    model=EmergencyPlan,
    body=PlanFields,
    read=lambda obj, _p: PlanRead.model_validate(obj),
    response_model=PlanRead,
    kind="emergency_plan",
    writers=EMERGENCY_WRITERS,
    check=WRITER,
)
