"""The special-population register (6.1.1 a): kept by register writers on their buildings
or grids, read by register readers there; every read is audited. Personal fields are
encrypted at rest (the table's) and masked by the route (the caller's grade)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import or_, select

from alarm.api.registers import SpecialPersonBody, SpecialPersonCreate
from alarm.db.registers import SpecialPerson
from alarm.domain.access import REGISTER_READERS, REGISTER_WRITERS
from alarm.usecases.records import Records
from alarm.usecases.scope import grid_scope, writer_in_grid
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal, scope_clause
from sc_core.errors import Problem

WRITER = writer_in_grid(REGISTER_WRITERS)


def person_scope(principal: Principal) -> Any:
    return or_(
        scope_clause(
            principal,
            community_col=SpecialPerson.community_id,
            building_col=SpecialPerson.building_id,
            roles=REGISTER_READERS,
        ),
        grid_scope(principal, SpecialPerson.building_id, REGISTER_READERS),
    )


def person_from_db(person: SpecialPerson) -> dict[str, Any]:
    values = {name: getattr(person, name) for name in SpecialPersonBody.model_fields}
    values["emergency_contacts"] = json.loads(person.emergency_contacts or "[]")
    return values


def person_to_db(values: dict[str, Any]) -> dict[str, Any]:
    return {
        **values,
        "emergency_contacts": json.dumps(values["emergency_contacts"], ensure_ascii=False),
    }


class SpecialPersons:
    def __init__(self, records: Records) -> None:
        self.records = records
        self.db = records.db

    async def register(self, who: Caller, body: SpecialPersonCreate) -> SpecialPerson:
        person = SpecialPerson(id=uuid.uuid4(), **person_to_db(body.model_dump()))
        # left out, the community is the one the caller keeps registers in
        created: SpecialPerson = await self.records.create(
            who, person, "special_person", WRITER, roles=REGISTER_WRITERS
        )
        return created

    async def page(
        self, who: Caller, category: str | None, community_id: str | None, paging: PageParams
    ) -> tuple[list[SpecialPerson], int]:
        query = select(SpecialPerson).where(person_scope(who.principal))
        if category:
            query = query.where(SpecialPerson.category == category)
        if community_id:
            query = query.where(SpecialPerson.community_id == community_id)
        query = query.order_by(SpecialPerson.created_at, SpecialPerson.id)
        async with self.db.uow(read_only=True) as uow:
            items, total = await fetch_page(uow.session, query, paging)
            await uow.audit(
                who,
                "special_person.read",
                "special_person",
                None,
                community_id=community_id,
                detail={"count": str(len(items))},
            )
            await uow.commit()
            return list(items), total

    async def get(self, who: Caller, person_id: uuid.UUID) -> SpecialPerson:
        async with self.db.uow(read_only=True) as uow:
            person = await uow.session.scalar(
                select(SpecialPerson).where(
                    SpecialPerson.id == person_id, person_scope(who.principal)
                )
            )
            if person is None:
                raise Problem(
                    404,
                    "special_person.not_found",
                    f"No person {person_id} in your places",
                    zh="您负责的范围内没有该人员",
                )
            await uow.audit(
                who,
                "special_person.read",
                "special_person",
                str(person.id),
                community_id=person.community_id,
            )
            await uow.commit()
            return person
