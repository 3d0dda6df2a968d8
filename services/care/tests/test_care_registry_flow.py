"""A community's records for its doctor and admin (masked where consent does not reach,
audited, other communities refused), a person's reference ranges through consent, and a
doctor's emergency read with the reason in Chinese, percent-encoded as a browser sends it."""

from __future__ import annotations

from urllib.parse import quote

from care_helpers import Harness, read_events

from sc_contracts.events import AuditRecordedV1


async def _open(h: Harness, community: str, pid: str, name: str, birth: str) -> None:
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": name, "birth_date": birth, "gender": "female", "community_id": community,
              "person_id": pid, "user_id": f"u-{pid}", "address": "幸福里社区 3号楼 2单元 502室"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text


async def test_the_community_list_is_masked_scoped_and_audited(
    harness: Harness, community: str
) -> None:
    h = harness
    shared, private = f"r1-{community}", f"r2-{community}"
    await _open(h, community, shared, "王秀英", "1948-05-01")
    await _open(h, community, private, "李桂兰", "1950-02-03")
    r = await h.client.post(
        f"/api/v1/care/people/{shared}/grants",
        json={"grantee": "u-doc", "relation": "doctor", "categories": ["profile", "vitals"]},
        headers=h.user(f"u-{shared}"),
    )
    assert r.status_code == 201, r.text

    r = await h.client.get(
        "/api/v1/care/people", params={"community_id": community}, headers=h.doctor(community)
    )
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 2
    by_id = {item["id"]: item for item in page["items"]}
    assert by_id[shared]["name"] == "王秀英" and by_id[shared]["masked"] is False
    assert by_id[shared]["birth_date"] == "1948-05-01"
    assert by_id[shared]["shared"] == ["profile", "vitals"]
    hidden = by_id[private]
    assert hidden["masked"] is True and hidden["name"] != "李桂兰" and hidden["name"][0] == "李"
    assert hidden["birth_date"] is None and hidden["age"] >= 75
    assert hidden["address"] != "幸福里社区 3号楼 2单元 502室" and hidden["shared"] == []

    admin = h.user("u-admin", "community_admin", ("community", community))
    r = await h.client.get(
        "/api/v1/care/people", params={"community_id": community, "limit": 1}, headers=admin
    )
    assert r.status_code == 200 and len(r.json()["items"]) == 1 and r.json()["next_offset"] == 1
    assert r.json()["items"][0]["masked"] is True  # the admin has no consent of anyone

    elsewhere = h.doctor("c-elsewhere", sub="u-doc-2")
    r = await h.client.get("/api/v1/care/people", params={"community_id": community},
                           headers=elsewhere)  # fmt: skip
    assert r.status_code == 403 and r.json()["messages"]["zh-CN"].startswith("只有本社区的医生")
    r = await h.client.get("/api/v1/care/people", params={"community_id": community},
                           headers=h.user(f"u-{shared}"))  # fmt: skip
    assert r.status_code == 403

    audits = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(AuditRecordedV1.topic),
        lambda ev: sum(1 for e in ev if e.data["action"] == "care.record.list"
                       and e.data.get("community_id") == community) >= 2,
    )  # fmt: skip
    lists = [
        e.data for e in audits
        if e.data["action"] == "care.record.list" and e.data.get("community_id") == community
    ]  # fmt: skip
    assert {a["actor_id"] for a in lists} == {"u-doc", "u-admin"}


async def test_reference_ranges_through_consent(harness: Harness, community: str) -> None:
    h = harness
    pid = f"rr-{community}"
    await _open(h, community, pid, "王秀英", "1948-05-01")
    doctor = h.doctor(community)
    r = await h.client.get(f"/api/v1/care/people/{pid}/ranges", headers=doctor)
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/grants",
        json={"grantee": "u-doc", "relation": "doctor", "categories": ["vitals"]},
        headers=h.user(f"u-{pid}"),
    )
    assert r.status_code == 201, r.text
    r = await h.client.put(
        f"/api/v1/care/people/{pid}/thresholds",
        json={"kind": "blood_pressure", "ranges": {"systolic": [90, 135], "diastolic": [60, 85]}},
        headers=doctor,
    )
    assert r.status_code == 200, r.text
    for reader in (doctor, h.user(f"u-{pid}")):
        r = await h.client.get(f"/api/v1/care/people/{pid}/ranges", headers=reader)
        assert r.status_code == 200, r.text
        ranges = {x["kind"]: x for x in r.json()}
        bp = ranges["blood_pressure"]
        assert bp["origin"] == "doctor" and bp["set_by"] == "u-doc"
        assert bp["range"] == "90–135/60–85" and bp["unit"] == "mm[Hg]"
        assert ranges["spo2"]["origin"] == "default" and ranges["spo2"]["range"] == "≥93"
        assert ranges["temperature"]["components"][0]["high"] == 37.3
        assert "weight" not in ranges  # no default range for weight
    r = await h.client.get(f"/api/v1/care/people/{pid}/ranges", headers=h.user("u-stranger"))
    assert r.status_code == 404


async def test_an_emergency_reason_in_chinese_is_read_and_audited(
    harness: Harness, community: str
) -> None:
    h = harness
    pid = f"em-{community}"
    await _open(h, community, pid, "王秀英", "1948-05-01")
    er = h.doctor(community, sub="u-er-doc")
    r = await h.client.get(f"/api/v1/care/people/{pid}", headers=er)
    assert r.status_code == 404  # no consent, no emergency
    reason = "老人昏迷，急救需要查看病史"
    for sent in (quote(reason, safe=""), "UTF-8''" + quote(reason, safe="")):
        r = await h.client.get(
            f"/api/v1/care/people/{pid}", headers={**er, "X-Emergency-Reason": sent}
        )
        assert r.status_code == 200, r.text
        assert r.json()["access"] == "emergency" and r.json()["sections"]["profile"]["name"]
    r = await h.client.get(
        f"/api/v1/care/people/{pid}", headers={**er, "X-Emergency-Reason": "unconscious"}
    )
    assert r.status_code == 200 and r.json()["access"] == "emergency"
    r = await h.client.get(
        f"/api/v1/care/people/{pid}", headers={**er, "X-Emergency-Reason": "%E8%80"}
    )
    assert r.status_code == 422 and r.json()["code"] == "care.emergency_reason_invalid"
    audits = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(AuditRecordedV1.topic),
        lambda ev: sum(1 for e in ev if e.data["actor_id"] == "u-er-doc"
                       and e.data["outcome"] != "denied") >= 3,
    )  # fmt: skip
    reasons = [
        (e.data.get("detail") or {}).get("emergency_reason")
        for e in audits
        if e.data["actor_id"] == "u-er-doc" and e.data["outcome"] != "denied"
    ]
    assert reasons.count(reason) == 2 and "unconscious" in reasons
