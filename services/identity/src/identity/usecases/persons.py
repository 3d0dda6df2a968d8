"""Persons (实有人口): registration into a household, search in scope, corrections, the
people who lived in a room, one sensitive field revealed for a purpose. Each in one unit
of work with its scope check; every unmasked read of an ID number, phone or face id and
every read of residence history is audited in the same unit of work."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError

from identity.db.auth import Account
from identity.db.register import Household, Person, Residency, Room
from identity.register import coverage, people, person_list, repo
from identity.register.present import audit_history, audit_reveals, is_own, present
from identity.register.schemas import (
    OccupantRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    ResidencyRead,
)
from identity.roles import OWNER_REGISTRARS, PERSON_READERS, PERSON_WRITERS
from identity.scope import Scope, load_scope
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Forbidden, Problem
from sc_core.privacy import Grade, RevealRequest, get_cipher, reveal_detail, revealable


@dataclass(frozen=True)
class PersonQuery:
    household_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    current: bool = True
    id_number: str | None = None
    phone: str | None = None
    name: str | None = None


class Persons:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self, who: Caller, wanted: PersonQuery, paging: PageParams
    ) -> tuple[list[PersonRead], int]:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_READERS)
            shape, values = person_list.shape_and_values(scope, _wanted(scope, wanted))
            rows, total = await fetch_page(
                uow.session, person_list.page_statement(shape), paging, bind=values
            )
            items = await presented(uow, scope, who, rows, listing=True)
            await uow.commit()
            return items, total

    async def create(self, who: Caller, body: PersonCreate) -> PersonRead:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_WRITERS)
            household = await repo.get_or_404(uow.session, Household, body.household_id)
            scope.ensure(repo.places(household))
            ensure_relation_allowed(scope, household, body.relation)
            actor = who.subject
            person = Person(
                name=body.name, gender=body.gender, birth_date=body.birth_date, created_by=actor
            )
            for field in people.SENSITIVE_COLUMNS:
                people.set_sensitive(person, field, getattr(body, field))
            if body.is_self:
                await _link_self(uow, who, person)
            uow.session.add(person)
            await _flush_person(uow)
            await people.person_registered(uow, person, body.relation, household, actor)
            await people.start_residency(
                uow, person, household, body.relation, body.moved_in_on, actor
            )
            await uow.audit(
                who,
                "person.create",
                "person",
                str(person.id),
                community_id=str(household.community_id),
            )
            read = (await presented(uow, scope, who, [person]))[0]
            await uow.commit()
            return read

    async def get(self, who: Caller, person_id: uuid.UUID) -> PersonRead:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_READERS)
            person = await load_person(uow, scope, person_id)
            read = (await presented(uow, scope, who, [person]))[0]
            await uow.commit()
            return read

    async def update(self, who: Caller, person_id: uuid.UUID, body: PersonUpdate) -> PersonRead:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_WRITERS)
            person = await load_person(uow, scope, person_id)
            changes = body.model_dump(exclude_unset=True)
            for field, value in changes.items():
                if field in people.SENSITIVE_COLUMNS:
                    people.set_sensitive(person, field, value)
                elif value is not None:
                    setattr(person, field, value)
            await _flush_person(uow)
            await uow.audit(
                who,
                "person.update",
                "person",
                str(person.id),
                detail={"fields": ",".join(sorted(changes))},
            )
            read = (await presented(uow, scope, who, [person]))[0]
            await uow.commit()
            return read

    async def occupants(
        self, who: Caller, room_id: uuid.UUID, paging: PageParams
    ) -> tuple[list[OccupantRead], int]:
        """Everyone who lived in the room, oldest first (residence history: audited)."""
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_READERS)
            room = await repo.get_or_404(uow.session, Room, room_id)
            query = select(Residency).where(Residency.room_id == room.id, residency_scope(scope))
            order = (Residency.moved_in_on, Residency.created_at)
            rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
            if not rows and not scope.covers(repo.places(room)):
                raise Forbidden(
                    "auth.out_of_scope",
                    "The room is outside the places you may act on",
                    zh="该房屋不在您负责的范围内",
                )
            persons = {
                p.id: p
                for p in await uow.session.scalars(
                    select(Person).where(Person.id.in_([r.person_id for r in rows]))
                )
            }
            reads = await presented(uow, scope, who, list(persons.values()), listing=True)
            by_id = {r.id: r for r in reads}
            await audit_history(uow, who, "room", room.id, total)
            await uow.commit()
            items = [
                OccupantRead(residency=ResidencyRead.model_validate(r), person=by_id[r.person_id])
                for r in rows
            ]
            return items, total

    async def reveal(self, who: Caller, person_id: uuid.UUID, body: RevealRequest) -> str | None:
        """One field of one person in clear, for a stated purpose: the audited read."""
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_READERS)
            person = await load_person(uow, scope, person_id)
            residencies = (await people.residencies_of(uow.session, [person.id]))[person.id]
            grade = scope.grade([repo.places(r) for r in residencies])
            own = is_own(scope, person, residencies)
            revealable(PersonRead, body.field, grade, self_or_household=own)
            await uow.audit(
                who, "person.reveal", "person", str(person.id), detail=reveal_detail(body)
            )
            await uow.commit()
            value: str | None = getattr(person, body.field)
            return value


def residency_scope(scope: Scope) -> ColumnElement[bool]:
    return scope.clause(
        community_col=Residency.community_id,
        building_col=Residency.building_id,
        unit_col=Residency.unit_id,
        household_col=Residency.household_id,
    )


def _wanted(scope: Scope, wanted: PersonQuery) -> person_list.Wanted:
    """The filters as stored values: an ID number or phone as its blind index, refused
    (403 ``person.search_not_allowed``) to a role that may not search by it."""
    cipher, grade = get_cipher(), scope.principal.grade
    id_number_idx = phone_idx = None
    if wanted.id_number:
        if grade < Grade.SENSITIVE:
            raise Forbidden(
                "person.search_not_allowed",
                "Your role may not search by ID number",
                zh="您的角色无权按证件号码查询",
            )
        id_number_idx = cipher.blind_index(wanted.id_number, "id_number")
    if wanted.phone:
        if grade < Grade.PERSONAL:
            raise Forbidden(
                "person.search_not_allowed",
                "Your role may not search by phone",
                zh="您的角色无权按手机号查询",
            )
        phone_idx = cipher.blind_index(wanted.phone, "mobile")
    name = wanted.name.strip() if wanted.name else None
    return person_list.Wanted(
        wanted.household_id, wanted.room_id, wanted.current, id_number_idx, phone_idx, name
    )


async def presented(
    uow: UnitOfWork, scope: Scope, who: Caller, persons: list[Person], *, listing: bool = False
) -> list[PersonRead]:
    """The persons as the caller may see them; what shows unmasked is audited in ``uow``
    (which the caller commits)."""
    ids = [p.id for p in persons]
    # the current residencies (shown, and whose households are the caller's own) and the
    # roles covering any residency, past ones too: neither grows with a long history
    residencies = await people.residencies_of(uow.session, ids, current_only=True)
    covering = await coverage.covering_roles(uow.session, scope, ids)
    out, reveals = [], {}
    for person in persons:
        read, shown = present(
            scope, person, residencies[person.id], listing=listing, covering=covering[person.id]
        )
        out.append(read)
        reveals[person.id] = shown
    await audit_reveals(uow, who, reveals)
    return out


async def load_person(uow: UnitOfWork, scope: Scope, person_id: uuid.UUID) -> Person:
    """The person, if one of their residencies (current or past) is in the caller's scope."""
    person = await uow.session.get(Person, person_id)
    if person is None:
        raise Problem(404, "person.not_found", "There is no such person", zh="找不到此人")
    found = await uow.session.scalar(
        select(Residency.id)
        .where(Residency.person_id == person.id, residency_scope(scope))
        .limit(1)
    )
    if found is None:
        raise Forbidden(
            "auth.out_of_scope",
            "The person is outside the places you may act on",
            zh="此人不在您负责的范围内",
        )
    return person


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


async def _link_self(uow: UnitOfWork, who: Caller, person: Person) -> None:
    try:
        account = await uow.session.get(Account, uuid.UUID(who.subject))
    except ValueError:
        account = None
    if account is None or account.kind != "user":
        raise Problem(
            422,
            "person.no_account",
            "Only a person's account can register itself",
            zh="只有个人账号可以登记本人信息",
        )
    if account.person_id is not None:
        raise Conflict(
            "person.self_exists",
            "Your account is already linked to a person",
            zh="您的账号已关联本人信息",
        )
    person.id = uuid.uuid4()
    person.account_id, account.person_id = account.id, person.id


async def _flush_person(uow: UnitOfWork) -> None:
    try:
        await uow.session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "person.duplicate_id_number",
            "A person with this ID number exists",
            zh="已登记过该证件号码的人员",
        ) from exc
