from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sc_contracts import CloudEventHeaders, get_event_spec


def test_headers_round_trip_through_kafka_form() -> None:
    headers = CloudEventHeaders(
        id="e-1",
        source="/services/alarm",
        type="community.alarm.raised.v1",
        time=datetime(2026, 3, 1, 0, 17, 30, tzinfo=UTC),
        subject="alm-7f3c2a",
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    kafka = headers.to_kafka()
    assert [k for k, _ in kafka] == [
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_specversion",
        "ce_time",
        "ce_subject",
        "ce_dataschema",
        "content-type",
        "traceparent",
    ]
    as_dict = dict(kafka)
    assert (
        as_dict["ce_dataschema"] == get_event_spec("community.alarm.raised.v1").schema_uri.encode()
    )
    assert as_dict["ce_specversion"] == b"1.0"
    parsed = CloudEventHeaders.from_kafka(kafka)
    assert parsed == CloudEventHeaders(
        **{**headers.__dict__, "dataschema": headers.spec.schema_uri}
    )


def test_optional_headers_are_left_out_and_required_ones_enforced() -> None:
    headers = CloudEventHeaders(
        id="e-2",
        source="/services/care",
        type="community.notification.requested.v1",
        time=datetime(2026, 3, 1, tzinfo=UTC),
    )
    kafka = headers.to_kafka()
    assert "traceparent" not in dict(kafka) and "ce_subject" not in dict(kafka)
    with pytest.raises(ValueError, match="ce_source"):
        CloudEventHeaders.from_kafka([h for h in kafka if h[0] != "ce_source"])
    with pytest.raises(ValueError, match="specversion"):
        CloudEventHeaders.from_kafka([*kafka[:3], ("ce_specversion", b"0.3"), *kafka[4:]])


def test_naive_time_is_refused() -> None:
    headers = CloudEventHeaders(
        id="e-3", source="/s", type="community.alarm.raised.v1", time=datetime(2026, 3, 1)
    )
    with pytest.raises(ValueError, match="timezone"):
        headers.to_kafka()
