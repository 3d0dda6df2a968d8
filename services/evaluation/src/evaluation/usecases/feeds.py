"""Events in: work orders, alarms and notification deliveries feed the KPIs (one fact per
event id, ``kpi_store.apply_fact``), in the consumer's unit of work (its inbox row commits
with the effect). Identity's placements feed the place directory (``sc_core.places``,
subscribed in :mod:`evaluation.consumers`)."""

from __future__ import annotations

from evaluation import kpi_store
from evaluation.domain.kpis import fact_of
from sc_contracts.events import EventData
from sc_core.bus.cloudevents import Envelope
from sc_core.db.uow import UnitOfWork


async def on_kpi_event(event: EventData, uow: UnitOfWork, envelope: Envelope) -> None:
    fact = fact_of(envelope.id, event)
    if fact is not None:
        await kpi_store.apply_fact(uow, fact)
