"""The welfare programmes beyond the old-age allowance, over HTTP on a real PostgreSQL and
Kafka (issue 23 item 3): a severe-disability care subsidy applied for with the 残疾人证 and
approved by the committee then the street office enters the register; a certificate that is
someone else's is refused in words; hardship aid pays once at approval; the street office
re-examines a record (复核): an adjustment needs the amount, the applicant hears the outcome
in words, every step is on ``gov.welfare.v1`` without the person, and a suspended record is
not paid."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from httpx import Response
from test_gov_affairs_hall_api import _apply, _id, _settle_place, _upload

from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs_helpers import Harness, eventually
from sc_contracts.events import NotificationRequestedV1, WelfareChangedV1


def _card(id_number: str, category: str, grade: int) -> str:
    """A second-generation 残疾人证 number: the holder's ID number, category, grade."""
    return f"{id_number}{category}{grade}"


async def _approve_in_order(
    h: Harness, app_id: str, admin: dict[str, str], officer: dict[str, str]
) -> dict[str, Any]:
    r = await h.client.post(f"/api/v1/hall/applications/{app_id}/approve", headers=admin, json={})
    assert r.status_code == 200, r.text
    r = await h.client.post(f"/api/v1/hall/applications/{app_id}/approve", headers=officer, json={})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved", r.text
    return dict(r.json())


async def _refused(h: Harness, who: dict[str, str], body: dict[str, Any]) -> Response:
    """The answer to an application once the household's place has reached the service."""

    async def attempt() -> Response | None:
        r = await h.client.post("/api/v1/hall/applications", headers=who, json=body)
        return None if r.json().get("code") == "hall.place_unknown" else r

    found = await eventually(attempt)
    assert found is not None, "the household's place never reached gov-affairs"
    return found


def _next_month() -> str:
    today = datetime.now(UTC).astimezone(CHINA).date()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


