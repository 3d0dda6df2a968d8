"""The risk map's points (6.1.4 b): written by emergency writers, read by staff."""

from __future__ import annotations

from fastapi import APIRouter

from alarm.api.deps import EMERGENCY_WRITERS, EmergencyDep, EmergencyWriter, Staff
from alarm.api.editing import editable
from alarm.api.emergency import RiskBody, RiskFields, RiskRead
from alarm.api.filters import IdFilter
from alarm.db.emergency import RiskPoint
from alarm.usecases.emergency import WRITER
from sc_core.api import Page, Paging

router = APIRouter(tags=["emergency"])


@router.post("/api/v1/risk-points", status_code=201, response_model=RiskRead)
async def add_risk(body: RiskBody, who: EmergencyWriter, emergency: EmergencyDep) -> RiskRead:
    return RiskRead.model_validate(await emergency.add_risk(who, body))


@router.get("/api/v1/risk-points", response_model=Page[RiskRead])
async def risk_map(
    who: Staff, emergency: EmergencyDep, paging: Paging, community_id: IdFilter = None
) -> Page[RiskRead]:
    items, total = await emergency.risk_map(who, community_id, paging)
    return Page[RiskRead].of([RiskRead.model_validate(p) for p in items], total, paging)


editable(
    router,
    "/api/v1/risk-points",
    model=RiskPoint,
    body=RiskFields,
    read=lambda obj, _p: RiskRead.model_validate(obj),
    response_model=RiskRead,
    kind="risk_point",
    writers=EMERGENCY_WRITERS,
    check=WRITER,
)
