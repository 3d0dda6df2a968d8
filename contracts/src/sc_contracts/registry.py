"""The registry of event types: CloudEvents ``type`` -> topic, model, schema URI.

To add an event type, write its model under ``sc_contracts.events`` and add one
:class:`EventSpec` line to :data:`_SPECS`; then add the type to its topic in
``contracts/topics.yaml`` and run ``python -m sc_contracts generate``.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sc_contracts.events import (
    AccessRevokedV1,
    ActivityChangedV1,
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    AlarmsSharedV1,
    AlterationChangedV1,
    AnomalyDetectedV1,
    ApplicationChangedV1,
    AppointmentChangedV1,
    AssessmentScoredV1,
    AuditRecordedV1,
    CareFactSharedV1,
    CasesSharedV1,
    CertificateIssuedV1,
    ChildCheckedV1,
    CityTaskCaseRequestedV1,
    CityTaskIssuedV1,
    CityTaskOutcomeV1,
    DeviceCommandCompletedV1,
    DeviceCommandRequestedV1,
    DeviceDownlinkRequestedV1,
    DeviceStatusChangedV1,
    DoorChangedV1,
    EvaluationDatasetSharedV1,
    EventData,
    GrantChangedV1,
    HouseholdChangedV1,
    HousesSharedV1,
    LegalBookingChangedV1,
    ListingChangedV1,
    MerchantChangedV1,
    NoticeChangedV1,
    NotificationDeliveredV1,
    NotificationOpenedV1,
    NotificationRequestedV1,
    OrganisationChangedV1,
    OrganisationComplaintFiledV1,
    PartyMeetingRecordedV1,
    PartyOpinionChangedV1,
    PassageRecordedV1,
    PersonRegisteredV1,
    PopulationFlagChangedV1,
    PopulationSharedV1,
    RecyclingDropOffRecordedV1,
    ResidencyEndedV1,
    ResidencyStartedV1,
    ServiceBookingRequestedV1,
    ShopFlaggedV1,
    ShopOfferChangedV1,
    ShopOrderChangedV1,
    SigningKeyRotatedV1,
    TelemetryRecordedV1,
    ThresholdBreachedV1,
    TrainingRecordChangedV1,
    VisitDoneV1,
    VitalsRecordedV1,
    VolunteerChangedV1,
    VoteClosedV1,
    WanderingDetectedV1,
    WelfareChangedV1,
    WorkOrderChangedV1,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
)
from sc_contracts.events.parking import ParkingPassageDecidedV1, ParkingSessionClosedV1
from sc_contracts.events.payment import (
    PaymentOrderClosedV1,
    PaymentOrderPaidV1,
    PaymentReconciledV1,
    PaymentRefundedV1,
)

SCHEMA_URI_PREFIX = "urn:smart-community:schema:"
"""``dataschema`` of an event is this prefix followed by its type."""

EVENT_TYPE_PATTERN = re.compile(r"^community(\.[a-z][a-z0-9_]*){2,}\.v([1-9][0-9]*)$")
TOPIC_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*\.v[1-9][0-9]*$")


class UnknownEventTypeError(KeyError):
    """No event type of that name is registered."""


@dataclass(frozen=True)
class EventSpec:
    """What every producer and consumer must agree on about one event type."""

    type: str
    topic: str
    model: builtins.type[EventData]
    description: str

    def __post_init__(self) -> None:
        if not EVENT_TYPE_PATTERN.match(self.type):
            raise ValueError(
                f"event type {self.type!r} must look like community.<aggregate>.<verb_ed>.v<N>"
            )
        if not TOPIC_NAME_PATTERN.match(self.topic):
            raise ValueError(f"topic {self.topic!r} must look like <context>.<stream>.v<N>")
        if not self.description or "\n" in self.description:
            raise ValueError(f"{self.type}: description must be one non-empty line")

    @property
    def schema_uri(self) -> str:
        """Absolute URI naming the data schema; the CloudEvents ``dataschema``."""
        return SCHEMA_URI_PREFIX + self.type

    @property
    def version(self) -> int:
        match = EVENT_TYPE_PATTERN.match(self.type)
        assert match is not None
        return int(match.group(2))

    def validate(self, data: Mapping[str, Any]) -> EventData:
        """Parse ``data`` into this type's model (unknown fields are ignored)."""
        return self.model.model_validate(data)


