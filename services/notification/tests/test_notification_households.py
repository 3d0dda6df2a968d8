"""Must show: a resident's stream never carries another household's messages. Also the
inbox API: only mine, unread first, read, read-all, Last-Event-ID resume."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from notif_helpers import Harness, Stream, wait_for
from sc_contracts.events import (
    AccessRevokedV1,
    GrantChange,
    GrantChangedV1,
    NotificationRequestedV1,
    Recipients,
    RoleInScope,
)
from sc_core.auth import Grant

BOUND = 300  # generous: a busy 2-core machine (the revocation travels through Kafka)


def to_household(request_id: str, household: str, title: str) -> NotificationRequestedV1:
    return NotificationRequestedV1(
        request_id=request_id,
        recipients=Recipients(household_ids=[household]),
        template="generic.message",
        variables={"title": title, "body": "Parcel at the gate"},
        severity="info",
        channels=["inapp"],
        source_service="commerce",
    )


async def test_resident_stream_never_carries_another_households_messages(
    harness: Harness, community: str, user: str
) -> None:
    h1, h2 = f"{community}-h1", f"{community}-h2"
    alice, bob, bobs_family = f"{user}-alice", f"{user}-bob", f"{user}-bob-family"
    await harness.grant(alice, "resident", "household", h1, community)
    await harness.grant(bob, "tenant", "household", h2, community)
    await harness.grant(bobs_family, "family", "household", h2, community)
    alice_h = harness.bearer(alice, Grant("resident", "household", h1))
    bob_h = harness.bearer(bob, Grant("tenant", "household", h2))
    async with (
        Stream(harness.base_url, alice_h) as alice_stream,
        Stream(harness.base_url, bob_h) as bob_stream,
    ):
        for n in range(4):
            for household, who in ((h1, "h1"), (h2, "h2")):
                request = to_household(f"{user}-{who}-{n}", household, f"for {who} #{n}")
                await harness.publish(
                    harness.settings.topic("notification.requests.v1"),
                    "community.notification.requested.v1",
                    request,
                    key=request.request_id,
                )
        await alice_stream.wait("message", 4)
        await bob_stream.wait("message", 4)
        await asyncio.sleep(0.5)  # room for a stray message to show up
    assert sorted(m.data["title"] for m in alice_stream.of("message")) == [
        f"for h1 #{n}" for n in range(4)
    ]
    assert sorted(m.data["title"] for m in bob_stream.of("message")) == [
        f"for h2 #{n}" for n in range(4)
    ]
    # bob's household has two members: each has their own copy
    family_inbox = await harness.client.get(
        "/api/v1/inbox", headers=harness.bearer(bobs_family, Grant("family", "household", h2))
    )
    assert family_inbox.json()["total"] == 4
    # alice's inbox has only her household's; bob cannot read or mark hers
    inbox = (await harness.client.get("/api/v1/inbox", headers=alice_h)).json()
    assert inbox["total"] == 4
    assert all(m["title"].startswith("for h1") for m in inbox["items"])
    first = inbox["items"][0]["id"]
    r = await harness.client.post(f"/api/v1/inbox/{first}/read", headers=bob_h)
    assert r.status_code == 404


async def test_inbox_unread_first_read_all_and_resume(harness: Harness, user: str) -> None:
    me = harness.bearer(user, Grant("resident", "household", f"{user}-home"))
    await harness.grant(user, "resident", "household", f"{user}-home", "c-x")
    async with Stream(harness.base_url, me) as stream:
        for n in range(3):
            request = to_household(f"{user}-m{n}", f"{user}-home", f"m{n}")
            await harness.publish(
                harness.settings.topic("notification.requests.v1"),
                "community.notification.requested.v1",
                request,
                key=user,
            )
        messages = await stream.wait("message", 3)
    assert [m.data["title"] for m in messages] == ["m0", "m1", "m2"]

    # resume after the first: the other two come again, then the stream goes on
    resume = dict(me, **{"Last-Event-ID": messages[0].id or ""})
    async with Stream(harness.base_url, resume) as again:
        replayed = await again.wait("message", 2)
    assert [m.data["title"] for m in replayed] == ["m1", "m2"]

    first_id = messages[0].data["id"]
    r = await harness.client.post(f"/api/v1/inbox/{first_id}/read", headers=me)
    assert r.status_code == 200 and r.json()["read_at"] is not None
    inbox = (await harness.client.get("/api/v1/inbox", headers=me)).json()
    assert [m["title"] for m in inbox["items"]] == ["m2", "m1", "m0"]  # unread first
    assert (await harness.client.get("/api/v1/inbox/unread-count", headers=me)).json() == {
        "unread": 2
    }
    r = await harness.client.post("/api/v1/inbox/read-all", headers=me)
    assert r.json() == {"marked": 2}
    unread = await harness.client.get("/api/v1/inbox", params={"unread_only": True}, headers=me)
    assert unread.json()["total"] == 0
    # each message read once: one read event per message, none for reading it again
    r = await harness.client.post(f"/api/v1/inbox/{first_id}/read", headers=me)
    assert r.status_code == 200
    reads = await read_events(harness, {f"{user}-m{n}" for n in range(3)})
    assert sorted(e["request_id"] for e in reads) == [f"{user}-m{n}" for n in range(3)]
    assert {(e["recipient_id"], e["template"]) for e in reads} == {(user, "generic.message")}
    r = await harness.client.post("/api/v1/inbox/99999999999/read", headers=me)
    assert r.status_code == 404
    r = await harness.client.post("/api/v1/inbox/99999999999999999999999/read", headers=me)
    assert r.status_code == 422


async def test_one_persons_messages_arrive_in_the_order_they_were_asked_for(
    harness: Harness, user: str
) -> None:
    """Twenty messages to one home in a row: the stream brings them, and the inbox lists
    them, in the order they were asked for. The dispatcher sent a claimed batch side by
    side, so a message could land in the inbox before the one asked for just before it
    (CI saw m0, m2, m1 in the test above)."""
    me = harness.bearer(user, Grant("resident", "household", f"{user}-home"))
    await harness.grant(user, "resident", "household", f"{user}-home", "c-x")
    titles = [f"n{n:02d}" for n in range(20)]
    async with Stream(harness.base_url, me) as stream:
        for title in titles:
            await harness.publish(
                harness.settings.topic("notification.requests.v1"),
                "community.notification.requested.v1",
                to_household(f"{user}-{title}", f"{user}-home", title),
                key=user,
            )
        messages = await stream.wait("message", len(titles))
    assert [m.data["title"] for m in messages] == titles
    inbox = await harness.client.get("/api/v1/inbox", params={"limit": 50}, headers=me)
    assert [m["title"] for m in inbox.json()["items"]] == titles[::-1]  # the newest first


async def read_events(harness: Harness, request_ids: set[str]) -> list[dict[str, Any]]:
    """The read events the service committed to its outbox for these requests."""
    rows = await harness.sql(
        "SELECT headers, payload FROM event_outbox WHERE topic = :t ORDER BY seq",
        t=harness.settings.topic("notification.deliveries.v1"),
    )
    out = []
    for headers, payload in rows:
        pairs = headers.items() if isinstance(headers, dict) else headers
        ce_type = next((v for k, v in pairs if k == "ce_type"), None)
        data = json.loads(payload)
        if ce_type == "community.notification.opened.v1" and data["request_id"] in request_ids:
            out.append(data)
    return out


async def test_heartbeats_keep_an_idle_stream_open(harness: Harness, user: str) -> None:
    me = harness.bearer(user, Grant("resident", "household", "h-idle"))
    async with Stream(harness.base_url, me) as stream:
        await wait_for(lambda: _comments(stream, 2), what="two heartbeats")


async def _comments(stream: Stream, count: int) -> bool:
    return stream.comments >= count


async def test_stream_ends_when_the_token_expires(harness: Harness, user: str) -> None:
    token = harness.issuer.issue(user, [], [Grant("resident", "household", "h-exp")], ttl=2)
    async with Stream(harness.base_url, {"Authorization": f"Bearer {token}"}) as stream:
        [expired] = await stream.wait("expired", 1, timeout=30)
    assert expired.data == {"reason": "token_expired"}
    assert expired.id == stream.of("ready")[0].id  # resume from here with a new token


async def test_a_stream_ends_when_its_token_is_revoked(harness: Harness, user: str) -> None:
    """Issue 30.7 (ADR 0028): an open stream ran until its token's expiry after a logout or
    a revoked grant. identity's revocation, followed from its topic, now ends the streams
    of that sign-in (bearer or ticket) at once, and only those."""
    topic = harness.settings.topic("identity.events.v1")
    home = Grant("resident", "household", "h-rev")

    def signed_in(sid: str) -> dict[str, str]:
        token = harness.issuer.issue(user, [], [home], extra_claims={"sid": sid})
        return {"Authorization": f"Bearer {token}"}

    async def ticket(headers: dict[str, str]) -> dict[str, str]:
        issued = await harness.client.post("/api/v1/stream/tickets", headers=headers)
        assert issued.status_code == 201, issued.text
        return {"ticket": issued.json()["ticket"]}

    phone, web, tablet = signed_in("s-phone"), signed_in("s-web"), signed_in("s-tablet")
    async with (
        Stream(harness.base_url, phone) as on_phone,
        Stream(harness.base_url, {}, await ticket(web)) as on_web,
    ):
        later = await ticket(tablet)  # redeemed after its account lost the grant
        now = datetime.now(UTC)
        logout = AccessRevokedV1(
            aggregate_id=user,
            account_id=user,
            session_id="s-phone",
            reason="logout",
            revoked_at=now,
            until=now + timedelta(minutes=16),
        )
        await harness.publish(topic, AccessRevokedV1.event_type, logout, user)
        [ended] = await on_phone.wait("expired", 1, timeout=BOUND)
        assert ended.data == {"reason": "token_revoked"}
        await wait_for(lambda: on_phone.closed, timeout=BOUND, what="the phone's stream closed")
        # the web sign-in's stream goes on (its heartbeats keep coming)
        beats = on_web.comments
        await wait_for(lambda: on_web.comments >= beats + 2, timeout=BOUND, what="heartbeats")
        assert on_web.of("expired") == [] and not on_web.closed

        revoked = GrantChangedV1(
            aggregate_id=user,
            account_id=user,
            grant_id=str(uuid.uuid4()),
            change=GrantChange.REVOKED,
            role="resident",
            scope_type="household",
            scope_id="h-rev",
            community_id="c-rev",
            changed_by="tests",
            changed_at=datetime.now(UTC),
        )
        await harness.publish(topic, GrantChangedV1.event_type, revoked, user)
        [ended] = await on_web.wait("expired", 1, timeout=BOUND)
        assert ended.data == {"reason": "token_revoked"}
        await wait_for(lambda: on_web.closed, timeout=BOUND, what="the web stream closed")
    refused = await harness.client.get(
        "/api/v1/stream", params=later, headers={"Accept": "text/event-stream"}
    )
    assert refused.status_code == 401
    assert refused.json()["code"] == "auth.token_revoked"


async def test_a_role_in_a_place_reaches_every_holder_inside_it(
    harness: Harness, community: str, user: str
) -> None:
    """An emergency warning to "resident @ community" reaches the residents, whose grants
    are on their households; "resident @ building" only those of that building."""
    h1, h2 = f"{community}-h1", f"{community}-h2"
    b1, b2 = f"{community}-b1", f"{community}-b2"
    alice, bob = f"{user}-alice", f"{user}-bob"
    for household, building in ((h1, b1), (h2, b2)):
        await harness.place(household, community, building)
    await harness.grant(alice, "resident", "household", h1, community)
    await harness.grant(bob, "resident", "household", h2, community)

    async def warn(request_id: str, scope_type: str, scope_id: str) -> list[str]:
        request = NotificationRequestedV1(
            request_id=request_id,
            recipients=Recipients(
                roles_in_scope=[
                    RoleInScope(role="resident", scope_type=scope_type, scope_id=scope_id)
                ]
            ),
            template="emergency.warning",
            variables={"title": "暴雨预警", "message": "请关好门窗"},
            severity="urgent",
            channels=["inapp"],
            source_service="alarm",
            community_id=community,
        )
        await harness.publish(
            harness.settings.topic("notification.requests.v1"),
            "community.notification.requested.v1",
            request,
            key=request_id,
        )

        async def accepted() -> list[Any]:
            return await harness.sql(
                "SELECT recipient_count FROM notification_request WHERE request_id = :r",
                r=request_id,
            )

        await wait_for(accepted, what=f"request {request_id}")
        return sorted(d.recipient_id for d in await harness.deliveries(request_id))

    assert await warn(f"{user}-all", "community", community) == [alice, bob]
    assert await warn(f"{user}-b1", "building", b1) == [alice]

    # the community's admin addresses a building's residents through the API
    admin = harness.bearer(f"{user}-admin", Grant("community_admin", "community", community))
    r = await harness.client.post(
        "/api/v1/notifications",
        json={
            "recipients": {
                "roles_in_scope": [{"role": "resident", "scope_type": "building", "scope_id": b2}]
            },
            "template": "generic.message",
            "variables": {"title": "明日停水 Water off tomorrow", "body": "9:00-12:00"},
            "channels": ["inapp"],
            "community_id": community,
        },
        headers=admin,
    )
    assert r.status_code == 202, r.text
    assert r.json()["recipient_count"] == 1
    assert [d["recipient_id"] for d in r.json()["deliveries"]] == [bob]
