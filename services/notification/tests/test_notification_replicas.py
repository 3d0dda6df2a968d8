"""Two replicas on one database: a message written by one reaches a stream held by the
other (PostgreSQL LISTEN/NOTIFY), and a delivery is sent once though both dispatch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from notif_helpers import Harness, Stream, start_harness, wait_for
from sc_core.auth import Grant


@pytest.fixture(scope="module")
async def replica(harness: Harness) -> AsyncIterator[Harness]:
    """A second replica: same settings, same database, same consumer group."""
    async with start_harness(harness.settings, harness.issuer) as other:
        yield other


async def test_message_written_on_one_replica_streams_from_the_other(
    harness: Harness, replica: Harness, community: str, user: str
) -> None:
    me = harness.bearer(user, Grant("property_staff", "community", community))
    r = await harness.client.put(
        "/api/v1/notification-preferences/me", json={"phone": "13800003333"}, headers=me
    )
    assert r.status_code == 200
    admin = harness.bearer("adm", Grant("platform_admin", "platform", "*"))
    async with Stream(replica.base_url, me) as on_b:
        for n in range(5):
            r = await harness.client.post(  # written by replica A
                "/api/v1/notifications",
                json={
                    "request_id": f"rep-{user}-{n}",
                    "recipients": {"user_ids": [user]},
                    "template": "generic.message",
                    "variables": {"title": f"t{n}", "body": "b"},
                    "severity": "critical",
                    "channels": ["inapp", "sms"],
                },
                headers=admin,
            )
            assert r.status_code == 202, r.text
        messages = await on_b.wait("message", 5)
        await asyncio.sleep(0.5)
    assert sorted(m.data["title"] for m in on_b.of("message")) == [f"t{n}" for n in range(5)]
    assert len(messages) == 5

    async def all_sent() -> bool:
        rows = await harness.sql(
            "SELECT status FROM delivery WHERE request_id LIKE :p", p=f"rep-{user}-%"
        )
        return len(rows) == 10 and all(r.status == "sent" for r in rows)

    await wait_for(all_sent, what="every delivery sent")
    sink = await harness.sql("SELECT count(*) FROM dev_sink WHERE recipient_id = :u", u=user)
    assert sink[0][0] == 5  # each SMS once, whichever replica sent it
    attempts = await harness.sql(
        "SELECT count(*) FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id "
        "WHERE d.recipient_id = :u",
        u=user,
    )
    assert attempts[0][0] == 10
