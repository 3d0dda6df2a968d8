"""Event subscriptions, by contract model: the KPI feeds (work orders, alarms, notification
deliveries) and identity's placements (the place directory). The consumer names (their
groups) are kept."""

from __future__ import annotations

from evaluation.usecases.feeds import on_kpi_event, on_placed
from sc_contracts.events import (
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    EventData,
    HouseholdChangedV1,
    NotificationDeliveredV1,
    NotificationOpenedV1,
    PersonRegisteredV1,
    ResidencyEndedV1,
    ResidencyStartedV1,
    WorkOrderChangedV1,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
)
from sc_core.service import Runtime

FEEDS: dict[str, tuple[type[EventData], ...]] = {
    "workorders": (WorkOrderChangedV1, WorkOrderRatedV1, WorkOrderSlaBreachedV1),
    "alarms": (AlarmRaisedV1, AlarmAcknowledgedV1, AlarmClearedV1),
    "deliveries": (NotificationDeliveredV1, NotificationOpenedV1),
}


def register(runtime: Runtime) -> None:
    for name, models in FEEDS.items():
        consumer = runtime.consumer(name=name)
        for model in models:
            consumer.on(model, envelope=True)(on_kpi_event)
    places = runtime.consumer(name="places")
    places.on(HouseholdChangedV1)(on_placed)
    places.on(PersonRegisteredV1)(on_placed)
    places.on(ResidencyStartedV1)(on_placed)
    places.on(ResidencyEndedV1)(on_placed)