_SPECS: tuple[EventSpec, ...] = (
    EventSpec(
        "community.hall_application.changed.v1",
        "gov.applications.v1",
        ApplicationChangedV1,
        "An application to the online service hall was submitted or took a step.",
    ),
    EventSpec(
        "community.certificate.issued.v1",
        "gov.certificates.v1",
        CertificateIssuedV1,
        "A certificate was issued for an approved application, or revoked.",
    ),
    EventSpec(
        "community.activity.changed.v1",
        "gov.activities.v1",
        ActivityChangedV1,
        "A community activity was announced, took place, was archived or cancelled.",
    ),
    EventSpec(
        "community.welfare.changed.v1",
        "gov.welfare.v1",
        WelfareChangedV1,
        "A welfare record began, was re-examined, suspended or ended, or paid a month.",
    ),
    EventSpec(
        "community.notice.changed.v1",
        "gov.notices.v1",
        NoticeChangedV1,
        "A community notice was published or withdrawn.",
    ),
    EventSpec(
        "community.population_flag.changed.v1",
        "gov.flags.v1",
        PopulationFlagChangedV1,
        "A population check raised a flag, added evidence to it, or the flag took a step.",
    ),
    EventSpec(
        "community.alteration.changed.v1",
        "gov.alterations.v1",
        AlterationChangedV1,
        "An alteration request of a room was filed or took a step.",
    ),
    EventSpec(
        "community.training_record.changed.v1",
        "gov.training.v1",
        TrainingRecordChangedV1,
        "A person's record on a safety-education or training course moved: a lesson read,"
        " a quiz attempted, the course completed.",
    ),
    EventSpec(
        "community.legal_booking.changed.v1",
        "gov.legal.v1",
        LegalBookingChangedV1,
        "A legal consultation booking was made, cancelled, called off, consulted, linked to a"
        " mediation case or rated.",
    ),
    EventSpec(
        "community.party_meeting.recorded.v1",
        "gov.party.v1",
        PartyMeetingRecordedV1,
        "A meeting of a party organisation (three meetings, one lesson) was recorded, with its"
        " attendance counts.",
    ),
    EventSpec(
        "community.party_opinion.changed.v1",
        "gov.party.v1",
        PartyOpinionChangedV1,
        "A resident's opinion to a party organisation was given or answered.",
    ),
    EventSpec(
        "community.volunteer.changed.v1",
        "gov.volunteers.v1",
        VolunteerChangedV1,
        "A volunteer registered, was certified or suspended, was booked, served hours or"
        " was given a certificate of hours.",
    ),
    EventSpec(
        "community.vote.closed.v1",
        "gov.votes.v1",
        VoteClosedV1,
        "An owners' assembly vote or a poll closed, with its result and each threshold counted.",
    ),
    EventSpec(
        "community.organisation_complaint.filed.v1",
        "gov.organisations.v1",
        OrganisationComplaintFiledV1,
        "A resident filed a complaint about a registered organisation or enterprise.",
    ),
    EventSpec(
        "community.organisation.changed.v1",
        "gov.organisations.v1",
        OrganisationChangedV1,
        "The community registered an organisation or enterprise, or corrected its record.",
    ),
    EventSpec(
        "community.audit.recorded.v1",
        "audit.records.v1",
        AuditRecordedV1,
        "A service recorded who did what to which resource, when, from where, and the outcome.",
    ),
    EventSpec(
        "community.telemetry.recorded.v1",
        "telemetry.readings.v1",
        TelemetryRecordedV1,
        "A device reported telemetry values measured at one instant.",
    ),
    EventSpec(
        "community.device.status_changed.v1",
        "device.status.v1",
        DeviceStatusChangedV1,
        "A device went online or offline.",
    ),
    EventSpec(
        "community.alarm.raised.v1",
        "alarm.events.v1",
        AlarmRaisedV1,
        "An alarm was raised, or an active alarm was seen again.",
    ),
    EventSpec(
        "community.alarm.acknowledged.v1",
        "alarm.events.v1",
        AlarmAcknowledgedV1,
        "Someone acknowledged an alarm.",
    ),
    EventSpec(
        "community.alarm.cleared.v1",
        "alarm.events.v1",
        AlarmClearedV1,
        "An alarm was cleared, by its rule or by a person.",
    ),
    EventSpec(
        "community.notification.requested.v1",
        "notification.requests.v1",
        NotificationRequestedV1,
        "A service asked for people to be notified through one or more channels.",
    ),
    EventSpec(
        "community.person.registered.v1",
        "identity.events.v1",
        PersonRegisteredV1,
        "A person was entered into the population register.",
    ),
    EventSpec(
        "community.residency.started.v1",
        "identity.events.v1",
        ResidencyStartedV1,
        "A person moved into a household.",
    ),
    EventSpec(
        "community.residency.ended.v1",
        "identity.events.v1",
        ResidencyEndedV1,
        "A person moved out of a household.",
    ),
    EventSpec(
        "community.household.changed.v1",
        "identity.events.v1",
        HouseholdChangedV1,
        "A household was created, changed, gained or lost members, or was dissolved.",
    ),
    EventSpec(
        "community.grant.changed.v1",
        "identity.events.v1",
        GrantChangedV1,
        "An account was given or lost a role over a place.",
    ),
    EventSpec(
        "community.access.revoked.v1",
        "identity.events.v1",
        AccessRevokedV1,
        "Access tokens of a sign-in or of an account are no longer accepted.",
    ),
    EventSpec(
        "community.signing_key.rotated.v1",
        "identity.events.v1",
        SigningKeyRotatedV1,
        "identity added a signing key: verifiers fetch its key set again at once.",
    ),
    EventSpec(
        "community.door.changed.v1",
        "identity.events.v1",
        DoorChangedV1,
        "A door or gate was registered with its device, or removed.",
    ),
    EventSpec(
        "community.device.command_requested.v1",
        "device.commands.v1",
        DeviceCommandRequestedV1,
        "A service asked for a command (open a door, dim a light, ...) to be sent to a device.",
    ),
    EventSpec(
        "community.access.passage_recorded.v1",
        "access.passages.v1",
        PassageRecordedV1,
        "A door or gate let a person or vehicle through.",
    ),
    EventSpec(
        "community.device.command_completed.v1",
        "device.command-results.v1",
        DeviceCommandCompletedV1,
        "A command to a device ended: answered, failed, or expired unanswered.",
    ),
    EventSpec(
        "community.device.downlink_requested.v1",
        "device.downlinks.v1",
        DeviceDownlinkRequestedV1,
        "A message for a device (RPC request, shared attributes) to its MQTT transports.",
    ),
    EventSpec(
        "community.workorder.changed.v1",
        "workorder.events.v1",
        WorkOrderChangedV1,
        "A work order was created or took a step of its state machine.",
    ),
    EventSpec(
        "community.workorder.rated.v1",
        "workorder.events.v1",
        WorkOrderRatedV1,
        "A resident rated how their work order was handled.",
    ),
    EventSpec(
        "community.workorder.sla_breached.v1",
        "workorder.events.v1",
        WorkOrderSlaBreachedV1,
        "A work order passed its SLA deadline and was escalated.",
    ),
    EventSpec(
        "community.notification.delivered.v1",
        "notification.deliveries.v1",
        NotificationDeliveredV1,
        "One delivery of a notification (one recipient, one channel) was sent, failed or held.",
    ),
    EventSpec(
        "community.notification.opened.v1",
        "notification.deliveries.v1",
        NotificationOpenedV1,
        "A recipient opened an in-app message for the first time (read rates).",
    ),
    EventSpec(
        "community.care.vitals_recorded.v1",
        "care.vitals.v1",
        VitalsRecordedV1,
        "A vital-sign reading was recorded for a person, by hand or from a device.",
    ),
    EventSpec(
        "community.care.threshold_breached.v1",
        "care.alerts.v1",
        ThresholdBreachedV1,
        "A reading outside a person's range opened a breach episode (told once).",
    ),
    EventSpec(
        "community.care.anomaly_detected.v1",
        "care.alerts.v1",
        AnomalyDetectedV1,
        "A lone-elder rule fired on a household's water or electricity use.",
    ),
    EventSpec(
        "community.care.wandering_detected.v1",
        "care.alerts.v1",
        WanderingDetectedV1,
        "A person's wearable left, or came back into, their safe zone.",
    ),
    EventSpec(
        "community.care.visit_recorded.v1",
        "care.visits.v1",
        VisitDoneV1,
        "A home, follow-up or check-on visit was recorded.",
    ),
    EventSpec(
        "community.care.appointment_changed.v1",
        "care.appointments.v1",
        AppointmentChangedV1,
        "An appointment was booked or cancelled, or its slot stopped by the doctor.",
    ),
    EventSpec(
        "community.care.assessment_scored.v1",
        "care.assessments.v1",
        AssessmentScoredV1,
        "A questionnaire sent to a person was answered and scored (ids only).",
    ),
    EventSpec(
        "community.care.child_checked.v1",
        "care.childcare.v1",
        ChildCheckedV1,
        "A child was checked into or out of a nursery by a guardian.",
    ),
    EventSpec(
        "community.care.fact_shared.v1",
        "care.exchange.v1",
        CareFactSharedV1,
        "A care event, desensitised for readers outside the platform.",
    ),
    EventSpec(
        "community.evaluation.dataset_shared.v1",
        "evaluation.exchange.v1",
        EvaluationDatasetSharedV1,
        "A community's month of indices and KPIs, desensitised for the district platform.",
    ),
    EventSpec(
        "community.exchange.population_shared.v1",
        "exchange.population.v1",
        PopulationSharedV1,
        "Population counts per building or community, desensitised for an agreement's recipient.",
    ),
    EventSpec(
        "community.exchange.houses_shared.v1",
        "exchange.houses.v1",
        HousesSharedV1,
        "Rooms by occupancy per building or community, desensitised for a recipient.",
    ),
    EventSpec(
        "community.exchange.cases_shared.v1",
        "exchange.cases.v1",
        CasesSharedV1,
        "Case counts by type and state per community and day, for a recipient.",
    ),
    EventSpec(
        "community.exchange.alarms_shared.v1",
        "exchange.alarms.v1",
        AlarmsSharedV1,
        "Alarm counts by type and severity per community and day, for a recipient.",
    ),
    EventSpec(
        "community.gov.city_task_case_requested.v1",
        "gov.city-tasks.v1",
        CityTaskCaseRequestedV1,
        "A task a district platform sent down (inspection, population check) asks for a case.",
    ),
    EventSpec(
        "community.exchange.task_outcome_reported.v1",
        "exchange.task-outcomes.v1",
        CityTaskOutcomeV1,
        "Where a task sent down stands (its case's state, its notice), for its sender.",
    ),
    EventSpec(
        "community.exchange.city_task_issued.v1",
        "exchange.city-tasks.v1",
        CityTaskIssuedV1,
        "A task a district or city platform sends down over Kafka, under its agreement.",
    ),
    EventSpec(
        "community.parking.passage_decided.v1",
        "parking.passages.v1",
        ParkingPassageDecidedV1,
        "A gate read a car and decided: pass (barrier opened), pay or refuse.",
    ),
    EventSpec(
        "community.parking.session_closed.v1",
        "parking.sessions.v1",
        ParkingSessionClosedV1,
        "A car left a car park: its stay, fee and what was paid.",
    ),
    EventSpec(
        "community.payment.order_succeeded.v1",
        "payment.orders.v1",
        PaymentOrderPaidV1,
        "A payment order succeeded: the provider confirmed it (verified callback or query).",
    ),
    EventSpec(
        "community.payment.order_closed.v1",
        "payment.orders.v1",
        PaymentOrderClosedV1,
        "An unpaid payment order was closed (timed out or cancelled), at the provider first.",
    ),
    EventSpec(
        "community.payment.refunded.v1",
        "payment.orders.v1",
        PaymentRefundedV1,
        "A refund of a paid order succeeded (partial or full).",
    ),
    EventSpec(
        "community.payment.reconciled.v1",
        "payment.reconciliations.v1",
        PaymentReconciledV1,
        "A day was reconciled against a payment provider's bill.",
    ),
    EventSpec(
        "community.merchant.changed.v1",
        "commerce.merchants.v1",
        MerchantChangedV1,
        "A merchant was registered, updated, verified or rejected.",
    ),
    EventSpec(
        "community.service_booking.requested.v1",
        "commerce.bookings.v1",
        ServiceBookingRequestedV1,
        "A resident booked a service at a service point.",
    ),
    EventSpec(
        "community.recycling_drop_off.recorded.v1",
        "commerce.recycling.v1",
        RecyclingDropOffRecordedV1,
        "A recycling drop-off was weighed and credited.",
    ),
    EventSpec(
        "community.housing_listing.changed.v1",
        "commerce.listings.v1",
        ListingChangedV1,
        "A housing listing was submitted, published, rejected or withdrawn.",
    ),
    EventSpec(
        "community.shop_order.changed.v1",
        "commerce.orders.v1",
        ShopOrderChangedV1,
        "A resident's shop order was placed, accepted, shipped, completed, refused, "
        "cancelled or paid.",
    ),
    EventSpec(
        "community.shop.flagged.v1",
        "commerce.shops.v1",
        ShopFlaggedV1,
        "A shop was flagged as a place where people may be living.",
    ),
    EventSpec(
        "community.shop_offer.changed.v1",
        "commerce.shops.v1",
        ShopOfferChangedV1,
        "A shop's offer was published (and pushed) or withdrawn by its merchant.",
    ),
)


