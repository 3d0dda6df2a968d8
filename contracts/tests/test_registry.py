from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from pydantic import ValidationError

from sc_contracts import (
    EventData,
    UnknownEventTypeError,
    get_event_spec,
    get_event_spec_by_schema_uri,
    registry,
    spec_of,
    validate_event_data,
)
from sc_contracts.events import AlarmRaisedV1, NotificationRequestedV1, TelemetryRecordedV1
from sc_contracts.examples import EXAMPLES
from sc_contracts.registry import EventSpec, build_registry

EXPECTED = {
    "community.audit.recorded.v1": "audit.records.v1",
    "community.telemetry.recorded.v1": "telemetry.readings.v1",
    "community.device.status_changed.v1": "device.status.v1",
    "community.alarm.raised.v1": "alarm.events.v1",
    "community.alarm.acknowledged.v1": "alarm.events.v1",
    "community.alarm.cleared.v1": "alarm.events.v1",
    "community.notification.requested.v1": "notification.requests.v1",
    "community.person.registered.v1": "identity.events.v1",
    "community.residency.started.v1": "identity.events.v1",
    "community.residency.ended.v1": "identity.events.v1",
    "community.household.changed.v1": "identity.events.v1",
    "community.grant.changed.v1": "identity.events.v1",
    "community.access.revoked.v1": "identity.events.v1",
    "community.signing_key.rotated.v1": "identity.events.v1",
    "community.door.changed.v1": "identity.events.v1",
    "community.device.command_requested.v1": "device.commands.v1",
    "community.access.passage_recorded.v1": "access.passages.v1",
    "community.device.command_completed.v1": "device.command-results.v1",
    "community.device.downlink_requested.v1": "device.downlinks.v1",
    "community.workorder.changed.v1": "workorder.events.v1",
    "community.workorder.rated.v1": "workorder.events.v1",
    "community.workorder.sla_breached.v1": "workorder.events.v1",
    "community.notification.delivered.v1": "notification.deliveries.v1",
    "community.notification.opened.v1": "notification.deliveries.v1",
    "community.care.vitals_recorded.v1": "care.vitals.v1",
    "community.care.threshold_breached.v1": "care.alerts.v1",
    "community.care.anomaly_detected.v1": "care.alerts.v1",
    "community.care.wandering_detected.v1": "care.alerts.v1",
    "community.care.visit_recorded.v1": "care.visits.v1",
    "community.care.appointment_changed.v1": "care.appointments.v1",
    "community.care.assessment_scored.v1": "care.assessments.v1",
    "community.care.child_checked.v1": "care.childcare.v1",
    "community.care.fact_shared.v1": "care.exchange.v1",
    "community.evaluation.dataset_shared.v1": "evaluation.exchange.v1",
    "community.exchange.population_shared.v1": "exchange.population.v1",
    "community.exchange.houses_shared.v1": "exchange.houses.v1",
    "community.exchange.cases_shared.v1": "exchange.cases.v1",
    "community.exchange.alarms_shared.v1": "exchange.alarms.v1",
    "community.gov.city_task_case_requested.v1": "gov.city-tasks.v1",
    "community.exchange.task_outcome_reported.v1": "exchange.task-outcomes.v1",
    "community.exchange.city_task_issued.v1": "exchange.city-tasks.v1",
    "community.parking.passage_decided.v1": "parking.passages.v1",
    "community.parking.session_closed.v1": "parking.sessions.v1",
    "community.payment.order_succeeded.v1": "payment.orders.v1",
    "community.payment.order_closed.v1": "payment.orders.v1",
    "community.payment.refunded.v1": "payment.orders.v1",
    "community.payment.reconciled.v1": "payment.reconciliations.v1",
    "community.hall_application.changed.v1": "gov.applications.v1",
    "community.certificate.issued.v1": "gov.certificates.v1",
    "community.vote.closed.v1": "gov.votes.v1",
    "community.activity.changed.v1": "gov.activities.v1",
    "community.notice.changed.v1": "gov.notices.v1",
    "community.welfare.changed.v1": "gov.welfare.v1",
    "community.population_flag.changed.v1": "gov.flags.v1",
    "community.alteration.changed.v1": "gov.alterations.v1",
    "community.training_record.changed.v1": "gov.training.v1",
    "community.organisation_complaint.filed.v1": "gov.organisations.v1",
    "community.organisation.changed.v1": "gov.organisations.v1",
    "community.volunteer.changed.v1": "gov.volunteers.v1",
    "community.legal_booking.changed.v1": "gov.legal.v1",
    "community.party_meeting.recorded.v1": "gov.party.v1",
    "community.party_opinion.changed.v1": "gov.party.v1",
    "community.merchant.changed.v1": "commerce.merchants.v1",
    "community.service_booking.requested.v1": "commerce.bookings.v1",
    "community.recycling_drop_off.recorded.v1": "commerce.recycling.v1",
    "community.housing_listing.changed.v1": "commerce.listings.v1",
    "community.shop_order.changed.v1": "commerce.orders.v1",
    "community.shop.flagged.v1": "commerce.shops.v1",
    "community.shop_offer.changed.v1": "commerce.shops.v1",
}


def test_registry_holds_the_initial_event_types_on_their_topics() -> None:
    assert {t: s.topic for t, s in registry().items()} == EXPECTED
    assert list(registry()) == sorted(EXPECTED)


