"""Audit records carry who, what, when, from where, outcome and trace, and match the
committed contract of the audit topic."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import Request
from opentelemetry.sdk.trace import TracerProvider

from sc_contracts import get_event_spec, validate_event_data
from sc_core.audit import AUDIT_EVENT_TYPE, audit_event
from sc_core.auth import Anonymous, Caller, Grant, Principal
from sc_core.net import TrustedProxies

# the service trusts its gateway (10.0.0.2), which forwards the address it saw
GATEWAY = SimpleNamespace(state=SimpleNamespace(trusted_proxies=TrustedProxies("10.0.0.2")))


def _request(forwarded: bytes = b"198.51.100.7", peer: str = "10.0.0.2") -> Request:
    return Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/api/v1/persons",
            "headers": [
                (b"x-forwarded-for", forwarded),
                (b"x-request-id", b"req-abcdef12"),
            ],
            "client": (peer, 1234),
            "query_string": b"",
            "app": GATEWAY,
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
            caller=Caller.of(_request(), principal),
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


def test_an_address_sent_by_anyone_but_the_gateway_is_not_believed() -> None:
    forged = audit_event(
        service="identity",
        action="person.create",
        resource_type="person",
        caller=Anonymous.of(_request(forwarded=b"198.51.100.7", peer="203.0.113.50")),
    )
    assert forged.data["source_ip"] == "203.0.113.50"


def test_an_anonymous_caller_keeps_the_address_and_request_id_and_names_no_actor() -> None:
    who = Anonymous.of(_request())
    event = audit_event(
        service="identity",
        action="door.open",
        resource_type="door",
        resource_id="d-1",
        caller=who,
    )
    validate_event_data(AUDIT_EVENT_TYPE, event.data)
    assert event.data["actor_type"] == "anonymous"
    assert event.data["actor_id"] is None
    assert event.data["actor_roles"] == []
    assert event.data["source_ip"] == "198.51.100.7"
    assert event.data["request_id"] == "req-abcdef12"
    signed_in = who.signed_in(Principal(subject="u-42", kind="user"))
    assert (signed_in.address, signed_in.request_id) == (who.address, who.request_id)
    assert (
        audit_event(
            service="identity", action="auth.login", resource_type="account", caller=signed_in
        ).data["actor_id"]
        == "u-42"
    )
