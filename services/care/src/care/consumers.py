"""Event subscriptions (thin: each calls one use case in the consumer's unit of work).

- ``telemetry.readings.v1`` (a batch consumer: whole polls in one transaction, idempotent
  by the readings' own keys): the vitals of devices bound to a person, and the meter
  counters of homes under the lone-elder watch;
- the same readings: no-mask and fever detections of edge AI cameras and thermometer
  gates, door contacts of homes in isolation; activity venues' people counters and door
  contacts;
- ``alarm.events.v1``: fall alarms of a person's wearable (or about the person) on their
  record, told once per alarm to the people the consent names;
- ``identity.events.v1``: the place directory (where each household lives, grids).
"""

from __future__ import annotations

from collections.abc import Sequence

from care.usecases import UseCases
from sc_contracts.events import (
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    TelemetryRecordedV1,
)
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(runtime: Runtime, usecases: UseCases, places: Places) -> None:
    vitals, watch, wandering = usecases.vitals, usecases.watch, usecases.wandering
    falls, health, venues = usecases.falls, usecases.public_health, usecases.venues

    async def on_telemetry(events: Sequence[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        await vitals.on_telemetry(events, uow)  # wearables and monitors bound to a person
        await watch.on_telemetry(events, uow)  # meters of watched homes
        await wandering.on_telemetry(events, uow)  # wearables' positions against safe zones
        await health.on_telemetry(events, uow)  # cameras' detections, isolated homes' doors
        await venues.on_telemetry(events, uow)  # venues' people counters and door contacts

    runtime.batch_consumer(name="telemetry", model=TelemetryRecordedV1, handler=on_telemetry)

    alarms = runtime.consumer(name="alarms")

    @alarms.on(AlarmRaisedV1)
    async def on_raised(event: AlarmRaisedV1, uow: UnitOfWork) -> None:
        await falls.on_alarm(uow, event)

    @alarms.on(AlarmAcknowledgedV1)
    async def on_acknowledged(event: AlarmAcknowledgedV1, uow: UnitOfWork) -> None:
        await falls.on_alarm(uow, event)

    @alarms.on(AlarmClearedV1)
    async def on_cleared(event: AlarmClearedV1, uow: UnitOfWork) -> None:
        await falls.on_alarm(uow, event)

    subscribe_places(runtime, places, name="places")
