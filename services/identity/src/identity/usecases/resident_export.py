"""A building's households and residents exported as CSV (issue 19 item 5), the form
property offices keep beside the house register (``rooms.csv``, ADR 0031): Chinese
headers, values in words, one row per current resident, unit by unit and room by room.

Names, birth dates, ID numbers and phones are masked as in any list of persons
(``sc_core.privacy.mask_listed``): for every role, as the register's lists are; a role
that needs one field of one person reveals it (``POST /api/v1/persons/{id}/reveal``, with
its purpose, audited). Every export is audited (``building.residents_export``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from identity.db.register import Building, Household, Person, Residency, Room, Unit
from identity.register import repo
from identity.register.present import audit_reveals, present
from identity.register.resident_csv import RELATION_WORDS
from identity.roles import PLACE_READERS
from identity.scope import load_scope
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.sex_codes import SEXES, sex_code

_RELATION_ORDER = {"owner": 0, "family": 1, "tenant": 2}


@dataclass(frozen=True)
class ResidentSheet:
    building: Building
    rows: list[list[str]]


class ResidentExport:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def sheet(self, who: Caller, building_id: uuid.UUID) -> ResidentSheet:
        async with self.db.uow(read_only=True) as uow:
            building = await repo.get_or_404(uow.session, Building, building_id)
            scope = await load_scope(uow.session, who.principal, PLACE_READERS)
            scope.ensure(repo.places(building))
            found = await uow.session.execute(
                select(Residency, Person, Household.name, Unit.name, Room.floor, Room.code)
                .join(Person, Person.id == Residency.person_id)
                .join(Household, Household.id == Residency.household_id)
                .join(Unit, Unit.id == Residency.unit_id)
                .join(Room, Room.id == Residency.room_id)
                .where(Residency.building_id == building.id, Residency.moved_out_on.is_(None))
                .order_by(Unit.code, Room.floor, Room.code, Residency.moved_in_on, Person.name)
            )
            records = sorted(
                found.all(),
                key=lambda r: (r[3], r[4], r[5], _RELATION_ORDER.get(r[0].relation, 9)),
            )
            rows: list[list[str]] = []
            reveals: dict[uuid.UUID, list[str]] = {}
            for residency, person, household_name, unit_name, _floor, room_code in records:
                shown, unmasked = present(scope, person, [residency], listing=True)
                if unmasked:
                    reveals[person.id] = sorted(set(reveals.get(person.id, [])) | set(unmasked))
                rows.append(
                    [
                        building.name,
                        unit_name,
                        room_code,
                        household_name,
                        shown.name or "",
                        RELATION_WORDS.get(residency.relation, residency.relation),
                        SEXES[sex_code(person.gender)].zh if person.gender else "",
                        shown.birth_date.isoformat() if shown.birth_date else "",
                        shown.id_number or "",
                        shown.phone or "",
                        residency.moved_in_on.isoformat(),
                        sex_code(person.gender),  # GB/T 2261.1, the code of 性别
                    ]
                )
            await audit_reveals(uow, who, reveals)
            await uow.audit(
                who,
                "building.residents_export",
                "building",
                str(building.id),
                community_id=str(building.community_id),
                detail={"rows": str(len(rows)), "revealed": str(len(reveals))},
            )
            await uow.commit()
            return ResidentSheet(building, rows)
