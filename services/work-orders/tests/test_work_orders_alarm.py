"""Alarm dispatch: an alarm whose rule asks for open_work_order opens exactly one case,
even when its event is delivered twice; clearing the alarm shows on the case."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sc_contracts.events.alarm import AlarmClearedV1, AlarmRaisedV1
from sc_core.bus.cloudevents import CloudEvent
from wo_helpers import Harness, eventually, read_events, send_event


def alarm_state(community: str, alarm_id: str, **extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "alarm_id": alarm_id,
        "alarm_type": "smoke",
        "severity": "critical",
        "status": "active_unack",
        "originator_type": "device",
        "originator_id": "smoke-7",
        "community_id": community,
        "building_id": "b-3",
        "count": 1,
        "first_at": now,
        "last_at": now,
        "title": "Smoke in 3-2-1201",
        "actions": ["open_work_order", "notify"],
        "work_order_type": "alarm_dispatch",
        **extra,
    }


async def test_alarm_opens_one_case_even_when_delivered_twice_and_clear_is_reflected(
    harness: Harness, community: str
) -> None:
    h = harness
    bootstrap, topic = h.settings.kafka_bootstrap_servers, h.alarm_topic
    alarm_id = f"al-{uuid.uuid4().hex[:10]}"
    raised = CloudEvent.create(
        "community.alarm.raised.v1",
        "/services/alarm",
        AlarmRaisedV1.model_validate(alarm_state(community, alarm_id)),
        subject=alarm_id,
    )
    # the same event delivered twice, then a second raised event for the same alarm
    await send_event(bootstrap, topic, raised, alarm_id)
    await send_event(bootstrap, topic, raised, alarm_id)
    again = CloudEvent.create(
        "community.alarm.raised.v1",
        "/services/alarm",
        AlarmRaisedV1.model_validate(alarm_state(community, alarm_id, severity="major")),
        subject=alarm_id,
    )
    await send_event(bootstrap, topic, again, alarm_id)
    # an alarm whose rule does not ask for a case opens nothing
    quiet_id = f"al-{uuid.uuid4().hex[:10]}"
    quiet = CloudEvent.create(
        "community.alarm.raised.v1",
        "/services/alarm",
        AlarmRaisedV1.model_validate(alarm_state(community, quiet_id, actions=["notify"])),
        subject=quiet_id,
    )
    await send_event(bootstrap, topic, quiet, quiet_id)

    staff = h.staff(community, role="property_manager")

    async def cases() -> list[dict[str, object]]:
        r = await h.client.get(
            "/api/v1/work-orders", params={"type": "alarm_dispatch"}, headers=staff
        )
        items: list[dict[str, object]] = r.json()["items"]
        return items

    found = await eventually(cases)
    assert len(found) == 1
    case = found[0]
    assert case["alarm_id"] == alarm_id and case["priority"] == "urgent"
    assert case["source"] == "alarm" and case["title"] == "Smoke in 3-2-1201"

    cleared_at = datetime.now(UTC)
    cleared = CloudEvent.create(
        "community.alarm.cleared.v1",
        "/services/alarm",
        AlarmClearedV1.model_validate(
            alarm_state(
                community,
                alarm_id,
                status="cleared_unack",
                cleared_at=cleared_at,
                actor_id="guard-1",
            )
        ),
        subject=alarm_id,
    )
    await send_event(bootstrap, topic, cleared, alarm_id)
    await send_event(bootstrap, topic, cleared, alarm_id)  # redelivered too

    async def cleared_case() -> dict[str, object] | None:
        _, body = await h.get(str(case["id"]), staff)
        return body if body.get("alarm_cleared_at") else None

    body = await eventually(cleared_case)
    assert body is not None
    assert [e["action"] for e in body["timeline"]].count("alarm_cleared") == 1
    # every event of the same key was processed by now: still exactly one case
    assert len(await cases()) == 1

    # the case was announced with its alarm, so the alarm service can clear it when handled
    events = await read_events(
        bootstrap,
        h.workorder_topic,
        lambda found: any(e.data["action"] == "alarm_cleared" for e in found),
        key=str(case["id"]),
    )
    created = [e.data for e in events if e.data["action"] == "created"]
    assert len(created) == 1 and created[0]["alarm_id"] == alarm_id

    # handling the case ends in resolved with the alarm id: what alarm consumes
    for action in ("accept", "resolve"):
        await h.step(str(case["id"]), action, staff)
    events = await read_events(
        bootstrap,
        h.workorder_topic,
        lambda found: any(e.data["status"] == "resolved" for e in found),
        key=str(case["id"]),
    )
    resolved = [e.data for e in events if e.data["status"] == "resolved"]
    assert resolved[0]["alarm_id"] == alarm_id
