"""The severe-disability care subsidy (重度残疾人护理补贴) enrols at the register's grade, over
HTTP on a real PostgreSQL and Kafka (issue 23 item 3): a holder whose 残疾人证 is re-assessed
(grade 1 to grade 2) between the application and its approval is enrolled at the register's
grade 2 (100 yuan a month), not the form's grade 1; a holder the register does not know is
enrolled on the form's certificate (grade 1, 150 yuan), as before; a holder re-assessed at
grade 3 (not severe) is not approved into nothing: the last signer's approval is refused in
words (409 ``welfare.no_longer_eligible``) and the application is rejected instead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from test_gov_affairs_hall_api import _apply, _id, _settle_place, _upload
from test_gov_affairs_welfare_programmes_api import _approve_in_order, _card

from gov_affairs.usecases.disability_common import today_in_china
from gov_affairs_helpers import Harness

URL = "/api/v1/welfare/disability"


async def test_the_care_subsidy_takes_the_registered_grade(
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
    registered_id, unregistered_id = _id("19700415"), _id("19580303")
    milder_id = _id("19650912")

    async def register(name: str, id_number: str) -> dict[str, Any]:
        made = await h.client.post(
            f"{URL}/records",
            headers=officer,
            json={
                "community_id": community,
                "name": name,
                "certificate_number": _card(id_number, "4", 1),  # physical, grade 1
                "valid_until": (today_in_china() + timedelta(days=3650)).isoformat(),
            },
        )
        assert made.status_code == 201, made.text
        return dict(made.json())

    rec = await register("刘建国", registered_id)
    milder = await register("陈志强", milder_id)

    async def apply(name: str, id_number: str) -> dict[str, Any]:
        form = {
            "name": name,
            "id_number": id_number,
            "phone": "13912345678",
            "disability_card": _card(id_number, "4", 1),  # grade 1 on the form
            "bank_account": "6222020200112233446",
        }
        materials = await _upload(h, person, "id_card", "disability_certificate", "bank_card")
        body = {"item_code": "disability_care_subsidy", "data": form, "materials": materials}
        applied = await _apply(h, person, body)
        assert applied["status"] == "in_review", applied
        return applied

    reassessed = await apply("刘建国", registered_id)
    unknown = await apply("王秀英", unregistered_id)
    no_longer = await apply("陈志强", milder_id)

    # re-assessed at grade 2 (and grade 3) while the applications wait
    for record, id_number, grade in ((rec, registered_id, 2), (milder, milder_id, 3)):
        changed = await h.client.patch(
            f"{URL}/records/{record['id']}",
            headers=officer,
            json={
                "certificate_number": _card(id_number, "4", grade),
                "version": record["version"],
            },
        )
        assert changed.status_code == 200, changed.text
    assert changed.json()["grade_name"] == {"zh": "三级", "en": "grade 3"}

    await _approve_in_order(h, reassessed["id"], admin, officer)
    await _approve_in_order(h, unknown["id"], admin, officer)

    # grade 3 is not severe: the approval that would enrol nobody is refused in words
    step = f"/api/v1/hall/applications/{no_longer['id']}"
    r = await h.client.post(f"{step}/approve", headers=admin, json={})
    assert r.status_code == 200, r.text
    r = await h.client.post(f"{step}/approve", headers=officer, json={})
    assert (r.status_code, r.json()["code"]) == (409, "welfare.no_longer_eligible"), r.text
    assert r.json()["detail"].startswith("申请人已不符合条件（")
    assert "请驳回申请并说明理由" in r.json()["detail"]
    r = await h.client.post(
        f"{step}/approve", headers={**officer, "Accept-Language": "en"}, json={}
    )
    assert "no longer meets the programme's rules" in r.json()["detail"]
    r = await h.client.post(
        f"{step}/reject", headers=officer, json={"comment": "残疾等级复评为三级，不符合条件"}
    )
    assert (r.status_code, r.json()["status"]) == (200, "rejected"), r.text

    listed = await h.client.get(
        "/api/v1/welfare/register",
        headers=officer,
        params={"community_id": community, "programme": "disability_care_subsidy"},
    )
    assert listed.status_code == 200, listed.text
    amounts = {b["name"]: (b["status"], b["monthly_amount"]) for b in listed.json()["items"]}
    assert amounts == {"刘*国": ("active", "100.00"), "王*英": ("active", "150.00")}
