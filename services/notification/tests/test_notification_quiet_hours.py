"""Must show: quiet hours hold back a minor notice but not a critical one; the held one
goes out when the quiet hours end. Also opt-outs and the per-recipient rate limit."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from notif_helpers import Harness, wait_for
from sc_contracts.events import DeviceCommandCompletedV1, NotificationRequestedV1, Recipients
from sc_contracts.events.command_result import CommandOutcome
from sc_core.auth import Grant
from sc_core.bus.testing import feed_longest


@pytest.fixture(scope="module")
def harness_overrides() -> dict[str, object]:
    return {"rate_limit_per_window": 3}


def notice(
    request_id: str, user: str, severity: str, channels: list[str]
) -> NotificationRequestedV1:
    return NotificationRequestedV1(
        request_id=request_id,
        recipients=Recipients(user_ids=[user]),
        template="generic.message",
        variables={"title": "Water off tomorrow", "body": "9:00-12:00 in building 3"},
        severity=severity,
        channels=channels,
        source_service="gov-affairs",
    )


async def send(harness: Harness, request: NotificationRequestedV1) -> list[Any]:
    await harness.publish(
        harness.settings.topic("notification.requests.v1"),
        "community.notification.requested.v1",
        request,
        key=request.request_id,
    )

    async def settled() -> list[Any]:
        rows = await harness.deliveries(request.request_id)
        done = rows and all(r.status != "pending" for r in rows)
        return list(rows) if done else []

    return await wait_for(settled, what=f"deliveries of {request.request_id}")


def quiet_now() -> dict[str, str]:
    """Quiet hours around the present moment, in the default time zone."""
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    return {
        "quiet_start": (now - timedelta(hours=1)).strftime("%H:%M"),
        "quiet_end": (now + timedelta(hours=1)).strftime("%H:%M"),
    }


async def test_quiet_hours_hold_minor_but_not_critical(harness: Harness, user: str) -> None:
    headers = harness.bearer(user, Grant("resident", "household", "h-quiet"))
    r = await harness.client.put(
        "/api/v1/notification-preferences/me",
        json={"phone": "13800005678", **quiet_now()},
        headers=headers,
    )
    assert r.status_code == 200, r.text

    minor = await send(harness, notice(f"minor-{user}", user, "info", ["inapp", "sms"]))
    critical = await send(harness, notice(f"crit-{user}", user, "critical", ["inapp", "sms"]))
    assert {(d.channel, d.status) for d in minor} == {("inapp", "sent"), ("sms", "held")}
    assert {(d.channel, d.status) for d in critical} == {("inapp", "sent"), ("sms", "sent")}
    sink = await harness.sql("SELECT delivery_id FROM dev_sink WHERE recipient_id = :u", u=user)
    assert [row.delivery_id for row in sink] == [d.id for d in critical if d.channel == "sms"]

    # the admin view shows the held delivery as held
    r = await harness.client.get(
        f"/api/v1/notifications/minor-{user}", headers=harness.platform_admin()
    )
    assert r.status_code == 200, r.text
    assert r.json()["summary"] == {"held": 1, "sent": 1}

    # the quiet hours end (moved into the past): the periodic job releases it
    await harness.sql(
        "UPDATE delivery SET next_attempt_at = now() - interval '1 second' "
        "WHERE request_id = :r AND status = 'held'",
        r=f"minor-{user}",
    )

    async def released() -> bool:
        rows = await harness.deliveries(f"minor-{user}")
        return all(row.status == "sent" for row in rows)

    await wait_for(released, what="the held SMS to go out")
    sink = await harness.sql("SELECT count(*) FROM dev_sink WHERE recipient_id = :u", u=user)
    assert sink[0][0] == 2


async def test_opt_out_and_rate_limit_suppress_non_critical(harness: Harness, user: str) -> None:
    headers = harness.bearer(user, Grant("resident", "household", "h-limits"))
    r = await harness.client.put(
        "/api/v1/notification-preferences/me",
        json={"phone": "13800009999", "opt_out": ["voice"]},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    opted = await send(harness, notice(f"voice-{user}", user, "warning", ["voice"]))
    assert [(d.status, d.last_error) for d in opted] == [("suppressed", "preference.opt_out")]
    urgent = await send(harness, notice(f"voice-crit-{user}", user, "critical", ["voice"]))
    assert [d.status for d in urgent] == ["sent"]

    statuses = []
    for n in range(5):
        rows = await send(harness, notice(f"sms-{n}-{user}", user, "info", ["sms"]))
        statuses.append(rows[0].status)
    assert statuses == ["sent", "sent", "sent", "suppressed", "suppressed"]
    critical = await send(harness, notice(f"sms-crit-{user}", user, "critical", ["sms"]))
    assert [d.status for d in critical] == ["sent"]


async def test_no_phone_fails_at_once(harness: Harness, user: str) -> None:
    rows = await send(harness, notice(f"nophone-{user}", user, "info", ["sms"]))
    assert [(d.status, d.last_error, d.attempts) for d in rows] == [
        ("failed", "contact.no_phone", 1)
    ]


async def test_warning_to_speakers_and_screens_is_a_device_command(
    harness: Harness, community: str
) -> None:
    admin = harness.bearer("admin", Grant("community_admin", "community", community))
    for device_id, device_type in (
        (f"{community}-spk", "voice_speaker"),
        (f"{community}-scr", "e_screen"),
    ):
        r = await harness.client.post(
            "/api/v1/broadcast-endpoints",
            json={
                "device_id": device_id,
                "device_type": device_type,
                "name": device_type,
                "community_id": community,
            },
            headers=admin,
        )
        assert r.status_code == 201, r.text
    r = await harness.client.post(
        "/api/v1/broadcast-endpoints",
        json={"device_id": "d-x", "device_type": "e_screen", "name": "x", "community_id": "other"},
        headers=admin,
    )
    assert r.status_code == 403
    r = await harness.client.post(
        "/api/v1/notifications",
        json={
            "recipients": {
                "roles_in_scope": [
                    {"role": "resident", "scope_type": "community", "scope_id": community}
                ]
            },
            "template": "emergency.warning",
            "variables": {"title": "Flood", "message": "Move cars out of the garage"},
            "severity": "critical",
            "channels": ["speaker", "screen"],
            "community_id": community,
            "locale": "en",
        },
        headers=admin,
    )
    assert r.status_code == 202, r.text
    request_id = r.json()["request_id"]

    async def commanded() -> list[object]:
        rows = await harness.sql(
            "SELECT key, convert_from(payload, 'UTF8') AS body FROM event_outbox "
            "WHERE topic = :t ORDER BY key",
            t=harness.settings.topic("device.commands.v1"),
        )
        mine = [row for row in rows if request_id in row.body]
        return mine if len(mine) == 2 else []

    rows = await wait_for(commanded, what="the device commands")
    assert [row.key for row in rows] == [f"{community}-scr", f"{community}-spk"]
    assert '"command":"screen_text"' in rows[0].body
    assert '"command":"voice_warning"' in rows[1].body
    assert "Move cars out of the garage" in rows[1].body

    # the devices answer: the screen showed it, the speaker never answered in time
    commands = {row.key: json.loads(row.body) for row in rows}
    for device_id, outcome, error in (
        (f"{community}-scr", CommandOutcome.SUCCEEDED, None),
        (f"{community}-spk", CommandOutcome.EXPIRED, "no answer in time"),
        (f"{community}-spk", CommandOutcome.SUCCEEDED, None),  # too late: changes nothing
    ):
        await harness.publish(
            harness.settings.topic("device.command-results.v1"),
            "community.device.command_completed.v1",
            DeviceCommandCompletedV1(
                command_id=str(uuid.uuid4()),
                request_command_id=commands[device_id]["command_id"],
                device_id=device_id,
                community_id=community,
                command=commands[device_id]["command"],
                outcome=outcome,
                error=error,
                requested_by="notification",
                completed_at=datetime.now(UTC),
            ),
            key=device_id,
        )

    async def answered() -> dict[str, Any] | None:
        got = await harness.client.get(f"/api/v1/notifications/{request_id}", headers=admin)
        detail: dict[str, Any] = got.json()
        return detail if detail["summary"] == {"delivered": 1, "expired": 1} else None

    # the sender sees which device failed, and why, in words a code can stand for
    detail = await wait_for(answered, what="the devices' answers on the deliveries")
    by_channel = {d["channel"]: d for d in detail["deliveries"]}
    assert by_channel["screen"]["status"] == "delivered"
    assert by_channel["screen"]["last_error"] is None
    assert by_channel["speaker"]["status"] == "expired"
    assert by_channel["speaker"]["last_error"] == "device.expired"
    assert by_channel["speaker"]["last_error_message"] == {
        "zh-CN": "设备未在规定时间内应答",
        "en": "The device did not answer in time",
    }

    async def failure_published() -> list[Any]:
        rows = await harness.sql(
            "SELECT convert_from(payload, 'UTF8') AS body FROM event_outbox "
            "WHERE topic = :t AND key = :k",
            t=harness.settings.topic("notification.deliveries.v1"),
            k=request_id,
        )
        found = [json.loads(r.body) for r in rows]
        return [f for f in found if f["channel"] == "speaker" and f["status"] == "failed"]

    [failed] = await wait_for(failure_published, what="the speaker's failure as an event")
    assert failed["error"] == "device.expired"


async def test_every_consumer_takes_the_longest_valid_events(harness: Harness) -> None:
    fed = await feed_longest(harness.runtime)
    assert ("command-results", "community.device.command_completed.v1") in fed


async def test_admin_sets_staff_contacts_masked(
    harness: Harness, community: str, user: str
) -> None:
    await harness.grant(user, "grid_worker", "community", community, community)
    admin = harness.bearer("adm", Grant("property_manager", "community", community))
    r = await harness.client.put(
        f"/api/v1/notification-preferences/{user}",
        json={"phone": "13912345678", "locale": "en"},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["phone"] == "13912345678"  # property managers see mobiles (PERSONAL)
    r = await harness.client.get(
        f"/api/v1/notification-preferences/{user}", headers=harness.platform_admin()
    )
    assert r.json()["phone"] == "139****5678"  # a platform admin does not
    stored = await harness.sql("SELECT phone FROM preference WHERE user_id = :u", u=user)
    assert "13912345678" not in stored[0].phone  # encrypted at rest
    mine = await harness.client.get(
        "/api/v1/notification-preferences/me",
        headers=harness.bearer(user, Grant("grid_worker", "community", community)),
    )
    assert mine.json()["phone"] == "13912345678" and mine.json()["locale"] == "en"
    other = harness.bearer("adm2", Grant("property_manager", "community", "elsewhere"))
    r = await harness.client.put(
        f"/api/v1/notification-preferences/{user}", json={"locale": "zh-CN"}, headers=other
    )
    assert r.status_code == 403
    r = await harness.client.put(
        "/api/v1/notification-preferences/me",
        json={"quiet_start": "25:00", "opt_out": ["inapp"], "phone": "call me"},
        headers=admin,
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {
        "body.quiet_start",
        "body.opt_out",
        "body.phone",
    }


async def test_long_ids_from_events_are_delivered(harness: Harness) -> None:
    """Ids as long as the contracts allow are stored and delivered, not dead-lettered: a
    request id of its full 200 characters, a user id of the 128 a delivery event holds."""
    long_user = "u-" + "x" * 126
    limit = NotificationRequestedV1.model_fields["request_id"].metadata
    assert any(getattr(m, "max_length", None) == 200 for m in limit)
    request_id = "long-" + "r" * 195
    rows = await send(harness, notice(request_id, long_user, "info", ["inapp"]))
    assert [(r.recipient_id, r.status) for r in rows] == [(long_user, "sent")]
    inbox = await harness.client.get(
        "/api/v1/inbox", headers=harness.bearer(long_user, Grant("resident", "household", "h"))
    )
    assert inbox.json()["items"][0]["request_id"] == request_id


async def test_push_tokens_per_device_and_push_through_the_sink(
    harness: Harness, user: str
) -> None:
    me = harness.bearer(user, Grant("resident", "household", "h-push"))
    for token in ("tok-phone", "tok-tablet", "tok-phone"):
        r = await harness.client.post(
            "/api/v1/notification-preferences/me/push-tokens", json={"token": token}, headers=me
        )
        assert r.status_code == 200, r.text
    assert r.json()["push_tokens"] == 2
    r = await harness.client.post(
        "/api/v1/notification-preferences/me/push-tokens/remove",
        json={"token": "tok-tablet"},
        headers=me,
    )
    assert r.json()["push_tokens"] == 1
    rows = await send(harness, notice(f"push-{user}", user, "info", ["push"]))
    assert [r.status for r in rows] == ["sent"]
    r = await harness.client.get(
        "/api/v1/dev/sink", params={"recipient_id": user}, headers=harness.platform_admin()
    )
    assert [i["channel"] for i in r.json()["items"]] == ["push"]
    stored = await harness.sql("SELECT address FROM dev_sink WHERE recipient_id = :u", u=user)
    assert stored[0].address != "tok-phone"  # encrypted at rest
