"""A building's households and residents imported from CSV (issue 19 item 5): the file
``residents.csv`` exports (or the office's spreadsheet in its shape) opens the households
a room lacks, registers the people not yet recorded and moves in people the register
already knows (matched by ID number). All or nothing: one bad row refuses the file with
every problem by line and column. Importing the same file again, or the export itself
(masked), changes nothing.

Every person registered or moved in publishes the same events as one registered by hand
(``PersonRegisteredV1``, ``ResidencyStartedV1``, ``HouseholdChangedV1``), so alarms,
notification and care learn the new residents as they would from the console.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import select

from identity.db.register import Building, Household, Person, Residency, Room, Unit
from identity.register import people, repo, resident_csv, room_csv
from identity.register.room_csv import RowError
from identity.roles import HOUSEHOLD_WRITERS, PERSON_WRITERS
from identity.scope import load_scope
from identity.usecases.tenancies import today_in
from sc_contracts.events import HouseholdChange
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import get_cipher
from sc_core.privacy.masking import mask_value

MAX_ERRORS = 200
# Staff who keep the population register of a building: open households and register people.
IMPORTERS = (HOUSEHOLD_WRITERS & PERSON_WRITERS) - {"resident", "tenant"}
KIND = resident_csv.KIND


class ResidentImportResult(BaseModel):
    rows: int
    households_created: int
    persons_created: int
    moved_in: int  # people the register knew, now living here
    unchanged: int
    summary: str  # zh-CN: 新增 2 户、5 人，迁入 1 人，未变 40 人
    summary_en: str


class ResidentImport:
    def __init__(self, db: Database, *, timezone: str = "Asia/Shanghai") -> None:
        self.db = db
        self.timezone = timezone

    async def run(self, who: Caller, building_id: uuid.UUID, data: bytes) -> ResidentImportResult:
        async with self.db.uow() as uow:
            building = await repo.get_or_404(uow.session, Building, building_id)
            scope = await load_scope(uow.session, who.principal, IMPORTERS)
            scope.ensure(repo.places(building))
            text = room_csv.decode(data)
            if text is None:
                raise _refused(
                    [
                        RowError(
                            1,
                            "",
                            "文件不是 CSV（UTF-8 或 GB18030 编码）或 Excel（.xlsx）文件",
                            "Not a CSV file (UTF-8 or GB 18030) or an Excel (.xlsx) workbook",
                            KIND,
                        )
                    ]
                )
            today = today_in(self.timezone)
            rows, errors = resident_csv.parse(text, building.name, building.code, today)
            if not rows and not errors:
                errors = [RowError(2, "", "文件中没有住户", "The file has no residents", KIND)]
            rooms = {
                (unit_code, room.code): room
                for unit_code, room in await uow.session.execute(
                    select(Unit.code, Room)
                    .join(Unit, Unit.id == Room.unit_id)
                    .where(Room.building_id == building.id)
                )
            }
            placed = []
            for row in rows:
                if (row.unit, row.room) in rooms:
                    placed.append(row)
                else:
                    errors.append(
                        RowError(
                            row.line,
                            "房号",
                            f"{building.name}没有{row.unit}单元{row.room}室（请先导入实有房屋）",
                            f"{building.name} has no room {row.room} in unit {row.unit} "
                            "(import the house register first)",
                            KIND,
                        )
                    )

            households: dict[tuple[uuid.UUID, str], Household] = {
                (h.room_id, h.name): h
                for h in await uow.session.scalars(
                    select(Household).where(
                        Household.building_id == building.id, Household.status == "active"
                    )
                )
            }
            living: dict[uuid.UUID, list[Person]] = {}
            for household_id, person in await uow.session.execute(
                select(Residency.household_id, Person)
                .join(Person, Person.id == Residency.person_id)
                .where(Residency.building_id == building.id, Residency.moved_out_on.is_(None))
            ):
                living.setdefault(household_id, []).append(person)

            actor = who.subject
            created_households = created_persons = moved_in = unchanged = 0
            for row in placed:
                room = rooms[(row.unit, row.room)]
                household = households.get((room.id, row.household))
                if household is None:
                    household = Household(
                        community_id=room.community_id,
                        building_id=room.building_id,
                        unit_id=room.unit_id,
                        room_id=room.id,
                        name=row.household,
                    )
                    uow.session.add(household)
                    await uow.session.flush()
                    await people.household_changed(uow, household, HouseholdChange.CREATED, actor)
                    households[(room.id, row.household)] = household
                    created_households += 1
                members = living.setdefault(household.id, [])
                if any(_same(row, person) for person in members):
                    unchanged += 1
                    continue
                if row.masked:
                    errors.append(
                        RowError(
                            row.line,
                            _first_masked(row),
                            "带*号的脱敏信息找不到对应住户：登记新住户请填写完整信息",
                            "A masked value matches no resident here: give the full "
                            "value to register someone new",
                            KIND,
                        )
                    )
                    continue
                person = await _known(uow, row.id_number)
                if person is not None and any(p.id == person.id for p in members):
                    errors.append(
                        RowError(
                            row.line,
                            "证件号码",
                            "此证件号码的住户已登记在本户，但姓名或手机号码不同",
                            "This ID number's resident already lives in this household under "
                            "another name or mobile",
                            KIND,
                        )
                    )
                    continue
                if person is None:
                    person = Person(
                        name=row.name,
                        gender=row.gender,
                        birth_date=row.birth_date,
                        created_by=actor,
                    )
                    people.set_sensitive(person, "id_number", row.id_number)
                    people.set_sensitive(person, "phone", row.phone)
                    uow.session.add(person)
                    await uow.session.flush()
                    await people.person_registered(uow, person, row.relation, household, actor)
                    created_persons += 1
                else:
                    moved_in += 1
                await people.start_residency(
                    uow, person, household, row.relation, row.moved_in_on or today, actor
                )
                members.append(person)
            if errors:  # nothing of it is kept: the unit of work rolls back
                raise _refused(sorted(errors, key=lambda e: e.line))
            created = created_persons + moved_in
            result = ResidentImportResult(
                rows=len(rows),
                households_created=created_households,
                persons_created=created_persons,
                moved_in=moved_in,
                unchanged=unchanged,
                summary=f"新增 {created_households} 户、{created_persons} 人，"
                f"迁入 {moved_in} 人，未变 {unchanged} 人",
                summary_en=f"{created_households} household(s) and {created_persons} "
                f"person(s) added, {moved_in} moved in, {unchanged} unchanged",
            )
            await uow.audit(
                who,
                "building.residents_import",
                "building",
                str(building.id),
                community_id=str(building.community_id),
                detail={
                    k: str(v)
                    for k, v in result.model_dump().items()
                    if k not in ("summary", "summary_en")
                }
                | {"registered_or_moved": str(created)},
            )
            await uow.commit()
            return result


def _same(row: resident_csv.ResidentRow, person: Person) -> bool:
    """The row describes ``person``: each value the row gives equals the recorded one, or
    its masked form when the row gives it masked (a file the export wrote)."""
    pairs = (
        ("name", "name", row.name, person.name),
        ("id_number", "id_number", row.id_number, person.id_number),
        ("phone", "mobile", row.phone, person.phone),
    )
    for field, kind, given, recorded in pairs:
        if not given:
            continue
        if field in row.masked:
            if recorded is None or mask_value(kind, recorded) != given:
                return False
        elif given != recorded:
            return False
    return True


def _first_masked(row: resident_csv.ResidentRow) -> str:
    for field, column in (("name", "姓名"), ("id_number", "证件号码"), ("phone", "手机号码")):
        if field in row.masked:
            return column
    return ""


async def _known(uow: UnitOfWork, id_number: str | None) -> Person | None:
    """The person the register already holds with this ID number (blind index)."""
    if not id_number:
        return None
    index = get_cipher().blind_index(id_number, people.SENSITIVE_COLUMNS["id_number"])
    return await uow.session.scalar(select(Person).where(Person.id_number_idx == index))


def _refused(errors: list[RowError]) -> Problem:
    lines = sorted({e.line for e in errors})
    shown = "、".join(str(n) for n in lines[:20])
    shown_en = ", ".join(str(n) for n in lines[:20])
    return Problem(
        422,
        "residents_csv.invalid",
        f"{len(errors)} problem(s) on line(s) {shown_en}; nothing was imported",
        zh=f"第 {shown} 行有 {len(errors)} 处错误，未导入任何住户",
        errors=[e.as_error() for e in errors[:MAX_ERRORS]],
    )
