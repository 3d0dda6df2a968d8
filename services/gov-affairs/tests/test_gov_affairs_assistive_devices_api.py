"""Assistive devices (辅助器具, issue 23 item 3) over HTTP on a real PostgreSQL and Kafka: a
resident whose disability certificate is registered applies (an unregistered or disagreeing
number is refused in words, one open application per device); the welfare desk approves or
refuses with a reason, lends or issues the device (replacement due after its usual life) and
records the return; the applicant is told each step in zh-CN and en; every step is on
``gov.welfare.v1`` with codes only; the counts per grid show the devices."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from test_gov_affairs_hall_api import _id, _settle_place
from test_gov_affairs_welfare_programmes_api import _card

from gov_affairs.domain.welfare import add_months
from gov_affairs.usecases.disability_common import today_in_china
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import NotificationRequestedV1, WelfareChangedV1
from sc_core.bus.cloudevents import CloudEvent

URL = "/api/v1/welfare/disability"


async def _apply(h: Harness, who: dict[str, str], body: dict[str, Any]) -> Any:
    """The answer once the household's place has reached the service."""

    async def attempt() -> Any:
        r = await h.client.post(f"{URL}/devices", headers=who, json=body)
        return None if r.json().get("code") == "disability.place_unknown" else r

    found = await eventually(attempt)
    assert found is not None, "the household's place never reached gov-affairs"
    return found


