"""A write through the gateway in another service appears in the audit trail with actor,
action, resource, outcome, time, source address (the real one, whatever the client
claims) and trace id; residents cannot read it."""

from __future__ import annotations

import secrets
import time
import uuid

import httpx


def test_write_through_gateway_lands_in_the_audit_trail(gateway_url: str, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("platform_admin")
    me = httpx.get(f"{gateway_url}/api/v1/me", headers=admin, timeout=30).json()
    trace_id = secrets.token_hex(16)
    request_id = f"e2e-{uuid.uuid4().hex[:12]}"
    created = httpx.post(
        f"{gateway_url}/api/v1/communities",
        headers={
            **admin,
            "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01",
            "X-Request-ID": request_id,
            # forged: the gateway trusts no proxy in front of it here, so it sends on the
            # address it saw, and identity believes only the gateway
            "X-Forwarded-For": "203.0.113.66",
            "X-Real-IP": "203.0.113.66",
        },
        json={"code": f"E2E-{secrets.token_hex(4)}", "name": "审计测试社区 audit e2e"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    community_id = created.json()["id"]

    auditor = login("auditor")
    record = None
    deadline = time.monotonic() + 60
    while record is None and time.monotonic() < deadline:
        page = httpx.get(
            f"{gateway_url}/api/v1/audit-records",
            headers=auditor,
            timeout=30,
            params={"action": "community.create", "resource_id": community_id},
        )
        assert page.status_code == 200, page.text
        items = page.json()["items"]
        record = items[0] if items else None
        if record is None:
            time.sleep(0.5)
    assert record is not None, "the write never reached the audit trail"
    assert record["service"] == "identity"
    assert record["actor_id"] == me["id"]
    assert "platform_admin" in record["actor_roles"]
    assert record["resource_type"] == "community"
    assert record["outcome"] == "success"
    assert record["source_ip"] == "127.0.0.1"
    assert record["trace_id"] == trace_id
    assert record["request_id"] == request_id
    assert record["occurred_at"]


def test_residents_and_staff_cannot_read_the_trail(gateway_url: str, login) -> None:  # type: ignore[no-untyped-def]
    for role in ("resident", "property_staff", "community_admin"):
        response = httpx.get(f"{gateway_url}/api/v1/audit-records", headers=login(role), timeout=30)
        assert response.status_code == 403, (role, response.text)
        assert response.json()["code"] == "auth.forbidden"
