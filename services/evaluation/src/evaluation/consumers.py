"""Event subscriptions, by contract model: the KPI feeds (work orders, alarms, notification
deliveries, the service hall's applications, community activities, payment orders, care's
alerts and visits, welfare records, training completions, legal bookings, party opinions
and meetings) and identity's placements (the place directory). The consumer names (their
groups) are kept."""

from __future__ import annotations

from evaluation.db.models import DIRECTORY
from evaluation.usecases.feeds import on_kpi_event
from sc_contracts.events import (
    ActivityChangedV1,
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    EventData,
    NotificationDeliveredV1,
    NotificationOpenedV1,
    WorkOrderChangedV1,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
)
from sc_contracts.events.care import (
    AnomalyDetectedV1,
    ThresholdBreachedV1,
    VisitDoneV1,
    WanderingDetectedV1,
)
from sc_contracts.events.gov import ApplicationChangedV1, WelfareChangedV1
from sc_contracts.events.legal import LegalBookingChangedV1
from sc_contracts.events.party import PartyMeetingRecordedV1, PartyOpinionChangedV1
from sc_contracts.events.payment import PaymentOrderClosedV1, PaymentOrderPaidV1
from sc_contracts.events.training import TrainingRecordChangedV1
from sc_core.places import subscribe_places
from sc_core.service import Runtime

FEEDS: dict[str, tuple[type[EventData], ...]] = {
    "workorders": (WorkOrderChangedV1, WorkOrderRatedV1, WorkOrderSlaBreachedV1),
    "alarms": (AlarmRaisedV1, AlarmAcknowledgedV1, AlarmClearedV1),
    "deliveries": (NotificationDeliveredV1, NotificationOpenedV1),
    "hall": (ApplicationChangedV1,),
    "activities": (ActivityChangedV1,),
    "payments": (PaymentOrderPaidV1, PaymentOrderClosedV1),
    # care.alerts.v1 and care.visits.v1: breaches, wandering, check-on visits
    "care": (ThresholdBreachedV1, WanderingDetectedV1, AnomalyDetectedV1, VisitDoneV1),
    # gov.welfare.v1: records enrolled, ended, months paid (welfare coverage)
    "welfare": (WelfareChangedV1,),
    # gov.training.v1: courses completed (safety education and staff training)
    "training": (TrainingRecordChangedV1,),
    # gov.legal.v1: legal consultations booked, kept or cancelled, rated
    "legal": (LegalBookingChangedV1,),
    # gov.party.v1: opinions answered in time, meetings and their attendance
    "party": (PartyOpinionChangedV1, PartyMeetingRecordedV1),
}


def register(runtime: Runtime) -> None:
    for name, models in FEEDS.items():
        consumer = runtime.consumer(name=name)
        for model in models:
            consumer.on(model, envelope=True)(on_kpi_event)
    subscribe_places(runtime, DIRECTORY, name="places")  # the consumer it always had
