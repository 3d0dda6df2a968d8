"""Owners (业主) of households, from identity's register: a person registered or moved
in with the relation ``owner`` owns the household's room until their residency ends.
Only ids are kept; a housing listing needs an owner here (:mod:`commerce.usecases.listings`).

A consumer of its own (``owners``) reads ``identity.events.v1`` from its start, so a
service that had already read the topic for the place directory learns the owners too.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from commerce.db.models import HouseholdOwner
from sc_contracts.events import (
    HouseholdRelation,
    PersonRegisteredV1,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime


async def _set(uow: UnitOfWork, household_id: str, person_id: str, active: bool) -> None:
    now = datetime.now(UTC)
    await uow.session.execute(
        insert(HouseholdOwner)
        .values(household_id=household_id, person_id=person_id, active=active, updated_at=now)
        .on_conflict_do_update(
            index_elements=["household_id", "person_id"],
            set_={"active": active, "updated_at": now},
        )
    )


async def on_owner(event: PersonRegisteredV1 | ResidencyStartedV1, uow: UnitOfWork) -> None:
    if event.relation == HouseholdRelation.OWNER:
        await _set(uow, event.household_id, event.person_id, True)


async def on_moved_out(event: ResidencyEndedV1, uow: UnitOfWork) -> None:
    found = await uow.session.get(HouseholdOwner, (event.household_id, event.person_id))
    if found is not None:
        await _set(uow, event.household_id, event.person_id, False)


async def has_owner(uow: UnitOfWork, household_id: str) -> bool:
    found = await uow.session.scalar(
        select(HouseholdOwner.person_id)
        .where(HouseholdOwner.household_id == household_id, HouseholdOwner.active.is_(True))
        .limit(1)
    )
    return found is not None


def subscribe_owners(runtime: Runtime) -> None:
    consumer = runtime.consumer(name="owners")
    consumer.on(PersonRegisteredV1)(on_owner)
    consumer.on(ResidencyStartedV1)(on_owner)
    consumer.on(ResidencyEndedV1)(on_moved_out)
