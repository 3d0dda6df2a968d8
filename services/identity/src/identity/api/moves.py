"""Moving in and out, and a person's residency history."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from sqlalchemy import select

from identity.api.persons import (
    Readers,
    Writers,
    ensure_relation_allowed,
    load_person,
    presented,
    residency_scope,
)
from identity.db.register import Household, Person, Residency
from identity.register import people, repo
from identity.register.present import audit_history
from identity.register.schemas import MoveIn, MoveOut, PersonRead, ResidencyRead
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.errors import Conflict, Problem

router = APIRouter(tags=["register"])


@router.post("/api/v1/persons/{person_id}/move-in", summary="The person moves into a household")
async def move_in(
    person_id: uuid.UUID,
    body: MoveIn,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PersonRead:
    person = await uow.session.get(Person, person_id)
    if person is None:
        raise Problem(404, "person.not_found", f"No person with id {person_id}")
    household = await repo.get_or_404(uow.session, Household, body.household_id)
    scope.ensure(repo.places(household))
    ensure_relation_allowed(scope, household, body.relation)
    await people.start_residency(
        uow, person, household, body.relation, body.moved_in_on, scope.principal.subject
    )
    await auditor.within(
        uow,
        action="person.move_in",
        resource_type="person",
        resource_id=str(person.id),
        principal=scope.principal,
        request=request,
        community_id=str(household.community_id),
        detail={"household_id": str(household.id)},
    )
    await uow.commit()
    return (await presented(uow, scope, auditor, request, [person]))[0]


@router.post("/api/v1/persons/{person_id}/move-out", summary="The person leaves a household")
async def move_out(
    person_id: uuid.UUID,
    body: MoveOut,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PersonRead:
    person = await load_person(uow, scope, person_id)
    query = select(Residency).where(
        Residency.person_id == person.id, Residency.moved_out_on.is_(None), residency_scope(scope)
    )
    if body.household_id is not None:
        query = query.where(Residency.household_id == body.household_id)
    current = list(await uow.session.scalars(query))
    if not current:
        raise Conflict("person.not_resident", "The person does not live in such a household now")
    if len(current) > 1:
        raise Problem(422, "person.which_household", "The person lives in several; name one")
    await people.end_residency(uow, current[0], body.moved_out_on, scope.principal.subject)
    await auditor.within(
        uow,
        action="person.move_out",
        resource_type="person",
        resource_id=str(person.id),
        principal=scope.principal,
        request=request,
        community_id=str(current[0].community_id),
        detail={"household_id": str(current[0].household_id)},
    )
    await uow.commit()
    return (await presented(uow, scope, auditor, request, [person]))[0]


@router.get("/api/v1/persons/{person_id}/residencies", summary="Where the person lived, and when")
async def residencies(
    person_id: uuid.UUID,
    scope: Readers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
    paging: Paging,
) -> Page[ResidencyRead]:
    person = await load_person(uow, scope, person_id)
    query = select(Residency).where(Residency.person_id == person.id, residency_scope(scope))
    order = (Residency.moved_in_on, Residency.created_at)
    rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
    await audit_history(auditor, scope, request, "person", person.id, total)
    return Page.of([ResidencyRead.model_validate(r) for r in rows], total, paging)
