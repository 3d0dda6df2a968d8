"""Events in: work orders, alarms and notification deliveries feed the KPIs (one fact per
event id, ``kpi_store.apply_fact``); identity's placements feed the place directory
(building -> grid, household -> community and building). Each runs in the consumer's unit
of work (its inbox row commits with the effect)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from evaluation import kpi_store
from evaluation.db.models import HouseholdPlace, utcnow
from evaluation.domain.kpis import fact_of
from sc_contracts.events import EventData, HouseholdChangedV1
from sc_core.bus.cloudevents import Envelope
from sc_core.db.uow import UnitOfWork
from sc_core.places.directory import PlacementEvent


async def on_kpi_event(event: EventData, uow: UnitOfWork, envelope: Envelope) -> None:
    fact = fact_of(envelope.id, event)
    if fact is not None:
        await kpi_store.apply_fact(uow, fact)


async def on_placed(event: PlacementEvent, uow: UnitOfWork) -> None:
    p = event.placement
    await kpi_store.place_building(uow, p.building_id, p.community_id, p.grid_id)
    status = event.status if isinstance(event, HouseholdChangedV1) else "active"
    values = {
        "community_id": p.community_id,
        "building_id": p.building_id,
        "grid_id": p.grid_id,
        "status": status or "active",
        "updated_at": utcnow(),
    }
    await uow.session.execute(
        insert(HouseholdPlace)
        .values(household_id=event.household_id, **values)
        .on_conflict_do_update(index_elements=[HouseholdPlace.household_id], set_=values)
    )
