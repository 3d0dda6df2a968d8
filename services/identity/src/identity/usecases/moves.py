"""Moving in and out of households, and a person's residency history (whereabouts:
audited at every read). Each in one unit of work with its scope check."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from identity.db.register import Household, Person, Residency
from identity.register import people, repo
from identity.register.present import audit_history
from identity.register.schemas import MoveIn, MoveOut, PersonRead
from identity.roles import PERSON_READERS, PERSON_WRITERS
from identity.scope import load_scope
from identity.usecases.persons import (
    ensure_relation_allowed,
    load_person,
    presented,
    residency_scope,
)
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import Conflict, Problem


class Moves:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def move_in(self, who: Caller, person_id: uuid.UUID, body: MoveIn) -> PersonRead:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_WRITERS)
            person = await uow.session.get(Person, person_id)
            if person is None:
                raise Problem(404, "person.not_found", "There is no such person", zh="找不到此人")
            household = await repo.get_or_404(uow.session, Household, body.household_id)
            scope.ensure(repo.places(household))
            ensure_relation_allowed(scope, household, body.relation)
            await people.start_residency(
                uow, person, household, body.relation, body.moved_in_on, who.subject
            )
            await uow.audit(
                who,
                "person.move_in",
                "person",
                str(person.id),
                community_id=str(household.community_id),
                detail={"household_id": str(household.id)},
            )
            read = (await presented(uow, scope, who, [person]))[0]
            await uow.commit()
            return read

    async def move_out(self, who: Caller, person_id: uuid.UUID, body: MoveOut) -> PersonRead:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_WRITERS)
            person = await load_person(uow, scope, person_id)
            query = select(Residency).where(
                Residency.person_id == person.id,
                Residency.moved_out_on.is_(None),
                residency_scope(scope),
            )
            if body.household_id is not None:
                query = query.where(Residency.household_id == body.household_id)
            current = list(await uow.session.scalars(query))
            if not current:
                raise Conflict(
                    "person.not_resident",
                    "The person does not live in such a household now",
                    zh="此人目前不住在该户",
                )
            if len(current) > 1:
                raise Problem(
                    422,
                    "person.which_household",
                    "The person lives in several; name one",
                    zh="此人登记在多个住户，请指明迁出哪一户",
                )
            await people.end_residency(uow, current[0], body.moved_out_on, who.subject)
            await uow.audit(
                who,
                "person.move_out",
                "person",
                str(person.id),
                community_id=str(current[0].community_id),
                detail={"household_id": str(current[0].household_id)},
            )
            read = (await presented(uow, scope, who, [person]))[0]
            await uow.commit()
            return read

    async def history(
        self, who: Caller, person_id: uuid.UUID, paging: PageParams
    ) -> tuple[list[Residency], int]:
        """Where the person lived, and when (in the caller's places)."""
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PERSON_READERS)
            person = await load_person(uow, scope, person_id)
            query = select(Residency).where(
                Residency.person_id == person.id, residency_scope(scope)
            )
            order = (Residency.moved_in_on, Residency.created_at)
            rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
            await audit_history(uow, who, "person", person.id, total)
            await uow.commit()
            return list(rows), total