async def test_disability_subsidy_hardship_aid_and_a_re_examination(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{community}"
    await _settle_place(
        h, community, household, [("admin-1", "community_admin"), ("officer-1", "gov_officer")]
    )
    person = h.resident(household, sub=f"liu-{community}")
    admin = h.staff(community, "admin-1", "community_admin")
    officer = h.staff(community, "officer-1", "gov_officer")
    stranger = h.staff(f"{community}-x", "officer-x", "gov_officer")

    items = await h.client.get(
        "/api/v1/hall/items", headers=person, params={"community_id": community}
    )
    subsidy = next(i for i in items.json() if i["code"] == "disability_care_subsidy")
    assert subsidy["name"]["zh"] == "重度残疾人护理补贴申请"
    assert subsidy["form"]["properties"]["disability_card"]["x-kind"] == "disability_card"

    own_id = _id("19700415")
    form = {
        "name": "刘建国",
        "id_number": own_id,
        "phone": "13912345678",
        "disability_card": _card(own_id, "2", 1),  # hearing, grade 1
        "bank_account": "6222020200112233446",
    }
    materials = await _upload(h, person, "id_card", "disability_certificate", "bank_card")

    # a certificate number that does not parse is a field error in words
    bad = await _refused(
        h,
        person,
        {
            "item_code": "disability_care_subsidy",
            "data": {**form, "disability_card": own_id + "91"},
            "materials": materials,
        },
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "hall.form_invalid"), bad.text
    assert "残疾类别" in json.dumps(bad.json(), ensure_ascii=False)

    # someone else's certificate is not the applicant's: refused with the condition's words
    other = await _refused(
        h,
        person,
        {
            "item_code": "disability_care_subsidy",
            "data": {**form, "disability_card": _card(_id("19650101"), "2", 1)},
            "materials": materials,
        },
    )
    assert (other.status_code, other.json()["code"]) == (422, "hall.not_eligible"), other.text
    assert "残疾人证为申请人本人所有" in json.dumps(other.json(), ensure_ascii=False)

    applied = await _apply(
        h, person, {"item_code": "disability_care_subsidy", "data": form, "materials": materials}
    )
    assert (applied["status"], applied["instant"]) == ("in_review", False)
    await _approve_in_order(h, applied["id"], admin, officer)

    # hardship aid: one payment, at approval, capped; the record is then ended
    aid_id = _id("19820920")
    aid = await _apply(
        h,
        person,
        {
            "item_code": "temporary_aid",
            "data": {
                "name": "刘建国",
                "id_number": aid_id,
                "phone": "13912345678",
                "emergency": "illness",
                "circumstances": "住院治疗，自付费用较高",
                "requested_amount": 5000,
                "account": "6222020200112233446",
            },
            "materials": await _upload(h, person, "id_card", "hardship_proof", "bank_card"),
        },
    )
    await _approve_in_order(h, aid["id"], admin, officer)

    reg = await h.client.get(
        "/api/v1/welfare/register", headers=officer, params={"community_id": community}
    )
    assert reg.status_code == 200, reg.text
    rows = {b["programme"]: b for b in reg.json()["items"]}
    assert set(rows) == {"disability_care_subsidy", "temporary_aid"}
    care = rows["disability_care_subsidy"]
    assert (care["name"], care["status"], care["monthly_amount"]) == ("刘*国", "active", "150.00")
    assert care["programme_name"] == {
        "zh": "重度残疾人护理补贴",
        "en": "Care subsidy for severe disability",
    }
    assert care["next_review_on"] is not None
    assert rows["temporary_aid"]["status"] == "ended"

    # every step is on gov.welfare.v1: ids, codes and amounts, never the person
    def _steps(evs: list[Any]) -> list[tuple[str, str]]:
        return [(e.data["programme"], e.data["action"]) for e in evs]

    events = await h.read(
        WelfareChangedV1,
        lambda evs: (
            {
                ("disability_care_subsidy", "enrolled"),
                ("temporary_aid", "enrolled"),
                ("temporary_aid", "paid"),
            }
            <= set(_steps(evs))
        ),
    )
    paid = next(e for e in events if _steps([e]) == [("temporary_aid", "paid")])
    assert paid.data["amount"] == "3300.00"  # 5,000 asked, the cap paid
    blob = json.dumps([e.data for e in events], ensure_ascii=False)
    for secret in ("刘建国", own_id, aid_id, "13912345678", "6222020200112233446"):
        assert secret not in blob

    # re-examination: due a year on; strangers and residents cannot do it
    later = (date.today() + timedelta(days=400)).isoformat()
    due = await h.client.get(
        "/api/v1/welfare/reviews",
        headers=officer,
        params={"community_id": community, "on": later},
    )
    assert due.status_code == 200, due.text
    assert [b["programme"] for b in due.json()["items"]] == ["disability_care_subsidy"]
    assert due.json()["items"][0]["name"] == "刘*国"
    today_due = await h.client.get(
        "/api/v1/welfare/reviews", headers=officer, params={"community_id": community}
    )
    assert today_due.json()["total"] == 0  # enrolled today: not due yet
    url = f"/api/v1/welfare/register/{care['id']}/reviews"
    for who, status in ((stranger, 403), (person, 403)):
        r = await h.client.post(url, headers=who, json={"outcome": "continue"})
        assert r.status_code == status, r.text
    missing = await h.client.post(url, headers=officer, json={"outcome": "adjust"})
    assert (missing.status_code, missing.json()["code"]) == (422, "welfare.amount_missing")
    assert missing.json()["detail"] == "调整须写明新的金额"
    adjusted = await h.client.post(
        url,
        headers=officer,
        json={"outcome": "adjust", "monthly_amount": "180.00", "note": "按新标准调整"},
    )
    assert adjusted.status_code == 200, adjusted.text
    assert (adjusted.json()["status"], adjusted.json()["monthly_amount"]) == ("active", "180.00")

    told = await h.read(
        NotificationRequestedV1,
        lambda evs: any(e.data["template"] == "gov.welfare.reviewed" for e in evs),
    )
    [message] = [e for e in told if e.data["template"] == "gov.welfare.reviewed"]
    assert message.data["recipients"]["user_ids"] == [f"liu-{community}"]
    variables = message.data["variables"]
    assert variables["title"] == "“重度残疾人护理补贴”复核结果"
    assert variables["body"] == "您的“重度残疾人护理补贴”已完成年度复核：调整金额。每月180.00元。"
    assert variables["body_en"] == (
        "Your Care subsidy for severe disability was re-examined: amount adjusted."
        " 180.00 yuan a month."
    )

    # suspended: next month pays nothing; the step is on the topic
    suspended = await h.client.post(
        url, headers=officer, json={"outcome": "suspend", "note": "外出务工，暂停"}
    )
    assert suspended.json()["status"] == "suspended", suspended.text
    run = await h.client.post(
        "/api/v1/welfare/payments",
        headers=officer,
        json={"community_id": community, "month": _next_month()},
    )
    assert run.json() == {"recorded": 0}, run.text
    await h.read(
        WelfareChangedV1,
        lambda evs: (
            ("disability_care_subsidy", "suspended") in _steps(evs)
            and ("disability_care_subsidy", "adjusted") in _steps(evs)
        ),
    )
    gone = await h.client.post(
        "/api/v1/welfare/register/00000000-0000-0000-0000-000000000000/reviews",
        headers=officer,
        json={"outcome": "continue"},
    )
    assert (gone.status_code, gone.json()["code"]) == (404, "welfare.not_found")
