"""Event subscriptions (thin: each calls one use case in the consumer's unit of work).

- ``telemetry.readings.v1`` (a batch consumer: whole polls in one transaction, idempotent
  by the readings' own keys): the vitals of devices bound to a person;
- ``identity.events.v1``: the place directory (where each household lives, grids).
"""

from __future__ import annotations

from care.usecases import Vitals
from sc_contracts.events import TelemetryRecordedV1
from sc_core.places import Places, subscribe_places
from sc_core.service import Runtime


def register(runtime: Runtime, vitals: Vitals, places: Places) -> None:
    runtime.batch_consumer(name="telemetry", model=TelemetryRecordedV1, handler=vitals.on_telemetry)
    subscribe_places(runtime, places, name="places")
