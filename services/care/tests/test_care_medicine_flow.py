"""Medicine home delivery (送药上门): the doctor keeps the elder's medication list, her
daughter asks for delivery of a medicine on it (one that is not is refused in words), the
station's caregiver accepts, dispatches and delivers it; a stranger sees nothing; the list
is in the elder's FHIR Bundle."""

from __future__ import annotations

from care_helpers import Harness, read_events
from fhir.resources.bundle import Bundle

from sc_contracts.events import NotificationRequestedV1


async def test_a_delivery_from_the_list_handled_as_a_case(harness: Harness, community: str) -> None:
    h = harness
    pid = f"d-{community}"
    r = await h.client.post(
        "/api/v1/care/people",
        json={"name": "王秀英", "birth_date": "1948-05-01", "gender": "female",
              "community_id": community, "person_id": pid, "user_id": f"u-{pid}",
              "address": "幸福里社区 1号楼 1单元 101室"},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    elder, daughter, doctor = h.user(f"u-{pid}"), h.user(f"u-daughter-{pid}"), h.doctor(community)
    for grantee, relation in ((f"u-daughter-{pid}", "family"), ("u-doc", "doctor")):
        r = await h.client.post(
            f"/api/v1/care/people/{pid}/grants",
            json={"grantee": grantee, "relation": relation, "categories": ["clinical"]},
            headers=elder,
        )
        assert r.status_code == 201, r.text

    meds = {"medications": [{"name": "苯磺酸氨氯地平片", "dosage": "每日一次，每次5mg"},
                            {"name": "二甲双胍缓释片"}]}  # fmt: skip
    r = await h.client.put(f"/api/v1/care/people/{pid}/medications", json=meds, headers=daughter)
    assert r.status_code == 403, r.text
    r = await h.client.put(f"/api/v1/care/people/{pid}/medications", json=meds, headers=doctor)
    assert r.status_code == 200, r.text
    r = await h.client.get(f"/api/v1/care/people/{pid}/medications", headers=daughter)
    assert [m["name"] for m in r.json()] == ["苯磺酸氨氯地平片", "二甲双胍缓释片"]
    r = await h.client.get(f"/api/v1/care/people/{pid}/fhir", headers=elder)
    kinds = [e.resource.get_resource_type() for e in Bundle.model_validate(r.json()).entry]
    assert kinds.count("MedicationStatement") == 2

    url = f"/api/v1/care/people/{pid}/medicine-requests"
    r = await h.client.post(url, json={"medicines": ["阿司匹林肠溶片"]}, headers=daughter)
    assert r.status_code == 422 and r.json()["code"] == "care.medicine_not_current"
    assert r.json()["messages"]["zh-CN"].endswith("请先咨询家庭医生：阿司匹林肠溶片")
    r = await h.client.post(url, json={"medicines": ["阿司匹林肠溶片"]}, headers=h.user("u-x"))
    assert r.status_code == 404 and r.json()["code"] == "care.person_not_found"
    r = await h.client.post(url, json={"medicines": ["苯磺酸氨氯地平片"]}, headers=daughter)
    assert r.status_code == 201, r.text
    asked = r.json()
    assert asked["status"] == "requested" and asked["address"] == "幸福里社区 1号楼 1单元 101室"

    caregiver = h.user("u-care", role="caregiver", scope=("community", community))
    r = await h.client.get("/api/v1/care/medicine-requests", headers=caregiver)
    assert [x["id"] for x in r.json()["items"]] == [asked["id"]]
    r = await h.client.get("/api/v1/care/medicine-requests", headers=h.user("u-x"))
    assert r.json()["items"] == []
    done = f"/api/v1/care/medicine-requests/{asked['id']}"
    r = await h.client.post(f"{done}/accept", headers=daughter)
    assert r.status_code == 404, r.text  # only the station's staff handle it
    r = await h.client.post(f"{done}/deliver", headers=caregiver)
    assert r.status_code == 409 and r.json()["code"] == "care.medicine_transition"
    for action, status in (("accept", "accepted"), ("dispatch", "out_for_delivery"),
                           ("deliver", "delivered")):  # fmt: skip
        r = await h.client.post(f"{done}/{action}", headers=caregiver)
        assert r.status_code == 200 and r.json()["status"] == status, r.text
    assert r.json()["status_zh"] == "已送达" and r.json()["handled_by"] == "u-care"
    r = await h.client.post(f"{done}/cancel", headers=daughter)
    assert r.status_code == 409 and r.json()["code"] == "care.medicine_transition"

    # each step told once to the requester and the elder, in words, without the medicines
    r = await h.client.post(url, json={"medicines": ["二甲双胍缓释片"]}, headers=daughter)
    again = r.json()["id"]
    r = await h.client.post(f"/api/v1/care/medicine-requests/{again}/cancel", headers=daughter)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    wanted = {f"care:medicine:{asked['id']}:{s}" for s in ("accepted", "out_for_delivery",
                                                            "delivered")}  # fmt: skip
    wanted.add(f"care:medicine:{again}:cancelled")
    found = await read_events(
        h.settings.kafka_bootstrap_servers, h.topic(NotificationRequestedV1.topic),
        lambda ev: wanted <= {e.data["request_id"] for e in ev}, settle=2.0,
    )  # fmt: skip
    told = {e.data["request_id"]: e.data for e in found if e.data["request_id"] in wanted}
    delivered = told[f"care:medicine:{asked['id']}:delivered"]
    assert delivered["template"] == "care.medicine.delivered"
    assert delivered["recipients"]["user_ids"] == [f"u-daughter-{pid}", f"u-{pid}"]
    assert delivered["variables"]["person"] == "王秀英" and delivered["variables"]["count"] == "1"
    assert "苯磺酸氨氯地平片" not in str(delivered["variables"])
    cancelled = told[f"care:medicine:{again}:cancelled"]
    assert cancelled["recipients"]["user_ids"] == [f"u-{pid}"]  # not the daughter who did it
    assert len([e for e in found if e.data["request_id"] in wanted]) == 4