@pytest.mark.parametrize("event_type", sorted(EXPECTED))
def test_spec_has_type_topic_model_and_absolute_schema_uri(event_type: str) -> None:
    spec = get_event_spec(event_type)
    assert spec.type == event_type
    assert re.fullmatch(r"community\.[a-z_]+\.[a-z_]+ed\.v1", spec.type)  # past tense
    assert spec.version == 1
    assert issubclass(spec.model, EventData)
    assert urlparse(spec.schema_uri).scheme == "urn"
    assert spec.schema_uri == f"urn:smart-community:schema:{event_type}"
    assert get_event_spec_by_schema_uri(spec.schema_uri) is spec
    assert spec.description and "\n" not in spec.description


def test_every_event_type_has_an_example_that_validates() -> None:
    assert set(EXAMPLES) == set(registry())
    for event_type, data in EXAMPLES.items():
        model = validate_event_data(event_type, data)
        assert isinstance(model, get_event_spec(event_type).model)


def test_unknown_type_is_refused() -> None:
    with pytest.raises(UnknownEventTypeError):
        get_event_spec("community.alarm.exploded.v1")
    with pytest.raises(UnknownEventTypeError):
        validate_event_data("community.alarm.exploded.v1", {})
    with pytest.raises(UnknownEventTypeError):
        get_event_spec_by_schema_uri("https://example.com/schema")


def test_unknown_fields_are_ignored_on_read() -> None:
    data = {**EXAMPLES["community.alarm.raised.v1"], "added_in_v1_1": "whatever"}
    alarm = validate_event_data("community.alarm.raised.v1", data)
    assert isinstance(alarm, AlarmRaisedV1)
    assert "added_in_v1_1" not in alarm.model_dump()


def test_unknown_fields_are_ignored_in_nested_models_too() -> None:
    data = dict(EXAMPLES["community.notification.requested.v1"])
    data["recipients"] = {**data["recipients"], "group_ids": ["g-1"]}
    data["escalate_after_s"] = 60
    request = validate_event_data("community.notification.requested.v1", data)
    assert (
        request.model_dump()
        == validate_event_data(
            "community.notification.requested.v1", EXAMPLES["community.notification.requested.v1"]
        ).model_dump()
    )


def test_invalid_data_is_refused_with_field_names() -> None:
    data = {**EXAMPLES["community.alarm.raised.v1"], "severity": "apocalyptic", "count": 0}
    with pytest.raises(ValidationError) as caught:
        validate_event_data("community.alarm.raised.v1", data)
    fields = {err["loc"][0] for err in caught.value.errors()}
    assert fields == {"severity", "count"}


def test_missing_required_field_is_refused() -> None:
    data = dict(EXAMPLES["community.telemetry.recorded.v1"])
    del data["device_id"]
    with pytest.raises(ValidationError, match="device_id"):
        validate_event_data("community.telemetry.recorded.v1", data)


def test_datetimes_must_carry_an_offset() -> None:
    data = {**EXAMPLES["community.device.status_changed.v1"], "changed_at": "2026-03-01T08:00:12"}
    with pytest.raises(ValidationError, match="timezone"):
        validate_event_data("community.device.status_changed.v1", data)


def test_telemetry_values_keep_their_json_types() -> None:
    data = EXAMPLES["community.telemetry.recorded.v1"]
    reading = TelemetryRecordedV1.model_validate(data)
    assert reading.values == {
        "flow_l_min": 12.5,
        "total_m3": 1834,
        "valve_open": True,
        "state": "ok",
    }
    assert type(reading.values["valve_open"]) is bool
    assert type(reading.values["total_m3"]) is int


def test_notification_needs_a_recipient_and_defaults_locale() -> None:
    data = dict(EXAMPLES["community.notification.requested.v1"])
    del data["locale"]
    assert NotificationRequestedV1.model_validate(data).locale == "zh-CN"
    data["recipients"] = {"user_ids": [], "roles_in_scope": [], "household_ids": []}
    with pytest.raises(ValidationError, match="at least one"):
        NotificationRequestedV1.model_validate(data)


def test_audit_action_must_be_dotted() -> None:
    data = {**EXAMPLES["community.audit.recorded.v1"], "action": "Read Person"}
    with pytest.raises(ValidationError, match="action"):
        validate_event_data("community.audit.recorded.v1", data)
    data["action"] = "auth.login"
    assert validate_event_data("community.audit.recorded.v1", data)


def test_spec_refuses_bad_names_and_duplicate_registration() -> None:
    with pytest.raises(ValueError, match="community"):
        EventSpec("alarm.raised", "alarm.events.v1", AlarmRaisedV1, "x")
    with pytest.raises(ValueError, match="topic"):
        EventSpec("community.alarm.raised.v1", "alarms", AlarmRaisedV1, "x")
    spec = get_event_spec("community.alarm.raised.v1")
    with pytest.raises(ValueError, match="twice"):
        build_registry([spec, spec])


@pytest.mark.parametrize("event_type", sorted(EXPECTED))
def test_each_model_knows_its_type_topic_and_schema(event_type: str) -> None:
    spec = get_event_spec(event_type)
    assert spec.model.event_type == event_type
    assert spec.model.topic == EXPECTED[event_type]
    assert spec.model.schema_uri == spec.schema_uri
    assert spec_of(spec.model) is spec


def test_an_unregistered_model_has_no_type() -> None:
    from sc_contracts.events import AlarmStateV1

    with pytest.raises(UnknownEventTypeError):
        spec_of(AlarmStateV1)
    assert AlarmRaisedV1.event_type == "community.alarm.raised.v1"
    assert "event_type" not in AlarmStateV1.model_fields  # a class attribute, never data
