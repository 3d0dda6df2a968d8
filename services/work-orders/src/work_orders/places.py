"""Households' places from identity.events.v1 (household changed, person registered,
residency started/ended all carry the household's placement). A resident's case takes its
community, building, unit, room and grid from here, so it lands in the right staff's and
grid worker's scope whatever the app sends."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from sc_contracts.events.identity import Placement
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime
from work_orders.cases import now_utc
from work_orders.db.models import HouseholdPlace

PLACED = (
    "community.household.changed.v1",
    "community.person.registered.v1",
    "community.residency.started.v1",
    "community.residency.ended.v1",
)


def register(runtime: Runtime, topic: str) -> None:
    consumer = runtime.consumer(name="households", topics=[topic])

    async def on_placed(event: CloudEvent, uow: UnitOfWork | None) -> None:
        assert uow is not None
        data = event.data
        household_id = data.get("household_id")
        if not household_id or not isinstance(data.get("placement"), dict):
            return
        placement = Placement.model_validate(data["placement"])
        status = str(data.get("status") or "active")
        await upsert(uow, str(household_id), placement, status)

    for event_type in PLACED:
        consumer.on(event_type)(on_placed)


async def upsert(uow: UnitOfWork, household_id: str, p: Placement, status: str) -> None:
    values = {
        "community_id": p.community_id,
        "building_id": p.building_id,
        "unit_id": p.unit_id,
        "room_id": p.room_id,
        "grid_id": p.grid_id,
        "status": status,
        "updated_at": now_utc(),
    }
    await uow.session.execute(
        insert(HouseholdPlace)
        .values(household_id=household_id, **values)
        .on_conflict_do_update(index_elements=[HouseholdPlace.household_id], set_=values)
    )
