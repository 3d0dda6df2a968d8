"""Must show: a critical alarm reaches the on-duty staff member's SSE stream and inbox, and
an SMS is recorded by the sink; the same request delivered twice sends once; the staff
stream carries the alarm feed of their scope."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime

from notif_helpers import Harness, Stream, wait_for
from sc_contracts.events import AlarmRaisedV1, NotificationRequestedV1, Recipients
from sc_core.auth import Grant
from sc_core.bus import CloudEvent


def alarm_request(alarm_id: str, community: str, staff: str) -> NotificationRequestedV1:
    return NotificationRequestedV1(
        request_id=f"alarm:{alarm_id}:raised",
        recipients=Recipients(user_ids=[staff]),
        template="alarm.raised",
        variables={
            "alarm_type": "smoke",
            "severity": "critical",
            "title": "Smoke in 3-2-1201",
            "place": "3-2-1201",
        },
        severity="critical",
        channels=["inapp", "sms"],
        locale="en",
        source_service="alarm",
        community_id=community,
        correlation_id=alarm_id,
    )


def raised(alarm_id: str, community: str, building: str | None) -> AlarmRaisedV1:
    now = datetime.now(UTC)
    return AlarmRaisedV1(
        alarm_id=alarm_id,
        alarm_type="smoke",
        severity="critical",
        status="active_unack",
        originator_type="device",
        originator_id="d-1",
        community_id=community,
        building_id=building,
        count=1,
        first_at=now,
        last_at=now,
        title="Smoke in 3-2-1201",
    )


async def test_critical_alarm_reaches_stream_inbox_and_sms(
    harness: Harness, community: str, user: str
) -> None:
    staff = user
    headers = harness.bearer(staff, Grant("property_staff", "community", community))
    r = await harness.client.put(
        "/api/v1/notification-preferences/me",
        json={"phone": "13800001234", "quiet_start": "00:00", "quiet_end": "23:59"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["phone"] == "13800001234"  # my own number, shown to me

    async with Stream(harness.base_url, headers) as stream:
        assert stream.content_type is not None
        assert stream.content_type.startswith("text/event-stream")
        alarm_id = f"a-{staff}"
        request = alarm_request(alarm_id, community, staff)
        started = time.perf_counter()
        await harness.publish(
            harness.settings.topic("notification.requests.v1"),
            "community.notification.requested.v1",
            request,
            key=request.request_id,
        )
        [message] = await stream.wait("message")
        to_stream = time.perf_counter() - started

        async def sms_recorded() -> list[dict[str, object]]:
            r = await harness.client.get(
                "/api/v1/dev/sink",
                params={"recipient_id": staff, "channel": "sms"},
                headers=harness.platform_admin(),
            )
            assert r.status_code == 200, r.text
            items: list[dict[str, object]] = r.json()["items"]
            return items

        [sms] = await wait_for(sms_recorded, what="the SMS in the sink")
        to_sms = time.perf_counter() - started
        print(
            f"\ncritical alarm -> SSE {to_stream * 1000:.0f} ms, -> SMS sink {to_sms * 1000:.0f} ms"
        )

    assert message.data["title"] == "[critical alarm] Smoke in 3-2-1201"
    assert message.data["severity"] == "critical"
    assert message.id is not None and message.id.startswith(str(message.data["id"]) + "-")
    assert sms["address"] == "138****1234"  # masked, even for the platform admin
    assert "3-2-1201" in str(sms["body"])

    # the inbox holds it, unread
    inbox = (await harness.client.get("/api/v1/inbox", headers=headers)).json()
    assert [m["title"] for m in inbox["items"]] == ["[critical alarm] Smoke in 3-2-1201"]
    count = (await harness.client.get("/api/v1/inbox/unread-count", headers=headers)).json()
    assert count == {"unread": 1}

    # the same request again (a redelivery with a new event id) sends nothing more
    await harness.publish(
        harness.settings.topic("notification.requests.v1"),
        "community.notification.requested.v1",
        request,
        key=request.request_id,
    )
    marker = alarm_request(f"b-{staff}", community, staff)  # processed after the duplicate
    await harness.publish(
        harness.settings.topic("notification.requests.v1"),
        "community.notification.requested.v1",
        marker,
        key=request.request_id,
    )

    async def marker_done() -> bool:
        rows = await harness.deliveries(marker.request_id)
        return len(rows) == 2 and all(row.status == "sent" for row in rows)

    await wait_for(marker_done, what="the later request")
    rows = await harness.deliveries(request.request_id)
    assert sorted((row.channel, row.status, row.attempts) for row in rows) == [
        ("inapp", "sent", 1),
        ("sms", "sent", 1),
    ]
    sink = await harness.sql(
        "SELECT count(*) FROM dev_sink WHERE delivery_id = ANY(:ids)", ids=[r.id for r in rows]
    )
    assert sink[0][0] == 1

    # what was sent to whom is audited (through the outbox, to the audit topic)
    audited = await harness.sql(
        "SELECT count(*) FROM event_outbox WHERE topic = :t AND convert_from(payload, 'UTF8') "
        "LIKE :p",
        t=harness.settings.audit_topic,
        p=f'%"action":"notification.sent"%{request.request_id}%',
    )
    assert audited[0][0] == 2
    delivered = await harness.sql(
        "SELECT count(*) FROM event_outbox WHERE topic = :t AND key = :k",
        t=harness.settings.topic("notification.deliveries.v1"),
        k=request.request_id,
    )
    assert delivered[0][0] == 2


async def test_staff_stream_carries_the_alarm_feed_of_their_scope(
    harness: Harness, community: str, user: str
) -> None:
    mine = harness.bearer(user, Grant("property_staff", "community", community))
    building_staff = harness.bearer(
        user + "-b", Grant("property_manager", "building", f"{community}-b1")
    )
    resident = harness.bearer(user + "-r", Grant("resident", "household", f"{community}-h1"))
    async with (
        Stream(harness.base_url, mine) as staff_stream,
        Stream(harness.base_url, building_staff) as building_stream,
        Stream(harness.base_url, resident) as resident_stream,
    ):
        for alarm_id, where, building in (
            (f"x-{user}", "elsewhere", None),
            (f"y-{user}", community, f"{community}-b2"),
            (f"z-{user}", community, f"{community}-b1"),
        ):
            event = CloudEvent.create(
                "community.alarm.raised.v1", "/tests", raised(alarm_id, where, building)
            )
            await harness.publish_event(
                harness.settings.topic("alarm.events.v1"), event, key=alarm_id
            )
        alarms = await staff_stream.wait("alarm", 2)
        [in_building] = await building_stream.wait("alarm", 1)
        await wait_for(lambda: _after(0.5), what="stragglers")
    assert sorted(a.data["alarm_id"] for a in alarms) == [f"y-{user}", f"z-{user}"]
    assert len(staff_stream.of("alarm")) == 2  # never the other community's
    assert in_building.data["alarm_id"] == f"z-{user}"
    assert len(building_stream.of("alarm")) == 1
    assert resident_stream.of("alarm") == []  # residents get no alarm feed
    ready = resident_stream.of("ready")[0]
    assert ready.data["alarm_feed"] is False
    # the same scope over the history
    feed = await harness.client.get("/api/v1/alarm-feed", headers=building_staff)
    assert [x["alarm_id"] for x in feed.json()["items"]] == [f"z-{user}"]
    feed = await harness.client.get("/api/v1/alarm-feed", headers=resident)
    assert feed.status_code == 403


async def _after(seconds: float) -> bool:
    import asyncio

    await asyncio.sleep(seconds)
    return True


async def test_stream_needs_a_token_and_an_event_stream_client(harness: Harness) -> None:
    r = await harness.client.get("/api/v1/stream", headers={"Accept": "text/event-stream"})
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await harness.client.get("/api/v1/stream", headers=harness.bearer("u-x"))
    assert r.status_code == 406
    assert r.json()["code"] == "stream.accept_event_stream"
    assert r.json()["detail"].startswith("这是服务器推送事件流")  # zh-CN first (issue 18)


async def test_event_source_opens_the_stream_with_a_single_use_ticket(
    harness: Harness, community: str, user: str
) -> None:
    """What a browser's EventSource does: no header, a ticket in the URL, once."""
    staff = harness.bearer(user, Grant("property_staff", "community", community))
    issued = await harness.client.post("/api/v1/stream/tickets", headers=staff)
    assert issued.status_code == 201, issued.text
    ticket = issued.json()
    assert ticket["url"] == f"/api/v1/stream?ticket={ticket['ticket']}"
    assert staff["Authorization"].split()[1] not in ticket["url"]  # never the token itself
    async with Stream(harness.base_url, {}, {"ticket": ticket["ticket"]}) as stream:
        event = CloudEvent.create(
            "community.alarm.raised.v1", "/tests", raised(f"t-{user}", community, None)
        )
        await harness.publish_event(
            harness.settings.topic("alarm.events.v1"), event, key=f"t-{user}"
        )
        [alarm] = await stream.wait("alarm", 1)  # the ticket carried the staff member's scope
    assert alarm.data["alarm_id"] == f"t-{user}"
    sse = {"Accept": "text/event-stream"}
    again = await harness.client.get(
        "/api/v1/stream", params={"ticket": ticket["ticket"]}, headers=sse
    )
    assert again.status_code == 401  # single use
    assert again.json()["code"] == "stream.ticket_invalid"
    token = staff["Authorization"].split()[1]
    in_url = await harness.client.get("/api/v1/stream", params={"access_token": token}, headers=sse)
    assert in_url.status_code == 401
    anonymous = await harness.client.post("/api/v1/stream/tickets")
    assert anonymous.status_code == 401


