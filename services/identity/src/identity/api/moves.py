"""Moving in and out, and a person's residency history."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from identity.api.deps import MovesDep
from identity.api.persons import Readers, Writers
from identity.register.schemas import MoveIn, MoveOut, PersonRead, ResidencyRead
from sc_core.api import Page, Paging

router = APIRouter(tags=["register"])


@router.post("/api/v1/persons/{person_id}/move-in", summary="The person moves into a household")
async def move_in(person_id: uuid.UUID, body: MoveIn, who: Writers, moves: MovesDep) -> PersonRead:
    return await moves.move_in(who, person_id, body)


@router.post("/api/v1/persons/{person_id}/move-out", summary="The person leaves a household")
async def move_out(
    person_id: uuid.UUID, body: MoveOut, who: Writers, moves: MovesDep
) -> PersonRead:
    return await moves.move_out(who, person_id, body)


@router.get("/api/v1/persons/{person_id}/residencies", summary="Where the person lived, and when")
async def residencies(
    person_id: uuid.UUID, who: Readers, moves: MovesDep, paging: Paging
) -> Page[ResidencyRead]:
    rows, total = await moves.history(who, person_id, paging)
    return Page.of([ResidencyRead.model_validate(r) for r in rows], total, paging)
