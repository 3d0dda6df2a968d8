"""Safety registers: special populations (6.1.1 a), incidents and their statistics
(6.1.1 b), department linkage (6.1.1 c), key places and their cameras (6.1.1 e).

Readers are the roles that need them (community_admin, grid_worker, police,
property_manager) within their places; residents never. Personal fields are encrypted at
rest and masked by the caller's grade (a property manager sees names, not the person
reference, plan or contacts); every read is audited.

This router holds the special populations; the incidents, their dispatches and the key
places have a router each. (The first paragraph describes the ``safety registers`` tag in
the OpenAPI document: it is the tag's first router's.)"""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from alarm.api.deps import REGISTER_WRITERS, RegisterReader, RegisterWriter, SpecialPersonsDep
from alarm.api.editing import editable
from alarm.api.filters import IdFilter
from alarm.api.registers import (
    SpecialCategory,
    SpecialPersonBody,
    SpecialPersonCreate,
    SpecialPersonRead,
)
from alarm.db.registers import SpecialPerson
from alarm.usecases.special_persons import WRITER, person_from_db, person_to_db
from sc_core.api import Page, Paging
from sc_core.auth import Principal
from sc_core.privacy import mask_model

router = APIRouter(tags=["safety registers"])


def _person_read(person: SpecialPerson, principal: Principal) -> SpecialPersonRead:
    read = SpecialPersonRead.model_validate(person, from_attributes=True)
    return mask_model(read, principal.grade)


@router.post("/api/v1/special-persons", status_code=201, response_model=SpecialPersonRead)
async def register_person(
    body: SpecialPersonCreate, who: RegisterWriter, persons: SpecialPersonsDep
) -> SpecialPersonRead:
    return _person_read(await persons.register(who, body), who.principal)


@router.get("/api/v1/special-persons", response_model=Page[SpecialPersonRead])
async def list_persons(
    who: RegisterReader,
    persons: SpecialPersonsDep,
    paging: Paging,
    category: SpecialCategory | None = None,
    community_id: IdFilter = None,
) -> Page[SpecialPersonRead]:
    items, total = await persons.page(who, category, community_id, paging)
    reads = [_person_read(p, who.principal) for p in items]
    return Page[SpecialPersonRead].of(reads, total, paging)


@router.get("/api/v1/special-persons/{person_id}", response_model=SpecialPersonRead)
async def get_person(
    person_id: uuid.UUID, who: RegisterReader, persons: SpecialPersonsDep
) -> SpecialPersonRead:
    return _person_read(await persons.get(who, person_id), who.principal)


editable(
    router,
    "/api/v1/special-persons",
    model=SpecialPerson,
    body=SpecialPersonBody,
    read=_person_read,
    response_model=SpecialPersonRead,
    kind="special_person",
    writers=REGISTER_WRITERS,
    check=WRITER,
    from_db=person_from_db,
    to_db=person_to_db,
)
