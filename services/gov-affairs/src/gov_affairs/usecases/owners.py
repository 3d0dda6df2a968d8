"""The room register an owners' assembly vote is counted on (Civil Code art. 278): each
room's exclusive area (专有面积) and name from the placement identity's events carry, and
its owners (业主): a person registered or moved in with the relation ``owner`` owns the
household's room until their residency ends. Ids only.

A consumer of its own (``owners``) reads ``identity.events.v1`` from its start, beside
the place directory's ``places``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.votes import AssemblyOwnerRow, AssemblyRoomRow
from sc_contracts.events import (
    HouseholdChangedV1,
    HouseholdRelation,
    PersonRegisteredV1,
    Placement,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_core.db.uow import UnitOfWork
from sc_core.places import PlaceName, say_both
from sc_core.service import Runtime


async def _room(uow: UnitOfWork, p: Placement) -> None:
    zh, en = say_both(
        PlaceName(
            building=p.building_name,
            building_en=p.building_name_en,
            unit=p.unit_name,
            unit_en=p.unit_name_en,
            room=p.room_number,
        )
    )
    values = {
        "community_id": p.community_id,
        "building_id": p.building_id,
        "label": zh[:200],
        "label_en": en[:200],
        "updated_at": datetime.now(UTC),
    }
    area = {} if p.room_area_m2 is None else {"area_m2": Decimal(str(p.room_area_m2))}
    await uow.session.execute(
        insert(AssemblyRoomRow)
        .values(room_id=p.room_id, **values, **area)
        # an event from before areas were published keeps the area already known
        .on_conflict_do_update(index_elements=["room_id"], set_={**values, **area})
    )


async def _owner(
    uow: UnitOfWork, household_id: str, person_id: str, p: Placement, on: bool
) -> None:
    now = datetime.now(UTC)
    await uow.session.execute(
        insert(AssemblyOwnerRow)
        .values(
            household_id=household_id,
            person_id=person_id,
            room_id=p.room_id,
            community_id=p.community_id,
            active=on,
            updated_at=now,
        )
        .on_conflict_do_update(
            index_elements=["household_id", "person_id"],
            set_={"active": on, "updated_at": now, "room_id": p.room_id},
        )
    )


async def on_household(event: HouseholdChangedV1, uow: UnitOfWork) -> None:
    await _room(uow, event.placement)


async def on_owner(event: PersonRegisteredV1 | ResidencyStartedV1, uow: UnitOfWork) -> None:
    await _room(uow, event.placement)
    if event.relation == HouseholdRelation.OWNER:
        await _owner(uow, event.household_id, event.person_id, event.placement, True)


async def on_moved_out(event: ResidencyEndedV1, uow: UnitOfWork) -> None:
    found = await uow.session.get(AssemblyOwnerRow, (event.household_id, event.person_id))
    if found is not None:
        await _owner(uow, event.household_id, event.person_id, event.placement, False)


def subscribe_owners(runtime: Runtime) -> None:
    consumer = runtime.consumer(name="owners")
    consumer.on(HouseholdChangedV1)(on_household)
    consumer.on(PersonRegisteredV1)(on_owner)
    consumer.on(ResidencyStartedV1)(on_owner)
    consumer.on(ResidencyEndedV1)(on_moved_out)
