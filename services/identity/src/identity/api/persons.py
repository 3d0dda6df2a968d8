"""Persons (实有人口): registration, search, changes, moves, occupancy history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.exc import IntegrityError

from identity.api.deps import scoped
from identity.db.auth import Account
from identity.db.register import Household, Person, Residency, Room
from identity.register import people, repo
from identity.register.present import audit_history, audit_reveals, is_own, present
from identity.register.schemas import (
    OccupantRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    ResidencyRead,
)
from identity.roles import OWNER_REGISTRARS, PERSON_READERS, PERSON_WRITERS
from identity.scope import Scope
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Forbidden, Problem
from sc_core.privacy import Grade, Revealed, RevealRequest, get_cipher, reveal_detail, revealable

router = APIRouter(tags=["register"])
Readers = Annotated[Scope, Depends(scoped(PERSON_READERS))]
Writers = Annotated[Scope, Depends(scoped(PERSON_WRITERS))]


def residency_scope(scope: Scope) -> ColumnElement[bool]:
    return scope.clause(
        community_col=Residency.community_id,
        building_col=Residency.building_id,
        unit_col=Residency.unit_id,
        household_col=Residency.household_id,
    )


def _search_filters(
    scope: Scope, id_number: str | None, phone: str | None
) -> list[ColumnElement[bool]]:
    cipher, grade = get_cipher(), scope.principal.grade
    out = []
    if id_number:
        if grade < Grade.SENSITIVE:
            raise Forbidden("person.search_not_allowed", "Your role may not search by ID number")
        out.append(Person.id_number_idx == cipher.blind_index(id_number, "id_number"))
    if phone:
        if grade < Grade.PERSONAL:
            raise Forbidden("person.search_not_allowed", "Your role may not search by phone")
        out.append(Person.phone_idx == cipher.blind_index(phone, "mobile"))
    return out


async def presented(
    uow: UnitOfWork,
    scope: Scope,
    auditor: AuditorDep,
    request: Request,
    persons: list[Person],
    *,
    listing: bool = False,
) -> list[PersonRead]:
    residencies = await people.residencies_of(uow.session, [p.id for p in persons])
    out, reveals = [], {}
    for person in persons:
        read, shown = present(scope, person, residencies[person.id], listing=listing)
        out.append(read)
        reveals[person.id] = shown
    await audit_reveals(auditor, scope, request, reveals)
    return out


async def load_person(uow: UnitOfWork, scope: Scope, person_id: uuid.UUID) -> Person:
    """The person, if one of their residencies (current or past) is in the caller's scope."""
    person = await uow.session.get(Person, person_id)
    if person is None:
        raise Problem(404, "person.not_found", f"No person with id {person_id}")
    found = await uow.session.scalar(
        select(Residency.id)
        .where(Residency.person_id == person.id, residency_scope(scope))
        .limit(1)
    )
    if found is None:
        raise Forbidden("auth.out_of_scope", "The person is outside the places you may act on")
    return person


