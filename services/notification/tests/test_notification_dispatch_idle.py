"""Must show: the dispatcher does not look every interval for work, yet a retry is sent
when it falls due (issue 28, ADR 0067). The look-again interval is two minutes here, so a
delivery whose retries were only picked up by that look would take four; the dispatcher
sleeps until the earliest delivery is due instead."""

from __future__ import annotations

import time

import pytest

from notif_helpers import Harness, wait_for
from sc_contracts.events import NotificationRequestedV1, Recipients
from sc_core.auth import Grant

LOOK_AGAIN_S = 120.0


@pytest.fixture(scope="module")
def harness_overrides() -> dict[str, object]:
    return {
        "dispatch_interval_seconds": LOOK_AGAIN_S,
        "dev_sink_fail_first": 2,
        "delivery_max_attempts": 5,
        "retry_base_seconds": 0.5,
    }


async def test_retries_are_sent_when_due_not_at_the_next_look(harness: Harness, user: str) -> None:
    headers = harness.bearer(user, Grant("property_staff", "community", "c-due"))
    r = await harness.client.put(
        "/api/v1/notification-preferences/me", json={"phone": "13800000043"}, headers=headers
    )
    assert r.status_code == 200, r.text
    request = NotificationRequestedV1(
        request_id=f"due-{user}",
        recipients=Recipients(user_ids=[user]),
        template="workorder.assigned",
        variables={"number": "WO-8", "title": "Leak", "case_type": "repair", "status": "assigned"},
        severity="warning",
        channels=["sms"],
        source_service="work-orders",
        community_id="c-due",
    )
    started = time.monotonic()
    await harness.publish(
        harness.settings.topic("notification.requests.v1"),
        "community.notification.requested.v1",
        request,
        key=request.request_id,
    )

    async def sent() -> list[object]:
        rows = await harness.deliveries(request.request_id)
        return list(rows) if rows and rows[0].status == "sent" else []

    # two retries 0.5 s and 1 s after their failures; a bound well below one look
    [row] = await wait_for(sent, timeout=LOOK_AGAIN_S / 2, what="the SMS sent on its retries")
    assert row.attempts == 3
    assert time.monotonic() - started < LOOK_AGAIN_S
    attempts = await harness.sql(
        "SELECT attempt, outcome FROM delivery_attempt WHERE delivery_id = :d ORDER BY attempt",
        d=row.id,
    )
    assert [(a.attempt, a.outcome) for a in attempts] == [(1, "failed"), (2, "failed"), (3, "sent")]
