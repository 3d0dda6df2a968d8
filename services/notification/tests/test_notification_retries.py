"""Must show: a provider that fails twice then succeeds delivers once."""

from __future__ import annotations

import pytest

from notif_helpers import Harness, wait_for
from sc_contracts.events import NotificationRequestedV1, Recipients
from sc_core.auth import Grant


@pytest.fixture(scope="module")
def harness_overrides() -> dict[str, object]:
    return {"dev_sink_fail_first": 2, "delivery_max_attempts": 5}


async def test_fails_twice_then_delivers_once(harness: Harness, user: str) -> None:
    headers = harness.bearer(user, Grant("property_staff", "community", "c-retry"))
    r = await harness.client.put(
        "/api/v1/notification-preferences/me", json={"phone": "13800000042"}, headers=headers
    )
    assert r.status_code == 200, r.text
    request = NotificationRequestedV1(
        request_id=f"retry-{user}",
        recipients=Recipients(user_ids=[user]),
        template="workorder.assigned",
        variables={"number": "WO-7", "title": "Leak", "case_type": "repair", "status": "assigned"},
        severity="warning",
        channels=["sms"],
        source_service="work-orders",
        community_id="c-retry",
    )
    await harness.publish(
        harness.settings.topic("notification.requests.v1"),
        "community.notification.requested.v1",
        request,
        key=request.request_id,
    )

    async def sent() -> list[object]:
        rows = await harness.deliveries(request.request_id)
        return list(rows) if rows and rows[0].status == "sent" else []

    [row] = await wait_for(sent, what="the SMS to be sent")
    assert row.attempts == 3
    attempts = await harness.sql(
        "SELECT attempt, outcome, error FROM delivery_attempt WHERE delivery_id = :d "
        "ORDER BY attempt",
        d=row.id,
    )
    assert [(a.attempt, a.outcome) for a in attempts] == [(1, "failed"), (2, "failed"), (3, "sent")]
    assert "sink.simulated_failure" in attempts[0].error
    sink = await harness.sql(
        "SELECT body FROM dev_sink WHERE delivery_id = :d",
        d=row.id,
    )
    assert len(sink) == 1  # delivered once
    assert "WO-7" in sink[0].body
    delivered = await harness.sql(
        "SELECT convert_from(payload, 'UTF8') AS body FROM event_outbox "
        "WHERE topic = :t AND key = :k",
        t=harness.settings.topic("notification.deliveries.v1"),
        k=request.request_id,
    )
    assert len(delivered) == 1 and '"status":"sent"' in delivered[0].body
    assert '"attempts":3' in delivered[0].body