@router.get("/api/v1/persons", summary="Persons in your scope (exact search by ID number or phone)")
async def list_persons(
    scope: Readers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
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
    lives = [Residency.person_id == Person.id, residency_scope(scope)]
    if household_id is not None:
        lives.append(Residency.household_id == household_id)
    if room_id is not None:
        lives.append(Residency.room_id == room_id)
    if current:
        lives.append(Residency.moved_out_on.is_(None))
    query = select(Person).where(exists().where(*lives), *_search_filters(scope, id_number, phone))
    if name:
        query = query.where(Person.name.startswith(name.strip(), autoescape=True))
    rows, total = await fetch_page(
        uow.session, query.order_by(Person.created_at, Person.id), paging
    )
    items = await presented(uow, scope, auditor, request, rows, listing=True)
    return Page.of(items, total, paging)


@router.post("/api/v1/persons", status_code=201, summary="Register a person into a household")
async def create_person(
    body: PersonCreate, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> PersonRead:
    household = await repo.get_or_404(uow.session, Household, body.household_id)
    scope.ensure(repo.places(household))
    ensure_relation_allowed(scope, household, body.relation)
    actor = scope.principal.subject
    person = Person(
        name=body.name, gender=body.gender, birth_date=body.birth_date, created_by=actor
    )
    for field in people.SENSITIVE_COLUMNS:
        people.set_sensitive(person, field, getattr(body, field))
    if body.is_self:
        await _link_self(uow, scope, person)
    uow.session.add(person)
    await _flush_person(uow)
    await people.person_registered(uow, person, body.relation, household, actor)
    await people.start_residency(uow, person, household, body.relation, body.moved_in_on, actor)
    await auditor.within(
        uow,
        action="person.create",
        resource_type="person",
        resource_id=str(person.id),
        principal=scope.principal,
        request=request,
        community_id=str(household.community_id),
    )
    await uow.commit()
    return (await presented(uow, scope, auditor, request, [person]))[0]


def ensure_relation_allowed(scope: Scope, household: Household, relation: str) -> None:
    """403 ``person.relation_not_allowed`` when the caller may not give ``relation`` in
    this household: only an owner's or staff's grant registers an owner, not a tenant's."""
    if relation != "owner":
        return
    if scope.covering_roles([repo.places(household)]) & OWNER_REGISTRARS:
        return
    raise Forbidden(
        "person.relation_not_allowed",
        "A tenant may not register anyone as the household's owner",
        zh="租户不能将他人登记为本户业主",
        relation=relation,
    )


async def _link_self(uow: UnitOfWork, scope: Scope, person: Person) -> None:
    try:
        account = await uow.session.get(Account, uuid.UUID(scope.principal.subject))
    except ValueError:
        account = None
    if account is None or account.kind != "user":
        raise Problem(422, "person.no_account", "Only a person's account can register itself")
    if account.person_id is not None:
        raise Conflict("person.self_exists", "Your account is already linked to a person")
    person.id = uuid.uuid4()
    person.account_id, account.person_id = account.id, person.id


async def _flush_person(uow: UnitOfWork) -> None:
    try:
        await uow.session.flush()
    except IntegrityError as exc:
        raise Conflict("person.duplicate_id_number", "A person with this ID number exists") from exc


@router.get("/api/v1/persons/{person_id}", summary="One person")
async def get_person(
    person_id: uuid.UUID, scope: Readers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> PersonRead:
    person = await load_person(uow, scope, person_id)
    return (await presented(uow, scope, auditor, request, [person]))[0]


@router.patch("/api/v1/persons/{person_id}", summary="Correct a person's record")
async def update_person(
    person_id: uuid.UUID,
    body: PersonUpdate,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> PersonRead:
    person = await load_person(uow, scope, person_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        if field in people.SENSITIVE_COLUMNS:
            people.set_sensitive(person, field, value)
        elif value is not None:
            setattr(person, field, value)
    await _flush_person(uow)
    await auditor.within(
        uow,
        action="person.update",
        resource_type="person",
        resource_id=str(person.id),
        principal=scope.principal,
        request=request,
        detail={"fields": ",".join(sorted(body.model_dump(exclude_unset=True)))},
    )
    await uow.commit()
    return (await presented(uow, scope, auditor, request, [person]))[0]


@router.get(
    "/api/v1/rooms/{room_id}/occupants", summary="Everyone who lived in a room, oldest first"
)
async def room_occupants(
    room_id: uuid.UUID,
    scope: Readers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
    paging: Paging,
) -> Page[OccupantRead]:
    room = await repo.get_or_404(uow.session, Room, room_id)
    query = select(Residency).where(Residency.room_id == room.id, residency_scope(scope))
    order = (Residency.moved_in_on, Residency.created_at)
    rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
    if not rows and not scope.covers(repo.places(room)):
        raise Forbidden("auth.out_of_scope", "The room is outside the places you may act on")
    persons = {
        p.id: p
        for p in await uow.session.scalars(
            select(Person).where(Person.id.in_([r.person_id for r in rows]))
        )
    }
    reads = await presented(uow, scope, auditor, request, list(persons.values()), listing=True)
    by_id = {r.id: r for r in reads}
    await audit_history(auditor, scope, request, "room", room.id, total)
    items = [
        OccupantRead(residency=ResidencyRead.model_validate(r), person=by_id[r.person_id])
        for r in rows
    ]
    return Page.of(items, total, paging)


@router.post(
    "/api/v1/persons/{person_id}/reveal",
    summary="Show one sensitive field of one person, for a stated purpose (audited)",
)
async def reveal_person(
    person_id: uuid.UUID,
    body: RevealRequest,
    scope: Readers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> Revealed:
    """Lists mask ID numbers, phones and face ids for every role; a role whose grade covers
    the field (police, community_admin ... for an ID number; property staff for a phone)
    asks for it here, one field of one person, and the reveal is the audited read."""
    person = await load_person(uow, scope, person_id)
    residencies = (await people.residencies_of(uow.session, [person.id]))[person.id]
    grade = scope.grade([repo.places(r) for r in residencies])
    revealable(PersonRead, body.field, grade, self_or_household=is_own(scope, person, residencies))
    await auditor.within(
        uow,
        action="person.reveal",
        resource_type="person",
        resource_id=str(person.id),
        principal=scope.principal,
        request=request,
        detail=reveal_detail(body),
    )
    await uow.commit()
    return Revealed(field=body.field, value=getattr(person, body.field))
