"""Events in: work orders, alarms and notification deliveries feed the KPIs (one fact per
event id, ``kpi_store.apply_fact``); identity's placements feed the place directory
(building → grid, household → community and building)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.dialects.postgresql import insert

from evaluation import kpi_store
from evaluation.config import Settings
from evaluation.db.models import HouseholdPlace, utcnow
from evaluation.domain.kpis import fact_of
from sc_contracts import validate_event_data
from sc_contracts.events.identity import Placement
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime

log = logging.getLogger(__name__)

WORKORDER_TYPES = (
    "community.workorder.changed.v1",
    "community.workorder.rated.v1",
    "community.workorder.sla_breached.v1",
)
ALARM_TYPES = (
    "community.alarm.raised.v1",
    "community.alarm.acknowledged.v1",
    "community.alarm.cleared.v1",
)
DELIVERY_TYPES = ("community.notification.delivered.v1", "community.notification.opened.v1")
PLACED = (
    "community.household.changed.v1",
    "community.person.registered.v1",
    "community.residency.started.v1",
    "community.residency.ended.v1",
)


async def on_kpi_event(event: CloudEvent, uow: UnitOfWork | None) -> None:
    assert uow is not None
    data = validate_event_data(event.type, event.data)
    fact = fact_of(event.id, data)
    if fact is not None:
        await kpi_store.apply_fact(uow, fact)


async def on_placed(event: CloudEvent, uow: UnitOfWork | None) -> None:
    assert uow is not None
    raw = event.data
    household_id = raw.get("household_id")
    if not household_id or not isinstance(raw.get("placement"), dict):
        return
    p = Placement.model_validate(raw["placement"])
    await kpi_store.place_building(uow, p.building_id, p.community_id, p.grid_id)
    values = {
        "community_id": p.community_id,
        "building_id": p.building_id,
        "grid_id": p.grid_id,
        "status": str(raw.get("status") or "active"),
        "updated_at": utcnow(),
    }
    await uow.session.execute(
        insert(HouseholdPlace)
        .values(household_id=str(household_id), **values)
        .on_conflict_do_update(index_elements=[HouseholdPlace.household_id], set_=values)
    )


def register(settings: Settings) -> Callable[[Runtime], None]:
    def _register(runtime: Runtime) -> None:
        feeds = (
            ("workorders", settings.workorder_topic, WORKORDER_TYPES),
            ("alarms", settings.alarm_topic, ALARM_TYPES),
            ("deliveries", settings.delivery_topic, DELIVERY_TYPES),
        )
        for name, topic, types in feeds:
            consumer = runtime.consumer(name=name, topics=[topic])
            for event_type in types:
                consumer.on(event_type)(on_kpi_event)
        places = runtime.consumer(name="places", topics=[settings.identity_topic])
        for event_type in PLACED:
            places.on(event_type)(on_placed)

    return _register
