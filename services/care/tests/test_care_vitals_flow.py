"""A wearable's blood pressure above the elder's range: stored once, one notice per episode
to the people her consent names, in words they read; strangers see nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from care_helpers import Harness, eventually, read_events, send_model
from fhir.resources.bundle import Bundle

from care.db.models import metadata
from sc_contracts.events import NotificationRequestedV1, TelemetryRecordedV1, ThresholdBreachedV1
from sc_core.db.migrate import model_drift


async def test_migrations_match_models(harness: Harness) -> None:
    assert await model_drift(harness.settings.database_url, metadata) == []


async def _elder(h: Harness, community: str, pid: str) -> None:
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "王秀英", "birth_date": "1948-05-01", "gender": "female",
              "community_id": community, "person_id": pid, "user_id": f"u-{pid}",
              "address": "幸福里社区 1号楼 1单元 101室"},
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


async def test_a_breach_tells_the_daughter_and_the_doctor_once(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"p-{community}"
    await _elder(h, community, pid)
    bootstrap = h.settings.kafka_bootstrap_servers
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    for i, (sys_, dia) in enumerate([(172, 96), (178, 98), (176, 97)]):
        reading = TelemetryRecordedV1(
            device_id=f"wear-{pid}", device_type="wearable", community_id=community,
            ts=t0 + timedelta(minutes=i),
            values={"systolicBP": sys_, "diastolicBP": dia, "heartRate": 80},
            received_at=t0 + timedelta(minutes=i),
        )  # fmt: skip
        await send_model(bootstrap, h.topic(TelemetryRecordedV1.topic), reading, f"wear-{pid}")

    daughter = h.user(f"u-daughter-{pid}")

    async def three_readings() -> bool:
        r = await h.client.get(
            f"/api/v1/care/people/{pid}/vitals", params={"kind": "blood_pressure"}, headers=daughter
        )
        return r.status_code == 200 and r.json()["total"] == 3

    assert await eventually(three_readings)

    def mine(events):  # the notices about this elder
        kind = NotificationRequestedV1.event_type
        return [
            e for e in events if e.type == kind and e.data["variables"].get("value") == "172/96"
        ]

    found = await read_events(
        bootstrap, h.topic(NotificationRequestedV1.topic), lambda ev: bool(mine(ev)), settle=2.0
    )
    notices = mine(found)
    assert len(notices) == 1  # three high readings, one episode, one notice
    n = notices[0].data
    assert n["template"] == "care.vitals.breach"
    assert n["recipients"]["user_ids"] == [f"u-daughter-{pid}", "u-doc"]
    assert n["variables"]["person"] == "王秀英" and n["variables"]["range"] == "90–150/60–90"
    breaches = await read_events(
        bootstrap, h.topic(ThresholdBreachedV1.topic),
        lambda ev: any(e.data["person_id"] == pid for e in ev), settle=1.0,
    )  # fmt: skip
    assert len([e for e in breaches if e.data["person_id"] == pid]) == 1


async def test_strangers_see_nothing_and_the_elder_exports_fhir(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"q-{community}"
    await _elder(h, community, pid)
    stranger = h.user("u-stranger")
    r = await h.client.get(f"/api/v1/care/people/{pid}", headers=stranger)
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"
    assert r.json()["messages"] == {"zh-CN": "没有这个健康档案", "en": "No such care record"}
    r = await h.client.get(f"/api/v1/care/people/{pid}/vitals", headers=stranger)
    assert r.status_code == 404
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/vitals",
        json={"kind": "blood_pressure", "values": {"systolic": 900, "diastolic": 80},
              "measured_at": datetime.now(UTC).isoformat()},
        headers=h.user(f"u-{pid}"),
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "care.vital_implausible"
    # as everywhere on the platform: detail in the reader's language, both in messages
    assert r.json()["detail"] == r.json()["messages"]["zh-CN"]
    assert r.json()["messages"]["zh-CN"].startswith("收缩压 900")
    assert r.json()["messages"]["en"].endswith("is not possible; please check it.")
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/vitals",
        json={"kind": "heart_rate", "values": {"value": 72},
              "measured_at": datetime.now(UTC).isoformat()},
        headers=h.user(f"u-{pid}"),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    r = await h.client.get(f"/api/v1/care/people/{pid}/fhir", headers=h.user(f"u-{pid}"))
    assert r.status_code == 200, r.text
    bundle = Bundle.model_validate(r.json())
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("Consent") == 2 and "Observation" in kinds and kinds[0] == "Patient"
    r = await h.client.get(f"/api/v1/care/people/{pid}", headers=h.user(f"u-daughter-{pid}"))
    assert r.status_code == 200 and r.json()["access"] == "grant"
    assert r.json()["sections"]["profile"]["name"] == "王秀英"


async def test_a_doctor_sets_the_range_others_may_not(harness: Harness, community: str) -> None:
    h = harness
    pid = f"r-{community}"
    await _elder(h, community, pid)
    url = f"/api/v1/care/people/{pid}/thresholds"
    body = {"kind": "blood_pressure", "ranges": {"systolic": [90, 135], "diastolic": [60, 85]}}
    r = await h.client.put(url, json=body, headers=h.user(f"u-daughter-{pid}"))
    assert r.status_code == 403, r.text
    r = await h.client.put(
        url,
        json={"kind": "blood_pressure", "ranges": {"systolic": [135, 90], "diastolic": [60, 85]}},
        headers=h.doctor(community),
    )
    assert r.status_code == 422 and r.json()["code"].startswith("care."), r.text
    r = await h.client.put(
        url,
        json={"kind": "blood_pressure", "ranges": {"systolic": [90]}},
        headers=h.doctor(community),
    )
    assert r.status_code == 422, r.text
    r = await h.client.put(url, json=body, headers=h.doctor(community))
    assert r.status_code == 200, r.text
    assert r.json()["range"] == "90–135/60–85"


async def test_values_beyond_the_schemas_bounds_are_refused_by_name(
    harness: Harness, community: str
) -> None:
    """Issue 30: a birth date in the year 9999, a reading measured in the year 1, a value of
    1e300 are a 422 naming the field, before any database or arithmetic sees them."""
    h = harness
    pid = f"b-{community}"
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "王秀英", "birth_date": "9999-12-31", "community_id": community,
              "person_id": pid},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "request.validation_failed", r.text
    assert "birth_date" in r.text
    await _elder(h, community, pid)
    url = f"/api/v1/care/people/{pid}/vitals"
    elder = h.user(f"u-{pid}")
    for values, at, field in (
        ({"value": 72}, "0001-01-01T00:00:00+08:00", "measured_at"),
        ({"value": 1e300}, datetime.now(UTC).isoformat(), "values"),
    ):
        r = await h.client.post(
            url, json={"kind": "heart_rate", "values": values, "measured_at": at}, headers=elder
        )
        assert r.status_code == 422 and r.json()["code"] == "request.validation_failed", r.text
        assert field in r.text
    r = await h.client.get(f"/api/v1/care/people/{'x' * 65}/vitals", headers=elder)
    assert r.status_code == 422 and r.json()["code"] == "request.validation_failed", r.text
