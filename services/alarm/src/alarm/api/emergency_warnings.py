"""Warnings to residents, speakers and e-screens (6.1.4 c)."""

from __future__ import annotations

from fastapi import APIRouter

from alarm.api.deps import EmergencyWriter, WarningsDep
from alarm.api.emergency import WarningBody, WarningRead
from alarm.api.filters import IdFilter
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(tags=["emergency"])


@router.post("/api/v1/emergency-warnings", status_code=201, response_model=WarningRead)
async def warn(body: WarningBody, who: EmergencyWriter, warnings: WarningsDep) -> WarningRead:
    """Warn residents (every household member holding a grant in the community, or in
    the buildings named) and the speakers and e-screens there (6.1.4 c)."""
    return WarningRead.model_validate(await warnings.warn(who, body))


@router.get("/api/v1/emergency-warnings", response_model=Page[WarningRead])
async def list_warnings(
    who: CurrentCaller,
    warnings: WarningsDep,
    paging: Paging,
    community_id: IdFilter = None,
) -> Page[WarningRead]:
    items, total = await warnings.warnings(who, community_id, paging)
    return Page[WarningRead].of([WarningRead.model_validate(w) for w in items], total, paging)
