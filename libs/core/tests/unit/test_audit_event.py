"""Audit records carry who, what, when, from where, outcome and trace, and match the
committed contract of the audit topic."""

from __future__ import annotations

from fastapi import Request
from opentelemetry.sdk.trace import TracerProvider

from sc_contracts import get_event_spec, validate_event_data
from sc_core.audit import AUDIT_EVENT_TYPE, audit_event
from sc_core.auth import Grant, Principal


def _request() -> Request:
    return Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/api/v1/persons",
            "headers": [
                (b"x-forwarded-for", b"198.51.100.7, 10.0.0.2"),
                (b"x-request-id", b"req-abcdef12"),
            ],
            "client": ("10.0.0.2", 1234),
            "query_string": b"",
        }
    )


def test_audit_record_matches_the_contract_and_says_who_what_where() -> None:
    principal = Principal(
        subject="u-42",
        kind="user",
        name="Li Lei",
        roles=frozenset({"grid_worker"}),
        grants=(Grant("grid_worker", "grid", "g-1"),),
    )
    tracer = TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("request") as span:
        event = audit_event(
            service="identity",
            action="person.create",
            resource_type="person",
            resource_id="p-7",
            principal=principal,
            request=_request(),
            community_id="c-1",
            detail={"fields": "name,phone"},
        )
        trace_id = format(span.get_span_context().trace_id, "032x")
    assert event.type == AUDIT_EVENT_TYPE
    assert event.dataschema == get_event_spec(AUDIT_EVENT_TYPE).schema_uri
    assert event.id == event.data["record_id"]
    validate_event_data(AUDIT_EVENT_TYPE, event.data)
    assert event.data["actor_id"] == "u-42"
    assert event.data["actor_roles"] == ["grid_worker"]
    assert event.data["source_ip"] == "198.51.100.7"
    assert event.data["request_id"] == "req-abcdef12"
    assert event.data["trace_id"] == trace_id
    assert event.data["outcome"] == "success"


def test_anonymous_denied_record_is_valid_too() -> None:
    event = audit_event(
        service="gateway", action="auth.login", resource_type="account", outcome="denied"
    )
    validate_event_data(AUDIT_EVENT_TYPE, event.data)
    assert event.data["actor_type"] == "anonymous"
    assert event.data["actor_id"] is None
