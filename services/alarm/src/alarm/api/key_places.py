"""Key places (九小场所, group rentals) and their cameras (6.1.1 e): registered by register
writers on their buildings or grids, read by register readers there."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from alarm.api.deps import REGISTER_WRITERS, KeyPlacesDep, RegisterReader, RegisterWriter
from alarm.api.editing import editable
from alarm.api.registers import KeyPlaceBody, KeyPlaceFields, KeyPlaceRead
from alarm.db.registers import KeyPlace
from alarm.usecases.key_places import WRITER
from sc_core.api import Page, Paging

router = APIRouter(tags=["safety registers"])


@router.post("/api/v1/key-places", status_code=201, response_model=KeyPlaceRead)
async def register_place(
    body: KeyPlaceBody, who: RegisterWriter, places: KeyPlacesDep
) -> KeyPlaceRead:
    return KeyPlaceRead.model_validate(await places.register(who, body), from_attributes=True)


@router.get("/api/v1/key-places", response_model=Page[KeyPlaceRead])
async def list_places(
    who: RegisterReader,
    places: KeyPlacesDep,
    paging: Paging,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[KeyPlaceRead]:
    items, total = await places.page(who, kind, paging)
    reads = [KeyPlaceRead.model_validate(p, from_attributes=True) for p in items]
    return Page[KeyPlaceRead].of(reads, total, paging)


editable(
    router,
    "/api/v1/key-places",
    model=KeyPlace,
    body=KeyPlaceFields,
    read=lambda obj, _p: KeyPlaceRead.model_validate(obj, from_attributes=True),
    response_model=KeyPlaceRead,
    kind="key_place",
    writers=REGISTER_WRITERS,
    check=WRITER,
)
