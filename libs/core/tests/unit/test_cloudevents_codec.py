"""The one CloudEvents codec (Kafka binary mode): what it writes, it reads back; what it
writes is what the contract documents (sc_contracts' AsyncAPI header table); a model's
event knows its type and schema; bad input is an InvalidEvent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sc_contracts import get_event_spec
from sc_contracts.asyncapi import HEADERS
from sc_contracts.events import AlarmRaisedV1, NotificationRequestedV1, TelemetryRecordedV1
from sc_core.bus.cloudevents import (
    CloudEvent,
    Envelope,
    HeaderTemplate,
    InvalidEvent,
    decode_data,
    encode_data,
)

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
AT = datetime(2026, 3, 1, 0, 17, 30, tzinfo=UTC)


def _alarm() -> AlarmRaisedV1:
    return AlarmRaisedV1.model_validate(
        {
            "alarm_id": "alm-7f3c2a",
            "alarm_type": "smoke",
            "severity": "critical",
            "status": "active_unack",
            "originator_type": "device",
            "originator_id": "smoke-1",
            "community_id": "c-1",
            "count": 1,
            "first_at": AT,
            "last_at": AT,
        }
    )


def test_headers_round_trip_in_a_stable_order_with_the_models_schema() -> None:
    event = CloudEvent.of(_alarm(), source="/services/alarm", subject="alm-7f3c2a", time=AT)
    event.extensions["traceparent"] = TRACEPARENT
    headers = event.headers()
    assert [k for k, _ in headers] == [
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "content-type",
        "ce_subject",
        "ce_dataschema",
        "traceparent",
    ]
    as_dict = dict(headers)
    assert as_dict["ce_type"] == b"community.alarm.raised.v1"
    schema = get_event_spec("community.alarm.raised.v1").schema_uri
    assert as_dict["ce_dataschema"] == schema.encode()
    assert as_dict["ce_specversion"] == b"1.0"
    back = CloudEvent.from_kafka(headers, event.body())
    assert back == event
    assert back.parse(AlarmRaisedV1) == _alarm()


def test_what_the_codec_writes_is_what_the_contract_documents() -> None:
    event = CloudEvent.of(_alarm(), source="/services/alarm", subject="s")
    event.extensions["traceparent"] = TRACEPARENT
    names = {k for k, _ in event.headers()}
    documented = {h.name for h in HEADERS}
    assert names == documented
    required = {h.name for h in HEADERS if h.required}
    assert required <= {k for k, _ in CloudEvent.of(_alarm(), source="/s").headers()}


def test_optional_headers_are_left_out_and_required_ones_enforced() -> None:
    request = NotificationRequestedV1.model_validate(
        {
            "request_id": "r-1",
            "recipients": {"user_ids": ["u-1"]},
            "template": "generic.message",
            "severity": "info",
            "channels": ["inapp"],
            "source_service": "care",
            "community_id": "c-1",
        }
    )
    headers = CloudEvent.of(request, source="/services/care").headers()
    assert "traceparent" not in dict(headers) and "ce_subject" not in dict(headers)
    with pytest.raises(InvalidEvent, match="source"):
        Envelope.from_headers([h for h in headers if h[0] != "ce_source"])
    with pytest.raises(InvalidEvent, match="specversion"):
        Envelope.from_headers([("ce_specversion", b"0.3"), *headers[1:]])
    with pytest.raises(InvalidEvent, match="ce_time"):
        Envelope.from_headers([*headers, ("ce_time", b"yesterday")])


def test_naive_time_is_refused() -> None:
    event = CloudEvent.of(_alarm(), source="/s")
    event.time = datetime(2026, 3, 1)
    with pytest.raises(ValueError, match="timezone"):
        event.headers()


def test_a_model_not_registered_has_no_event() -> None:
    from sc_contracts.events import AlarmStateV1

    state = AlarmStateV1.model_validate(_alarm().model_dump())
    with pytest.raises(ValueError, match="not a registered"):
        CloudEvent.of(state, source="/s")


def test_data_decodes_straight_into_its_model_and_bad_data_is_an_invalid_event() -> None:
    reading = TelemetryRecordedV1(
        device_id="d-1",
        device_type="smoke_detector",
        community_id="c-1",
        ts=AT,
        values={"smoke": True, "temperature": 21.5, "battery": 87, "mode": "auto"},
        received_at=AT,
    )
    value = encode_data(reading)
    decoded = decode_data(value, TelemetryRecordedV1)
    assert decoded == reading
    assert [type(v) for v in decoded.values.values()] == [bool, float, int, str]
    # the same bytes as the dict form would give (one encoding)
    assert decode_data(encode_data(reading.model_dump(mode="json")), TelemetryRecordedV1) == reading
    for bad in (b"not json", b"[]", b'{"device_id": "d-1"}', None):
        with pytest.raises(InvalidEvent):
            decode_data(bad, TelemetryRecordedV1)
    with pytest.raises(InvalidEvent, match="JSON"):
        CloudEvent.from_kafka(CloudEvent.of(reading, source="/s").headers(), b"{oops")


def test_a_header_template_writes_what_an_envelope_writes() -> None:
    template = HeaderTemplate(
        TelemetryRecordedV1,
        source="/services/device-ingestion",
        time=AT,
        extensions={"traceparent": TRACEPARENT},
    )
    headers = template.headers("req-1-7", subject="d-1")
    envelope = Envelope.from_headers(headers)
    assert envelope == Envelope(
        "community.telemetry.recorded.v1",
        "/services/device-ingestion",
        "req-1-7",
        AT,
        "d-1",
        TelemetryRecordedV1.schema_uri,
        extensions={"traceparent": TRACEPARENT},
    )
    assert sorted(headers) == sorted(envelope.headers())
