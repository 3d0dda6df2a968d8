"""Households: who lives together in a room."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends

from identity.api.deps import HouseholdsDep
from identity.register.schemas import HouseholdCreate, HouseholdRead, HouseholdUpdate
from identity.roles import HOUSEHOLD_READERS, HOUSEHOLD_WRITERS
from sc_core.api import Page, Paging
from sc_core.auth import Caller, callers

router = APIRouter(tags=["register"])
# the coarse role checks; the places are the use case's (usecases/households.py)
Readers = Annotated[Caller, Depends(callers(*sorted(HOUSEHOLD_READERS)))]
Writers = Annotated[Caller, Depends(callers(*sorted(HOUSEHOLD_WRITERS)))]


@router.get("/api/v1/households", summary="Households in your scope")
async def list_households(
    who: Readers,
    households: HouseholdsDep,
    paging: Paging,
    room_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    status: Literal["active", "dissolved"] | None = None,
) -> Page[HouseholdRead]:
    items, total = await households.page(
        who, paging, room_id=room_id, building_id=building_id, status=status
    )
    return Page.of(items, total, paging)


@router.post("/api/v1/households", status_code=201, summary="Open a household in a room")
async def create_household(
    body: HouseholdCreate, who: Writers, households: HouseholdsDep
) -> HouseholdRead:
    return await households.create(who, body)


@router.get("/api/v1/households/{household_id}", summary="One household")
async def get_household(
    household_id: uuid.UUID, who: Readers, households: HouseholdsDep
) -> HouseholdRead:
    return await households.get(who, household_id)


@router.patch("/api/v1/households/{household_id}", summary="Rename or dissolve a household")
async def update_household(
    household_id: uuid.UUID, body: HouseholdUpdate, who: Writers, households: HouseholdsDep
) -> HouseholdRead:
    return await households.update(who, household_id, body)