async def test_one_user_holds_a_few_ticket_streams_at_once(
    harness: Harness, community: str, user: str
) -> None:
    """Issue 30: the gateway caps the streams one caller opens with a token, but a stream
    opened with a single-use ticket carries no token there; this service redeems the
    ticket and counts it against its user like any other stream."""
    resident = harness.bearer(user, Grant("resident", "household", f"hh-{user}"))
    cap = harness.settings.max_streams_per_caller
    slots = harness.usecases.stream_slots
    sse = {"Accept": "text/event-stream"}

    async def ticket(headers: dict[str, str]) -> dict[str, str]:
        issued = await harness.client.post("/api/v1/stream/tickets", headers=headers)
        assert issued.status_code == 201, issued.text
        return {"ticket": issued.json()["ticket"]}

    async with contextlib.AsyncExitStack() as held:
        streams = [
            await held.enter_async_context(Stream(harness.base_url, {}, await ticket(resident)))
            for _ in range(cap)
        ]
        assert slots.open[f"user:{user}"] == cap
        for language, text in (
            ("zh-CN", f"同时打开的实时推送连接最多 {cap} 个，请先关闭其他连接"),
            ("en", f"At most {cap} event streams may be open at once; close one first"),
        ):
            refused = await harness.client.get(
                "/api/v1/stream",
                params=await ticket(resident),
                headers={**sse, "Accept-Language": language},
            )
            assert refused.status_code == 429, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert (refused.json()["code"], refused.json()["detail"]) == (
                "stream.too_many_streams",
                text,
            )
        # a token stream of the same user counts too; another user has their own
        over = await harness.client.get("/api/v1/stream", headers={**resident, **sse})
        assert over.status_code == 429
        other = harness.bearer(f"{user}-neighbour", Grant("resident", "household", "hh-x"))
        async with Stream(harness.base_url, {}, await ticket(other)):
            pass
        # a stream that ends frees its slot
        await streams[0].__aexit__(None, None, None)
        await wait_for(lambda: slots.open.get(f"user:{user}") == cap - 1, timeout=120)
        async with Stream(harness.base_url, {}, await ticket(resident)) as again:
            assert again.events[0].event == "ready"
    await wait_for(lambda: f"user:{user}" not in slots.open, timeout=120)