async def test_apply_decide_lend_return_and_tell(harness: Harness, community: str) -> None:
    h = harness
    household = f"hh-{community}"
    await _settle_place(h, community, household, [("officer-1", "gov_officer")])
    person = h.resident(household, sub=f"zhao-{community}")
    neighbour = h.resident(f"{household}-2", sub=f"qian-{community}")
    officer = h.staff(community, "officer-1", "gov_officer")
    stranger = h.staff(f"{community}-x", "officer-x", "gov_officer")
    today = today_in_china()
    own_id = _id("19600708")
    number = _card(own_id, "4", 1)  # physical, grade 1
    made = await h.client.post(
        f"{URL}/records",
        headers=officer,
        json={
            "community_id": community,
            "grid_id": "g-1",
            "name": "赵红梅",
            "certificate_number": number,
            "valid_until": (today + timedelta(days=3650)).isoformat(),
        },
    )
    assert made.status_code == 201, made.text

    wheelchair = {"certificate_number": number, "device_type": "wheelchair", "reason": "行走困难"}
    unknown = await _apply(
        h, person, {**wheelchair, "certificate_number": _card(_id("19710101"), "4", 1)}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "disability.not_registered")
    assert "尚未登记此残疾人证" in unknown.json()["detail"]
    differs = await _apply(h, person, {**wheelchair, "certificate_number": _card(own_id, "4", 2)})
    assert (differs.status_code, differs.json()["code"]) == (422, "disability.card_mismatch")
    odd = await _apply(h, person, {**wheelchair, "device_type": "jetpack"})
    assert odd.status_code == 422, odd.text

    applied = await _apply(h, person, wheelchair)
    assert applied.status_code == 201, applied.text
    dev = applied.json()
    assert (dev["status"], dev["holder"], dev["grid_id"]) == ("applied", "赵*梅", "g-1")
    assert dev["device_name"] == {"zh": "轮椅", "en": "wheelchair"}
    twice = await _apply(h, person, wheelchair)
    assert (twice.status_code, twice.json()["code"]) == (409, "disability.device_open")

    one = f"{URL}/devices/{dev['id']}"
    for who, status in ((person, 403), (stranger, 403)):
        r = await h.client.post(f"{one}/decision", headers=who, json={"outcome": "approve"})
        assert r.status_code == status, r.text
    early = await h.client.post(f"{one}/issue", headers=officer, json={"mode": "loan"})
    assert (early.status_code, early.json()["code"]) == (409, "disability.device_state")
    assert early.json()["detail"] == "只有已批准的申请可以出借器具"
    approved = await h.client.post(f"{one}/decision", headers=officer, json={"outcome": "approve"})
    assert approved.json()["status"] == "approved", approved.text
    future = (today + timedelta(days=1)).isoformat()
    r = await h.client.post(
        f"{one}/issue", headers=officer, json={"mode": "loan", "issued_on": future}
    )
    assert (r.status_code, r.json()["code"]) == (422, "disability.issued_in_future")
    lent = await h.client.post(f"{one}/issue", headers=officer, json={"mode": "loan"})
    assert lent.status_code == 200, lent.text
    assert (lent.json()["status"], lent.json()["mode"]) == ("on_loan", "loan")
    assert lent.json()["issued_on"] == today.isoformat()
    assert lent.json()["replace_by"] == add_months(today, 60).isoformat()  # a wheelchair: 5 years
    back = await h.client.post(f"{one}/return", headers=officer, json={})
    assert (back.json()["status"], back.json()["returned_on"]) == ("returned", today.isoformat())
    again = await h.client.post(f"{one}/return", headers=officer, json={})
    assert (again.status_code, again.json()["code"]) == (409, "disability.device_state")

    # a refusal says why; a device given for good keeps its replacement date
    aid = await _apply(h, person, {**wheelchair, "device_type": "hearing_aid"})
    aid_url = f"{URL}/devices/{aid.json()['id']}/decision"
    bare = await h.client.post(aid_url, headers=officer, json={"outcome": "refuse"})
    assert (bare.status_code, bare.json()["code"]) == (422, "disability.reason_missing")
    no = await h.client.post(
        aid_url, headers=officer, json={"outcome": "refuse", "note": "听力残疾方可申请助听器"}
    )
    assert no.json()["status"] == "refused", no.text
    walker = await _apply(h, person, {**wheelchair, "device_type": "walker"})
    walker_url = f"{URL}/devices/{walker.json()['id']}"
    await h.client.post(f"{walker_url}/decision", headers=officer, json={"outcome": "approve"})
    due = (today + timedelta(days=700)).isoformat()
    given = await h.client.post(
        f"{walker_url}/issue", headers=officer, json={"mode": "grant", "replace_by": due}
    )
    assert (given.json()["status"], given.json()["replace_by"]) == ("issued", due), given.text

    # lists: the desk's (audited), the applicant's own, nobody else's
    desk = await h.client.get(f"{URL}/devices", headers=officer, params={"community_id": community})
    assert desk.status_code == 200, desk.text
    assert desk.json()["total"] == 3 and "赵红梅" not in desk.text
    by_type = {d["device_type"]: d for d in desk.json()["items"]}
    assert {d["reason"] for d in by_type.values()} == {"行走困难"}  # why, for the desk
    assert by_type["hearing_aid"]["decision_note"] == "听力残疾方可申请助听器"
    mine = await h.client.get(f"{URL}/devices", headers=person, params={"mine": "true"})
    assert sorted(d["device_type"] for d in mine.json()["items"]) == [
        "hearing_aid",
        "walker",
        "wheelchair",
    ]
    theirs = await h.client.get(f"{URL}/devices", headers=neighbour, params={"mine": "true"})
    assert theirs.json()["total"] == 0
    r = await h.client.get(f"{URL}/devices", headers=stranger, params={"community_id": community})
    assert r.status_code == 403, r.text

    stats = await h.client.get(
        f"{URL}/statistics", headers=officer, params={"community_id": community, "by": "community"}
    )
    assert stats.json() == [
        {
            "place_id": community,
            "holders": 1,
            "expired": 0,
            "by_category": {"4": 1},
            "by_grade": {"1": 1},
            "devices": {"issued": 1, "refused": 1, "returned": 1},
        }
    ]

    # the applicant hears each step in both languages
    mine_sub = f"zhao-{community}"

    def told(evs: list[CloudEvent]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for e in evs:
            if e.data["recipients"]["user_ids"] == [mine_sub]:
                out.setdefault(e.data["template"], []).append(e.data["variables"])
        return out

    messages = told(
        await h.read(
            NotificationRequestedV1,
            lambda evs: (
                len(told(evs).get("gov.device.decided", [])) >= 3
                and len(told(evs).get("gov.device.issued", [])) >= 2
                and "gov.device.returned" in told(evs)
            ),
        )
    )
    bodies = {v["body"] for v in messages["gov.device.decided"]}
    assert "您申请的轮椅已批准，请等待发放通知。" in bodies
    assert "您申请的助听器未获批准。听力残疾方可申请助听器" in bodies
    english = {v["body_en"].strip() for v in messages["gov.device.decided"]}
    assert "Your application for a wheelchair was approved; you will be told when it is ready." in (
        english
    )
    issued = {v["title"]: v for v in messages["gov.device.issued"]}
    assert issued["轮椅已出借"]["body"] == f"您申请的轮椅已于{today.isoformat()}出借。用完请归还。"
    assert issued["助行器已发放"]["body_en"] == (
        f"Your walking frame was issued on {today.isoformat()}. Due for replacement by {due}."
    )
    assert issued["助行器已发放"]["title_en"] == "Assistive device issued: walking frame"
    [returned] = messages["gov.device.returned"]
    assert returned["body"] == f"您借用的轮椅已于{today.isoformat()}登记归还。"

    # every step on gov.welfare.v1: ids and codes only
    def steps(evs: list[CloudEvent]) -> list[tuple[str, str, str | None]]:
        return [
            (e.data["beneficiary_id"], e.data["action"], e.data.get("device_type"))
            for e in evs
            if e.data["programme"] == "assistive_device" and e.data["community_id"] == community
        ]

    events = await h.read(WelfareChangedV1, lambda evs: len(steps(evs)) >= 9)
    assert [a for i, a, _ in steps(events) if i == dev["id"]] == [
        "applied",
        "approved",
        "lent",
        "returned",
    ]
    assert {t for _, _, t in steps(events)} == {"wheelchair", "hearing_aid", "walker"}
    blob = json.dumps([e.data for e in events], ensure_ascii=False)
    for secret in ("赵红梅", own_id, "行走困难"):
        assert secret not in blob
