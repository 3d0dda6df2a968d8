"""Shelters (6.1.4 d): kept by emergency writers; everyone in the community reads them and
asks for the nearest ones (emergency-button guidance)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from alarm.api.deps import EMERGENCY_WRITERS, EmergencyWriter, ProvisionsDep
from alarm.api.editing import editable
from alarm.api.emergency import ShelterBody, ShelterFields, ShelterRead
from alarm.api.filters import IdFilter
from alarm.db.emergency import Shelter
from alarm.usecases.provisions import WRITER
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(tags=["emergency"])


@router.post("/api/v1/shelters", status_code=201, response_model=ShelterRead)
async def add_shelter(
    body: ShelterBody, who: EmergencyWriter, provisions: ProvisionsDep
) -> ShelterRead:
    return ShelterRead.model_validate(await provisions.add_shelter(who, body))


@router.get("/api/v1/shelters", response_model=Page[ShelterRead])
async def list_shelters(
    who: CurrentCaller,
    provisions: ProvisionsDep,
    paging: Paging,
    community_id: IdFilter = None,
) -> Page[ShelterRead]:
    items, total = await provisions.shelters(who, community_id, paging)
    return Page[ShelterRead].of([ShelterRead.model_validate(s) for s in items], total, paging)


@router.get("/api/v1/shelters/nearest", response_model=list[ShelterRead])
async def nearest_shelters(
    who: CurrentCaller,
    provisions: ProvisionsDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    community_id: IdFilter = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 3,
) -> list[ShelterRead]:
    """The shelters nearest to a point (emergency-button guidance, 6.1.4 d)."""
    found = await provisions.nearest_shelters(who, lat, lng, community_id, limit)
    return [ShelterRead.model_validate(s).model_copy(update={"distance_m": d}) for s, d in found]


editable(
    router,
    "/api/v1/shelters",
    model=Shelter,
    body=ShelterFields,
    read=lambda obj, _p: ShelterRead.model_validate(obj),
    response_model=ShelterRead,
    kind="shelter",
    writers=EMERGENCY_WRITERS,
    check=WRITER,
)
