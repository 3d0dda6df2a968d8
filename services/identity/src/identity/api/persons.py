"""Persons (实有人口): registration, search, changes, moves, occupancy history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from identity.api.deps import PersonsDep
from identity.register.schemas import OccupantRead, PersonCreate, PersonRead, PersonUpdate
from identity.roles import PERSON_READERS, PERSON_WRITERS
from identity.usecases.persons import PersonQuery
from sc_core.api import Page, Paging
from sc_core.auth import Caller, callers
from sc_core.privacy import Revealed, RevealRequest

router = APIRouter(tags=["register"])
# the coarse role checks; the places are the use case's (usecases/persons.py)
Readers = Annotated[Caller, Depends(callers(*sorted(PERSON_READERS)))]
Writers = Annotated[Caller, Depends(callers(*sorted(PERSON_WRITERS)))]


@router.get("/api/v1/persons", summary="Persons in your scope (exact search by ID number or phone)")
async def list_persons(
    who: Readers,
    persons: PersonsDep,
    paging: Paging,
    household_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
    current: Annotated[bool, Query(description="only people living there now")] = True,
    id_number: Annotated[str | None, Query(max_length=32)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    name: Annotated[
        str | None,
        Query(max_length=100, description="A name or its beginning (孙 finds 孙丽): in scope"),
    ] = None,
) -> Page[PersonRead]:
    wanted = PersonQuery(household_id, room_id, current, id_number, phone, name)
    items, total = await persons.page(who, wanted, paging)
    return Page.of(items, total, paging)


@router.post("/api/v1/persons", status_code=201, summary="Register a person into a household")
async def create_person(body: PersonCreate, who: Writers, persons: PersonsDep) -> PersonRead:
    return await persons.create(who, body)


@router.get("/api/v1/persons/{person_id}", summary="One person")
async def get_person(person_id: uuid.UUID, who: Readers, persons: PersonsDep) -> PersonRead:
    return await persons.get(who, person_id)


@router.patch("/api/v1/persons/{person_id}", summary="Correct a person's record")
async def update_person(
    person_id: uuid.UUID, body: PersonUpdate, who: Writers, persons: PersonsDep
) -> PersonRead:
    return await persons.update(who, person_id, body)


@router.get(
    "/api/v1/rooms/{room_id}/occupants", summary="Everyone who lived in a room, oldest first"
)
async def room_occupants(
    room_id: uuid.UUID, who: Readers, persons: PersonsDep, paging: Paging
) -> Page[OccupantRead]:
    items, total = await persons.occupants(who, room_id, paging)
    return Page.of(items, total, paging)


@router.post(
    "/api/v1/persons/{person_id}/reveal",
    summary="Show one sensitive field of one person, for a stated purpose (audited)",
)
async def reveal_person(
    person_id: uuid.UUID, body: RevealRequest, who: Readers, persons: PersonsDep
) -> Revealed:
    """Lists mask ID numbers, phones and face ids for every role; a role whose grade covers
    the field (police, community_admin ... for an ID number; property staff for a phone)
    asks for it here, one field of one person, and the reveal is the audited read."""
    return Revealed(field=body.field, value=await persons.reveal(who, person_id, body))
