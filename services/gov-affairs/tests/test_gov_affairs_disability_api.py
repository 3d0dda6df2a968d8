"""The register of disability certificates (残疾人证, issue 23 item 3), over HTTP on a real
PostgreSQL and Kafka: the welfare desk registers and updates a certificate (the number
checked as ID number + category + grade), lists it masked, reveals one field for a stated
purpose (audited); the care subsidy's form number is held against the register (a number
that disagrees, or an expired certificate, is refused in words); every change is on
``gov.welfare.v1`` with codes only; counts per grid leave no person."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from test_gov_affairs_hall_api import _apply, _id, _settle_place, _upload
from test_gov_affairs_welfare_programmes_api import _card, _refused

from gov_affairs.usecases.disability_common import today_in_china
from gov_affairs_helpers import Harness
from sc_contracts.events import AuditRecordedV1, WelfareChangedV1
from sc_core.bus.cloudevents import CloudEvent

URL = "/api/v1/welfare/disability"


async def test_register_reveal_update_and_the_subsidy_held_against_it(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{community}"
    await _settle_place(
        h, community, household, [("admin-1", "community_admin"), ("officer-1", "gov_officer")]
    )
    person = h.resident(household, sub=f"liu-{community}")
    officer = h.staff(community, "officer-1", "gov_officer")
    stranger = h.staff(f"{community}-x", "officer-x", "gov_officer")
    today = today_in_china()
    own_id = _id("19700415")
    number = _card(own_id, "2", 1)  # hearing, grade 1
    body: dict[str, Any] = {
        "community_id": community,
        "grid_id": "g-1",
        "name": "刘建国",
        "certificate_number": number,
        "valid_until": (today + timedelta(days=5 * 365)).isoformat(),
        "phone": "13912345678",
    }

    for who, status in ((stranger, 403), (person, 403)):
        r = await h.client.post(f"{URL}/records", headers=who, json=body)
        assert r.status_code == status, r.text
    bad = await h.client.post(
        f"{URL}/records", headers=officer, json={**body, "certificate_number": own_id + "91"}
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "welfare.disability_card"), bad.text
    assert bad.json()["detail"] == "残疾类别（1至7）或等级（1至4）无效"

    made = await h.client.post(f"{URL}/records", headers=officer, json=body)
    assert made.status_code == 201, made.text
    rec = made.json()
    assert (rec["name"], rec["category"], rec["grade"]) == ("刘*国", "2", 1)
    assert rec["category_name"] == {"zh": "听力残疾", "en": "hearing"}
    assert rec["grade_name"] == {"zh": "一级", "en": "grade 1"}
    assert rec["certificate_number"] != number and rec["certificate_number"].startswith("110")
    assert own_id[3:14] not in rec["certificate_number"]
    assert (rec["expired"], rec["version"], rec["grid_id"]) == (False, 1, "g-1")

    again = await h.client.post(f"{URL}/records", headers=officer, json=body)
    assert (again.status_code, again.json()["code"]) == (409, "disability.already_registered")
    assert again.json()["record_id"] == rec["id"]

    listed = await h.client.get(
        f"{URL}/records", headers=officer, params={"community_id": community}
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 1
    assert listed.json()["items"][0]["certificate_number"] == rec["certificate_number"]
    assert number not in listed.text and "刘建国" not in listed.text
    r = await h.client.get(f"{URL}/records", headers=stranger, params={"community_id": community})
    assert r.status_code == 403, r.text

    # one field in clear, for a purpose: the audited read
    reveal = f"{URL}/records/{rec['id']}/reveal"
    short = await h.client.post(
        reveal, headers=officer, json={"field": "certificate_number", "purpose": "看"}
    )
    assert short.status_code == 422, short.text
    r = await h.client.post(reveal, headers=stranger, json={"field": "name", "purpose": "核实身份"})
    assert r.status_code == 403, r.text
    shown = await h.client.post(
        reveal, headers=officer, json={"field": "certificate_number", "purpose": "核实补贴申请"}
    )
    assert shown.status_code == 200, shown.text
    assert shown.json() == {"field": "certificate_number", "value": number}

    def reveals(evs: list[CloudEvent]) -> list[dict[str, Any]]:
        return [
            e.data["detail"]
            for e in evs
            if e.data.get("action") == "disability.reveal"
            and e.data.get("resource_id") == rec["id"]
        ]

    audited = await h.read(AuditRecordedV1, lambda evs: len(reveals(evs)) >= 1)
    assert reveals(audited) == [{"field": "certificate_number", "purpose": "核实补贴申请"}]

    # updates: the same holder only, the version read, the register's words
    change = f"{URL}/records/{rec['id']}"
    other = await h.client.patch(
        change, headers=officer, json={"certificate_number": _card(_id("19650101"), "2", 1)}
    )
    assert (other.status_code, other.json()["code"]) == (422, "disability.other_holder")
    stale = await h.client.patch(change, headers=officer, json={"grid_id": "g-2", "version": 7})
    assert (stale.status_code, stale.json()["code"]) == (409, "disability.stale")
    moved = await h.client.patch(change, headers=officer, json={"version": 1, "grid_id": "g-1"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["version"] == 2
    r = await h.client.patch(change, headers=person, json={"grid_id": "g-9"})
    assert r.status_code == 403, r.text

    # the care subsidy: the form's number is held against the register
    form = {
        "name": "刘建国",
        "id_number": own_id,
        "phone": "13912345678",
        "disability_card": _card(own_id, "2", 2),  # the register says grade 1
        "bank_account": "6222020200112233446",
    }
    materials = await _upload(h, person, "id_card", "disability_certificate", "bank_card")
    application = {"item_code": "disability_care_subsidy", "data": form, "materials": materials}
    differs = await _refused(h, person, application)
    assert (differs.status_code, differs.json()["code"]) == (422, "disability.card_mismatch")
    assert "与登记的不一致" in differs.json()["detail"], differs.text

    # an expired registration is refused until it is renewed
    old_id = _id("19580303")
    old = await h.client.post(
        f"{URL}/records",
        headers=officer,
        json={
            **body,
            "name": "王秀英",
            "certificate_number": _card(old_id, "4", 2),
            "valid_until": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert old.status_code == 201 and old.json()["expired"] is True, old.text
    expired = await _refused(
        h,
        person,
        {
            **application,
            "data": {
                **form,
                "name": "王秀英",
                "id_number": old_id,
                "disability_card": _card(old_id, "4", 2),
            },
        },
    )
    assert (expired.status_code, expired.json()["code"]) == (422, "disability.card_expired")
    assert "已于" in expired.json()["detail"] and "过期" in expired.json()["detail"]

    applied = await _apply(h, person, {**application, "data": {**form, "disability_card": number}})
    assert applied["status"] == "in_review", applied

    # counts per grid, no person; residents and strangers see none
    stats = await h.client.get(
        f"{URL}/statistics", headers=officer, params={"community_id": community, "by": "grid"}
    )
    assert stats.status_code == 200, stats.text
    assert stats.json() == [
        {
            "place_id": "g-1",
            "holders": 1,
            "expired": 1,
            "by_category": {"2": 1},
            "by_grade": {"1": 1},
            "devices": {},
        }
    ]
    for who in (person, stranger):
        r = await h.client.get(f"{URL}/statistics", headers=who, params={"community_id": community})
        assert r.status_code == 403, r.text

    # each change on gov.welfare.v1: ids and codes, never the person
    def steps(evs: list[CloudEvent]) -> list[tuple[str, str, str]]:
        return [
            (e.data["beneficiary_id"], e.data["action"], e.data["status"])
            for e in evs
            if e.data["programme"] == "disability_card" and e.data["community_id"] == community
        ]

    events = await h.read(WelfareChangedV1, lambda evs: len(steps(evs)) >= 3)
    assert (rec["id"], "registered", "valid") in steps(events)
    assert (rec["id"], "updated", "valid") in steps(events)
    assert (old.json()["id"], "registered", "expired") in steps(events)
    blob = json.dumps([e.data for e in events], ensure_ascii=False)
    for secret in ("刘建国", "王秀英", own_id, old_id, "13912345678"):
        assert secret not in blob