async def test_grid_worker_sees_alarms_of_the_buildings_in_their_grid(
    harness: Harness, community: str, user: str
) -> None:
    from sc_contracts.events import HouseholdChangedV1, Placement

    building, grid = f"{community}-b7", f"{community}-g1"
    placement = Placement(
        community_id=community, building_id=building, unit_id="u1", room_id="r1", grid_id=grid
    )
    household = HouseholdChangedV1(
        aggregate_id=f"{community}-h7",
        household_id=f"{community}-h7",
        change="created",
        placement=placement,
        member_count=1,
        status="active",
        changed_by="tests",
        changed_at=datetime.now(UTC),
    )
    await harness.publish(
        harness.settings.topic("identity.events.v1"),
        "community.household.changed.v1",
        household,
        key=household.aggregate_id,
    )

    async def placed() -> bool:
        rows = await harness.sql(
            "SELECT grid_id FROM building_grids WHERE building_id = :b", b=building
        )
        return bool(rows) and rows[0].grid_id == grid

    await wait_for(placed, what="building -> grid")
    worker = harness.bearer(user, Grant("grid_worker", "grid", grid))
    async with Stream(harness.base_url, worker) as stream:
        for alarm_id, where in ((f"g-out-{user}", f"{community}-b8"), (f"g-in-{user}", building)):
            event = CloudEvent.create(
                "community.alarm.raised.v1", "/tests", raised(alarm_id, community, where)
            )
            await harness.publish_event(
                harness.settings.topic("alarm.events.v1"), event, key=alarm_id
            )
        [alarm] = await stream.wait("alarm", 1)
        await _after(0.5)
    assert alarm.data["alarm_id"] == f"g-in-{user}"
    assert len(stream.of("alarm")) == 1
