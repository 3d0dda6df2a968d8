"""The right people, at once (issue 18), driven only as apps, devices and staff would:
through the gateway (HTTP and Server-Sent Events) with the demo community and accounts.

1. A smoke detector in the resident's flat -> the alarm carries the flat's household, room,
   unit and building; the resident hears of it at once on the stream and in the inbox and
   finds it in their own alarm list.
2. An emergency warning to the residents of the community reaches residents of every
   building (their grants are on their households); one to a building only that building's.
6. An elder's emergency button, whose plan (一人一预案) tells a household living elsewhere
   and lets it answer: that household reads the alarm and its timeline, acknowledges it,
   and hears that it was assigned, acknowledged and cleared.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from e2e_kit import Stream, home_of, me, register_device, wait_until

# every test here raises or clears alarms in the demo community (conftest: exclusive)
pytestmark = pytest.mark.exclusive("demo-alarms")


def inbox(api: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    r = api.get("/api/v1/inbox", headers=headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def about(api: httpx.Client, headers: dict[str, str], correlation_id: str) -> list[dict[str, Any]]:
    return [m for m in inbox(api, headers) if m["correlation_id"] == correlation_id]


def alarms_of(api: httpx.Client, headers: dict[str, str], device_id: str) -> list[dict[str, Any]]:
    r = api.get("/api/v1/alarms", headers=headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    return [a for a in r.json()["items"] if a["originator_id"] == device_id]


def test_smoke_in_a_flat_reaches_the_people_living_there_at_once(
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin, resident = login("community_admin"), login("resident")
    run = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, resident)
        device, token = register_device(api, admin, f"e2e-reach-{run}", "smoke_detector", home)
        stream = Stream(gateway_url, resident).start()
        try:
            r = api.post(f"/api/v1/{token}/telemetry", json={"smokeDetected": True})
            assert r.status_code == 200, r.text
            # the resident's own alarm list has it, placed in their flat
            [alarm] = wait_until(lambda: alarms_of(api, resident, device), 60, "the alarm")
            place = ("household_id", "room_id", "unit_id", "building_id")
            assert {k: alarm[k] for k in place} == {k: home[k] for k in place}
            # at once: on their stream and in their inbox (not after staff accept a case)
            wait_until(
                lambda: stream.find("message", correlation_id=alarm["id"]),
                60,
                "the alarm message on the resident's stream",
            )
        finally:
            stream.stop()
        raised = [m for m in about(api, resident, alarm["id"]) if m["template"] == "alarm.raised"]
        assert len(raised) == 1 and raised[0]["severity"] == "critical"


def test_a_warning_to_the_residents_of_a_place_reaches_all_of_them(
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin, resident, tenant = login("community_admin"), login("resident"), login("tenant")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home, theirs = home_of(api, resident), home_of(api, tenant)
        assert home["building_id"] != theirs["building_id"]

        def warn(**extra: Any) -> str:
            r = api.post(
                "/api/v1/emergency-warnings",
                headers=admin,
                json={
                    "community_id": home["community_id"],
                    "title": f"暴雨黄色预警 Rainstorm {uuid.uuid4().hex[:4]}",
                    "message": "今晚有暴雨，请关好门窗 Heavy rain tonight: close the windows",
                    "level": "yellow",
                    "channels": ["inapp"],
                    **extra,
                },
            )
            assert r.status_code == 201, r.text
            return str(r.json()["id"])

        everyone = warn()
        for who, headers in (("resident", resident), ("tenant", tenant)):
            wait_until(lambda h=headers: about(api, h, everyone), 60, f"the {who}'s warning")
        request = api.get(f"/api/v1/notifications/warning:{everyone}", headers=admin)
        assert request.status_code == 200, request.text
        assert request.json()["recipient_count"] >= 3  # resident, family, tenant at least

        building = warn(building_ids=[home["building_id"]])
        wait_until(lambda: about(api, resident, building), 60, "the resident's warning")
        request = api.get(f"/api/v1/notifications/warning:{building}", headers=admin)
        assert request.status_code == 200, request.text
        reached = {d["recipient_id"] for d in request.json()["deliveries"]}
        assert me(api, resident)["id"] in reached
        assert me(api, tenant)["id"] not in reached  # another building


def test_the_household_a_plan_tells_follows_and_answers_the_alarm(
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin, staff = login("community_admin"), login("property_staff")
    resident, relative = login("resident"), login("tenant")  # the son lives elsewhere
    run = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home, sons = home_of(api, resident), home_of(api, relative)
        device, token = register_device(api, admin, f"e2e-plan-{run}", "emergency_button", home)
        registered = api.post(
            "/api/v1/special-persons",
            headers=admin,
            json={
                "community_id": home["community_id"],
                "building_id": home["building_id"],
                "unit_id": home["unit_id"],
                "room_id": home["room_id"],
                "household_id": home["household_id"],
                "person_ref": me(api, resident)["person_id"],
                "name": "王奶奶",
                "category": "elderly_alone",
                "notify_household_ids": [sons["household_id"]],
                "family_may_acknowledge": True,
                "device_ids": [device],
            },
        )
        assert registered.status_code == 201, registered.text
        stream = Stream(gateway_url, relative).start()
        try:
            r = api.post(f"/api/v1/{token}/telemetry", json={"pressed": True})
            assert r.status_code == 200, r.text
            [alarm] = wait_until(lambda: alarms_of(api, staff, device), 60, "the SOS alarm")
            wait_until(
                lambda: stream.find("message", correlation_id=alarm["id"]),
                60,
                "the son's message",
            )
        finally:
            stream.stop()
        # the son reads the alarm his message names, and its timeline
        seen = api.get(f"/api/v1/alarms/{alarm['id']}", headers=relative)
        assert seen.status_code == 200, seen.text
        assert seen.json()["history"][0]["action"] == "raised"
        assert alarms_of(api, relative, device)

        staff_id = me(api, staff)["id"]
        r = api.post(
            f"/api/v1/alarms/{alarm['id']}/assign", headers=staff, json={"assignee_id": staff_id}
        )
        assert r.status_code == 200, r.text
        r = api.post(f"/api/v1/alarms/{alarm['id']}/ack", headers=relative, json={})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "active_ack"
        r = api.post(f"/api/v1/alarms/{alarm['id']}/clear", headers=staff, json={})
        assert r.status_code == 200, r.text

        def told() -> set[str]:
            got = {m["template"] for m in about(api, relative, alarm["id"])}
            wanted = {"alarm.assigned", "alarm.acknowledged", "alarm.cleared"}
            return got if wanted <= got else set()

        wait_until(told, 60, "the son's messages of the alarm's steps")
        timeline = api.get(f"/api/v1/alarms/{alarm['id']}", headers=relative).json()["history"]
        assert [s["action"] for s in timeline if s["action"] != "notified"][-3:] == [
            "assigned",
            "acknowledged",
            "cleared",
        ]
