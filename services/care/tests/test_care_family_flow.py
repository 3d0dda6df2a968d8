"""The family's view (家人关怀, the residents' app): the son who is his father's guardian and
the daughter he shared vitals with see the father by name, his latest readings against
the doctor's range in words and the breach in words; someone granted visits only sees a
masked name and no vitals; a stranger sees no one; each list read is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from care_helpers import Harness, read_events

from sc_contracts.events import AuditRecordedV1


async def _father(h: Harness, community: str, pid: str) -> None:
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "张德福", "birth_date": "1942-06-18", "gender": "male",
              "community_id": community, "person_id": pid, "guardians": [f"u-son-{pid}"],
              "has_capacity": False, "address": "幸福里社区 1号楼1单元101室"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    son = h.user(f"u-son-{pid}")
    for grantee, relation, categories in (
        (f"u-daughter-{pid}", "family", ["profile", "vitals"]),
        (f"u-nurse-{pid}", "caregiver", ["visits"]),
        ("u-doc", "doctor", ["vitals"]),
    ):
        r = await h.client.post(
            f"/api/v1/care/people/{pid}/grants",
            json={"grantee": grantee, "relation": relation, "categories": categories},
            headers=son,
        )
        assert r.status_code == 201, r.text
    r = await h.client.put(
        f"/api/v1/care/people/{pid}/thresholds",
        json={"kind": "blood_pressure", "ranges": {"systolic": [90, 140], "diastolic": [60, 90]}},
        headers=h.doctor(community),
    )
    assert r.status_code == 200, r.text
    t0 = datetime.now(UTC) - timedelta(hours=3)
    for at, kind, values in (
        (t0, "blood_pressure", {"systolic": 128, "diastolic": 82}),
        (t0 + timedelta(minutes=1), "heart_rate", {"value": 72}),
        (t0 + timedelta(hours=2), "blood_pressure", {"systolic": 152, "diastolic": 94}),
    ):
        r = await h.client.post(
            f"/api/v1/care/people/{pid}/vitals",
            json={"kind": kind, "values": values, "measured_at": at.isoformat()},
            headers=son,
        )
        assert r.status_code == 201, r.text


async def test_the_family_sees_the_father_his_latest_readings_and_the_breach_in_words(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"fam-{community}"
    await _father(h, community, pid)
    daughter, son = h.user(f"u-daughter-{pid}"), h.user(f"u-son-{pid}")

    r = await h.client.get("/api/v1/care/family", headers=daughter)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 1
    (me,) = r.json()["items"]
    assert (me["id"], me["name"], me["masked"]) == (pid, "张德福", False)
    assert (me["basis"], me["relation"], me["shared"]) == ("grant", "family", ["profile", "vitals"])
    assert me["age"] >= 80
    r = await h.client.get("/api/v1/care/family", headers=son)
    (ward,) = r.json()["items"]
    assert ward["basis"] == "guardian" and ward["name"] == "张德福"
    assert "childcare" in ward["shared"]

    r = await h.client.get(f"/api/v1/care/people/{pid}/vitals/latest", headers=daughter)
    assert r.status_code == 200, r.text
    latest = {x["kind"]: x for x in r.json()}
    assert set(latest) == {"blood_pressure", "heart_rate"}
    bp = latest["blood_pressure"]
    assert bp["values"] == {"systolic": 152, "diastolic": 94} and bp["status"] == "high"
    assert bp["words_zh"] == "血压 152/94 mmHg，高于正常范围 90–140/60–90"
    assert bp["words_en"] == "blood pressure 152/94 mmHg, above the normal range 90–140/60–90"
    assert latest["heart_rate"]["status"] == "in_range"
    assert latest["heart_rate"]["words_en"].startswith("heart rate 72 bpm, within the normal range")

    r = await h.client.get(f"/api/v1/care/people/{pid}/breaches", headers=daughter)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 1
    (breach,) = r.json()["items"]
    assert breach["words_zh"] == "血压偏高：152/94 mmHg（正常范围 90–140/60–90 mmHg）"
    assert breach["words_en"] == "blood pressure high: 152/94 mmHg (normal range 90–140/60–90 mmHg)"
    assert breach["closed_at"] is None and breach["direction"] == "high"


async def test_beyond_consent_a_masked_name_and_nothing_clinical(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"fam2-{community}"
    await _father(h, community, pid)
    nurse = h.user(f"u-nurse-{pid}")
    r = await h.client.get("/api/v1/care/family", headers=nurse)
    assert r.status_code == 200, r.text
    (seen,) = r.json()["items"]
    assert seen["masked"] is True and seen["name"] != "张德福" and seen["name"][0] == "张"
    assert seen["shared"] == ["visits"]
    for path in ("vitals/latest", "breaches"):
        r = await h.client.get(f"/api/v1/care/people/{pid}/{path}", headers=nurse)
        assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"

    stranger = h.user(f"u-stranger-{pid}")
    r = await h.client.get("/api/v1/care/family", headers=stranger)
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 0
    r = await h.client.get(f"/api/v1/care/people/{pid}/breaches", headers=stranger)
    assert r.status_code == 404

    audits = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(AuditRecordedV1.topic),
        lambda ev: {e.data["actor_id"] for e in ev if e.data["action"] == "care.family.list"}
        >= {f"u-nurse-{pid}", f"u-stranger-{pid}"},
    )  # fmt: skip
    denied = [
        e.data for e in audits
        if e.data["actor_id"] == f"u-nurse-{pid}" and e.data["action"] == "care.vitals.latest"
    ]  # fmt: skip
    assert denied and denied[0]["outcome"] == "denied"
