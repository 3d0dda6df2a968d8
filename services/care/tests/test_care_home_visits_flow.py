"""Home visits (上门随访): the doctor schedules one for an elder whose consent covers
visits, the elder and her daughter are told who comes and when, the doctor records it, the
note is in the elder's visits and her FHIR Bundle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from care_helpers import Harness, read_events
from fhir.resources.bundle import Bundle

from sc_contracts.events import NotificationRequestedV1


async def _elder(h: Harness, community: str, pid: str) -> None:
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "王秀英", "birth_date": "1948-05-01", "gender": "female",
              "community_id": community, "person_id": pid, "user_id": f"u-{pid}"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    for grantee, relation in ((f"u-daughter-{pid}", "family"), ("u-doc", "doctor")):
        r = await h.client.post(
            f"/api/v1/care/people/{pid}/grants",
            json={"grantee": grantee, "relation": relation, "categories": ["visits"],
                  "notify": relation == "family"},
            headers=h.user(f"u-{pid}"),
        )  # fmt: skip
        assert r.status_code == 201, r.text


def _told(events: list[Any], request_id: str) -> list[Any]:
    kind = NotificationRequestedV1.event_type
    return [e for e in events if e.type == kind and e.data["request_id"] == request_id]


async def test_a_home_visit_scheduled_told_and_recorded(harness: Harness, community: str) -> None:
    h = harness
    pid = f"v-{community}"
    await _elder(h, community, pid)
    elder, daughter, doctor = h.user(f"u-{pid}"), h.user(f"u-daughter-{pid}"), h.doctor(community)
    due = (datetime.now(UTC) + timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
    body = {"purpose": "follow_up", "due": due.isoformat(), "reason": "血压随访",
            "reason_en": "a blood pressure follow-up", "assignee_name": "张医生"}  # fmt: skip

    r = await h.client.post(f"/api/v1/care/people/{pid}/visits", json=body, headers=daughter)
    assert r.status_code == 403, r.text
    r = await h.client.post(f"/api/v1/care/people/{pid}/visits", json=body, headers=doctor)
    assert r.status_code == 201, r.text
    visit = r.json()
    assert visit["status"] == "scheduled" and visit["assignee"] == "u-doc"

    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: bool(_told(ev, f"care:visit:{visit['id']}:scheduled")),
    )  # fmt: skip
    (told,) = _told(found, f"care:visit:{visit['id']}:scheduled")
    assert told.data["template"] == "care.visit.scheduled"
    assert told.data["recipients"]["user_ids"] == [f"u-{pid}", f"u-daughter-{pid}"]
    v = told.data["variables"]
    assert v["assignee"] == "张医生" and v["reason_zh"] == "血压随访"
    assert v["time_zh"].endswith("10:00") and v["reason_en"] == "a blood pressure follow-up"

    r = await h.client.get("/api/v1/care/visits", headers=doctor)
    assert visit["id"] in [x["id"] for x in r.json()["items"]]
    note = {"outcome": "well", "record": "血压138/85，继续原方案"}
    r = await h.client.post(
        f"/api/v1/care/visits/{visit['id']}/record", json=note, headers=daughter
    )
    assert r.status_code == 404, r.text
    r = await h.client.post(f"/api/v1/care/visits/{visit['id']}/record", json=note, headers=doctor)
    assert r.status_code == 200 and r.json()["status"] == "done", r.text

    r = await h.client.get(f"/api/v1/care/people/{pid}/visits", headers=daughter)
    assert r.status_code == 200
    (seen,) = r.json()["items"]
    assert seen["record"] == "血压138/85，继续原方案" and seen["assignee_name"] == "张医生"
    r = await h.client.get(f"/api/v1/care/people/{pid}/visits", headers=h.user("u-stranger"))
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"

    r = await h.client.get(f"/api/v1/care/people/{pid}/fhir", headers=elder)
    assert r.status_code == 200, r.text
    bundle = Bundle.model_validate(r.json())
    encounters = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Encounter"]
    assert len(encounters) == 1
