"""A fall from the elder's wearable (an alarm of the alarm service) lands on her care
record: told once to the daughter and the doctor her consent names however often the
alarm is seen again, in her falls and FHIR Bundle for them, judged a false alarm when the
alarm is cleared so; other alarms and strangers' devices change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from care_helpers import Harness, eventually, read_events, send_model
from fhir.resources.bundle import Bundle

from sc_contracts.events import (
    AlarmClearedV1,
    AlarmRaisedV1,
    AlarmStatus,
    NotificationRequestedV1,
    Severity,
)


async def _elder(h: Harness, community: str, pid: str) -> None:
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "王秀英", "birth_date": "1948-05-01", "gender": "female",
              "community_id": community, "person_id": pid, "user_id": f"u-{pid}"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    elder = h.user(f"u-{pid}")
    for grantee, relation in ((f"u-daughter-{pid}", "family"), ("u-doc", "doctor")):
        r = await h.client.post(
            f"/api/v1/care/people/{pid}/grants",
            json={"grantee": grantee, "relation": relation, "categories": ["vitals", "profile"],
                  "notify": True},
            headers=elder,
        )  # fmt: skip
        assert r.status_code == 201, r.text
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/devices", json={"device_id": f"wear-{pid}"}, headers=elder
    )
    assert r.status_code == 204, r.text


def _alarm(model, alarm_id, device, community, at, count=1, **extra):  # type: ignore[no-untyped-def]
    return model(
        alarm_id=alarm_id, alarm_type=extra.pop("alarm_type", "fall"), severity=Severity.CRITICAL,
        status=extra.pop("status", AlarmStatus.ACTIVE_UNACK), originator_type="device",
        originator_id=device, community_id=community, count=count, first_at=at,
        last_at=at + timedelta(seconds=count - 1), **extra,
    )  # fmt: skip


async def test_a_fall_on_the_record_told_once(harness: Harness, community: str) -> None:
    h = harness
    pid = f"f-{community}"
    await _elder(h, community, pid)
    bootstrap, topic = h.settings.kafka_bootstrap_servers, h.topic(AlarmRaisedV1.topic)
    at = datetime.now(UTC) - timedelta(minutes=3)
    fall, smoke, other = f"al-fall-{pid}", f"al-smoke-{pid}", f"al-other-{pid}"
    device = f"wear-{pid}"
    await send_model(bootstrap, topic, _alarm(AlarmRaisedV1, fall, device, community, at), fall)
    await send_model(bootstrap, topic, _alarm(AlarmRaisedV1, fall, device, community, at, 2), fall)
    await send_model(
        bootstrap, topic,
        _alarm(AlarmRaisedV1, smoke, device, community, at, alarm_type="smoke"), smoke,
    )  # fmt: skip
    await send_model(
        bootstrap, topic, _alarm(AlarmRaisedV1, other, "wear-nobody", community, at), other
    )

    daughter, doctor = h.user(f"u-daughter-{pid}"), h.doctor(community)
    url = f"/api/v1/care/people/{pid}/falls"

    async def seen_twice() -> bool:
        r = await h.client.get(url, headers=daughter)
        return r.status_code == 200 and [x["count"] for x in r.json()["items"]] == [2]

    await eventually(seen_twice, timeout=60)
    r = await h.client.get(url, headers=doctor)
    (item,) = r.json()["items"]
    assert item["alarm_id"] == fall and item["device_id"] == device
    assert item["status"] == "active" and item["status_zh"] == "待处理"
    r = await h.client.get(url, headers=h.user("u-stranger"))
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"

    found = await read_events(
        bootstrap, h.topic(NotificationRequestedV1.topic),
        lambda ev: any(e.data["request_id"] == f"care:fall:{fall}" for e in ev), settle=2.0,
    )  # fmt: skip
    told = [e.data for e in found if e.data["request_id"].startswith("care:fall:")]
    told = [d for d in told if d["request_id"] in {f"care:fall:{x}" for x in (fall, smoke, other)}]
    assert len(told) == 1 and told[0]["template"] == "care.fall.recorded"
    assert sorted(told[0]["recipients"]["user_ids"]) == sorted([f"u-daughter-{pid}", "u-doc"])
    assert told[0]["variables"]["person"] == "王秀英" and told[0]["severity"] == "urgent"

    cleared = _alarm(
        AlarmClearedV1, fall, device, community, at, 2, status=AlarmStatus.CLEARED_ACK,
        cleared_at=at + timedelta(minutes=2), actor_id="u-grid", false_alarm=True,
    )  # fmt: skip
    await send_model(bootstrap, topic, cleared, fall)

    async def judged() -> bool:
        r = await h.client.get(url, headers=daughter)
        return r.json()["items"][0]["status"] == "cleared"

    await eventually(judged, timeout=60)
    r = await h.client.get(url, headers=daughter)
    assert r.json()["items"][0]["false_alarm"] is True
    assert r.json()["items"][0]["status_en"] == "false alarm"
    r = await h.client.get(f"/api/v1/care/people/{pid}/fhir", headers=doctor)
    assert r.status_code == 200, r.text
    bundle = Bundle.model_validate(r.json())
    falls = [
        e.resource for e in bundle.entry
        if e.resource.get_resource_type() == "Observation"
        and e.resource.code.coding[0].code == "1912002"
    ]  # fmt: skip
    assert len(falls) == 1 and falls[0].status == "cancelled"
