"""Use cases of the population register: residencies begin and end, households change.

Every change publishes its event on ``identity.events.v1`` through the caller's unit of
work, so the event exists exactly when the change committed.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.register import Building, Community, Household, Person, Residency, Room, Unit
from identity.register.repo import count
from sc_contracts.events import (
    HouseholdChange,
    HouseholdChangedV1,
    HouseholdRelation,
    PersonRegisteredV1,
    Placement,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict
from sc_core.privacy import get_cipher
from sc_core.sex_codes import sex_code

SENSITIVE_COLUMNS = {"id_number": "id_number", "phone": "mobile", "face_id": "face_id"}


def set_sensitive(person: Person, field: str, value: str | None) -> None:
    """Store an encrypted field with its blind index (for exact search)."""
    setattr(person, field, value)
    index = get_cipher().blind_index(value, SENSITIVE_COLUMNS[field]) if value else None
    setattr(person, f"{field}_idx", index)


async def placement(session: AsyncSession, household: Household) -> Placement:
    """Where the household lives, with the names people say (a notification names the
    flat 幸福里社区 3号楼2单元502室, never its ids)."""
    row = (
        await session.execute(
            select(
                Building.grid_id,
                Community.name,
                Building.name,
                Unit.name,
                Room.code,
                Room.area_m2,
                Building.latitude,
                Building.longitude,
                Community.division_code,
            )
            .select_from(Room)
            .join(Unit, Unit.id == Room.unit_id)
            .join(Building, Building.id == Room.building_id)
            .join(Community, Community.id == Room.community_id)
            .where(Room.id == household.room_id)
        )
    ).first()
    grid_id, community, building, unit, room, area, lat, lng, division = (
        row if row is not None else (None,) * 9
    )
    return Placement(
        community_id=str(household.community_id),
        building_id=str(household.building_id),
        unit_id=str(household.unit_id),
        room_id=str(household.room_id),
        grid_id=str(grid_id) if grid_id else None,
        community_name=community,
        building_name=building,
        unit_name=unit,
        room_number=room,
        room_area_m2=area,
        community_division_code=division,  # GB/T 2260, for the exchange datasets
        building_lat=lat,
        building_lng=lng,
    )


async def member_count(session: AsyncSession, household_id: uuid.UUID) -> int:
    return await count(
        session,
        Residency,
        Residency.household_id == household_id,
        Residency.moved_out_on.is_(None),
    )


async def household_changed(
    uow: UnitOfWork, household: Household, change: HouseholdChange, actor: str
) -> None:
    data = HouseholdChangedV1(
        aggregate_id=str(household.id),
        household_id=str(household.id),
        change=change,
        placement=await placement(uow.session, household),
        member_count=await member_count(uow.session, household.id),
        status=household.status,
        changed_by=actor,
        changed_at=datetime.now(UTC),
    )
    await uow.publish(data, key=str(household.id))


async def start_residency(
    uow: UnitOfWork,
    person: Person,
    household: Household,
    relation: str,
    moved_in_on: date | None,
    actor: str,
) -> Residency:
    if household.status != "active":
        raise Conflict("household.dissolved", "The household is dissolved", zh="该户已注销")
    current = await uow.session.scalar(
        select(Residency.id).where(
            Residency.person_id == person.id,
            Residency.household_id == household.id,
            Residency.moved_out_on.is_(None),
        )
    )
    if current is not None:
        raise Conflict(
            "person.already_member",
            "The person already lives in this household",
            zh="此人已登记为该户成员",
        )
    residency = Residency(
        person_id=person.id,
        household_id=household.id,
        community_id=household.community_id,
        building_id=household.building_id,
        unit_id=household.unit_id,
        room_id=household.room_id,
        relation=relation,
        moved_in_on=moved_in_on or date.today(),
        recorded_by=actor,
    )
    uow.session.add(residency)
    await uow.session.flush()
    data = ResidencyStartedV1(
        aggregate_id=str(person.id),
        person_id=str(person.id),
        residency_id=str(residency.id),
        household_id=str(household.id),
        relation=HouseholdRelation(relation),
        placement=await placement(uow.session, household),
        moved_in_on=residency.moved_in_on.isoformat(),
        recorded_by=actor,
        sex_code=sex_code(person.gender),
    )
    await uow.publish(data, key=str(person.id))
    await household_changed(uow, household, HouseholdChange.MEMBERS_CHANGED, actor)
    return residency


async def end_residency(
    uow: UnitOfWork, residency: Residency, moved_out_on: date | None, actor: str
) -> None:
    day = moved_out_on or date.today()
    if day < residency.moved_in_on:
        raise Conflict(
            "residency.dates",
            "A person cannot move out before moving in",
            zh="迁出日期不能早于入住日期",
        )
    residency.moved_out_on = day
    await uow.session.flush()
    household = await uow.session.get(Household, residency.household_id)
    assert household is not None
    data = ResidencyEndedV1(
        aggregate_id=str(residency.person_id),
        person_id=str(residency.person_id),
        residency_id=str(residency.id),
        household_id=str(household.id),
        placement=await placement(uow.session, household),
        moved_out_on=day.isoformat(),
        recorded_by=actor,
    )
    await uow.publish(data, key=str(residency.person_id))
    await household_changed(uow, household, HouseholdChange.MEMBERS_CHANGED, actor)


async def person_registered(
    uow: UnitOfWork, person: Person, relation: str, household: Household, actor: str
) -> None:
    data = PersonRegisteredV1(
        aggregate_id=str(person.id),
        person_id=str(person.id),
        household_id=str(household.id),
        relation=HouseholdRelation(relation),
        placement=await placement(uow.session, household),
        registered_by=actor,
        registered_at=datetime.now(UTC),
        sex_code=sex_code(person.gender),
    )
    await uow.publish(data, key=str(person.id))


@functools.lru_cache(maxsize=2)
def residencies_statement(current_only: bool) -> Select[Any]:
    """Residencies of the persons bound as ``person_ids``, oldest first (kept: built and
    its cache key computed once, ADR 0074)."""
    query = select(Residency).where(
        Residency.person_id.in_(bindparam("person_ids", expanding=True))
    )
    if current_only:
        query = query.where(Residency.moved_out_on.is_(None))
    return query.order_by(Residency.moved_in_on, Residency.created_at)


async def residencies_of(
    session: AsyncSession, person_ids: Iterable[uuid.UUID], *, current_only: bool = False
) -> dict[uuid.UUID, list[Residency]]:
    """Each person's residencies (the current ones only if ``current_only``), oldest first."""
    out: dict[uuid.UUID, list[Residency]] = {i: [] for i in person_ids}
    if not out:
        return out
    rows = await session.scalars(residencies_statement(current_only), {"person_ids": list(out)})
    for row in rows:
        out[row.person_id].append(row)
    return out