def build_registry(specs: Iterable[EventSpec]) -> Mapping[str, EventSpec]:
    """Index specs by type, refusing duplicates; the result is read-only and sorted."""
    index: dict[str, EventSpec] = {}
    for spec in specs:
        if spec.type in index:
            raise ValueError(f"event type {spec.type} registered twice")
        index[spec.type] = spec
    return MappingProxyType(dict(sorted(index.items())))


def _bind(specs: Iterable[EventSpec]) -> None:
    """Give each model its type, topic and schema URI (``AlarmRaisedV1.event_type``)."""
    for spec in specs:
        if "event_type" in vars(spec.model):
            raise ValueError(f"{spec.model.__name__} is registered twice")
        spec.model.event_type = spec.type
        spec.model.topic = spec.topic
        spec.model.schema_uri = spec.schema_uri


_REGISTRY = build_registry(_SPECS)
_bind(_SPECS)


def registry() -> Mapping[str, EventSpec]:
    """Every registered event type, by CloudEvents ``type``, sorted."""
    return _REGISTRY


def get_event_spec(event_type: str) -> EventSpec:
    """The spec of ``event_type``; :class:`UnknownEventTypeError` if none."""
    try:
        return _REGISTRY[event_type]
    except KeyError:
        raise UnknownEventTypeError(event_type) from None


def get_event_spec_by_schema_uri(schema_uri: str) -> EventSpec:
    """The spec whose ``dataschema`` is ``schema_uri``."""
    if not schema_uri.startswith(SCHEMA_URI_PREFIX):
        raise UnknownEventTypeError(schema_uri)
    return get_event_spec(schema_uri.removeprefix(SCHEMA_URI_PREFIX))


def spec_of(model: builtins.type[EventData]) -> EventSpec:
    """The spec of a registered model; :class:`UnknownEventTypeError` if it has none."""
    event_type = vars(model).get("event_type")
    if event_type is None:
        raise UnknownEventTypeError(model.__name__)
    return get_event_spec(event_type)


def validate_event_data(event_type: str, data: Mapping[str, Any]) -> EventData:
    """Parse the ``data`` of an event of ``event_type`` into its model.

    Raises :class:`UnknownEventTypeError` for an unregistered type and
    :class:`pydantic.ValidationError` for data that does not fit.
    """
    return get_event_spec(event_type).validate(data)
