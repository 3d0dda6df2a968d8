"""Volunteers over HTTP on PostgreSQL and Kafka (6.5.2 c): a resident registers (the ID
number encrypted at rest, masked in every answer, staff reads audited); the community
certifies her, which gives the volunteer number (not the ID number), and publishes a
service of hers that an elder books; hours are recorded with the regulation's fields and
corrected by a correcting record, never edited; the certificate of hours is the hall's
kind of certificate (PDF, public check by its code); banked hours are spent, never below
zero; VolunteerChangedV1 carries ids and figures only, and the volunteer is told."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from gov_affairs.domain.volunteers import check_volunteer_number
from gov_affairs_helpers import Harness, register
from sc_contracts.events import AuditRecordedV1, NotificationRequestedV1, VolunteerChangedV1
from sc_core.auth import Grant

ID_NUMBER = "11010519491231002X"


async def test_a_volunteer_from_registration_to_a_certificate_of_hours(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0, "102": 80.0})
    staff = h.staff(community, "officer-v1", "community_admin")
    wang = h.issuer.bearer(
        "acc-v-101", grants=[Grant("resident", "household", homes["101"])], name="王秀英"
    )
    elder = h.issuer.bearer(
        "acc-v-102", grants=[Grant("resident", "household", homes["102"])], name="李明"
    )
    outsider = h.issuer.bearer("acc-v-x", grants=[Grant("resident", "household", "h-elsewhere")])

    body = {
        "community_id": community,
        "name": "王秀英",
        "id_number": ID_NUMBER,
        "phone": "13800001234",
        "skills": ["陪同就医", "理发"],
        "availability": "工作日下午",
    }
    refused = await h.client.post("/api/v1/volunteers", headers=outsider, json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "volunteer.not_a_resident"
    made = await h.client.post("/api/v1/volunteers", headers=wang, json=body)
    assert made.status_code == 201, made.text
    me = made.json()
    assert (me["name"], me["id_number"], me["phone"]) == (
        "王*英",
        "110***********002X",
        "138****1234",
    )
    assert me["status_name"]["zh"] == "待认证" and me["number"] is None
    again = await h.client.post("/api/v1/volunteers", headers=wang, json=body)
    assert again.status_code == 409 and again.json()["code"] == "volunteer.already_registered"
    bad = await h.client.post(
        "/api/v1/volunteers", headers=elder, json={**body, "id_number": "110105194912310021"}
    )
    assert bad.status_code == 422
    url = f"/api/v1/volunteers/{me['id']}"

    # encrypted at rest: the table never holds the ID number, the name or the phone
    async with h.usecases.volunteers.db.uow(read_only=True) as uow:
        raw = (
            await uow.session.execute(
                text("SELECT name, id_number, phone FROM volunteers WHERE id = :id"),
                {"id": uuid.UUID(me["id"])},
            )
        ).one()
    assert not {"王秀英", ID_NUMBER, "13800001234"} & set(raw)
    assert all(ID_NUMBER not in value for value in raw)

    # the register: staff see every volunteer masked (an audited read), a resident her own
    listed = await h.client.get(
        "/api/v1/volunteers", headers=staff, params={"community_id": community}
    )
    assert listed.status_code == 200 and ID_NUMBER not in listed.text
    assert [(v["name"], v["id_number"]) for v in listed.json()["items"]] == [
        ("王*英", "110***********002X")
    ]
    others = await h.client.get(
        "/api/v1/volunteers", headers=elder, params={"community_id": community}
    )
    assert others.json()["items"] == []
    assert (await h.client.get(url, headers=elder)).status_code == 404

    # certified by the community: the volunteer number, never the ID number
    denied = await h.client.post(f"{url}/steps", headers=wang, json={"action": "certify"})
    assert denied.status_code == 403
    certified = await h.client.post(f"{url}/steps", headers=staff, json={"action": "certify"})
    assert certified.status_code == 200, certified.text
    number = certified.json()["number"]
    assert check_volunteer_number(number) and number[6:10] == str(datetime.now(UTC).year)
    assert ID_NUMBER[6:14] not in number  # nothing of the birth date
    twice = await h.client.post(f"{url}/steps", headers=staff, json={"action": "certify"})
    assert twice.status_code == 409 and twice.json()["code"] == "volunteer.bad_state"

    # a service of hers, booked by an elder of the community
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    service = await h.client.post(
        "/api/v1/volunteers/services",
        headers=staff,
        json={
            "volunteer_id": me["id"],
            "title": "陪同就医",
            "description": "陪同老人到社区卫生服务中心就诊",
            "place": "社区卫生服务中心",
            "slots": [
                {
                    "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=2)).isoformat(),
                }
            ],
        },
    )
    assert service.status_code == 201, service.text
    sid = service.json()["id"]
    assert service.json()["volunteer_name"] == "王*英"
    booking = {"starts_at": start.isoformat(), "note": "需要轮椅"}
    booked = await h.client.post(
        f"/api/v1/volunteers/services/{sid}/bookings", headers=elder, json=booking
    )
    assert booked.status_code == 201, booked.text
    taken = await h.client.post(
        f"/api/v1/volunteers/services/{sid}/bookings", headers=elder, json=booking
    )
    assert taken.status_code == 409 and taken.json()["code"] == "volunteer.slot_taken"
    offered = await h.client.get(
        "/api/v1/volunteers/services", headers=elder, params={"community_id": community}
    )
    assert offered.json()["items"][0]["slots"][0]["booked"] is True

    # hours with the regulation's fields; a correction is a new record, never an edit
    served = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    hours = {
        "service_id": sid,
        "project": "陪同就医",
        "content": "陪同李明到社区卫生服务中心复诊、取药",
        "place": "社区卫生服务中心",
        "started_at": served.isoformat(),
        "ended_at": (served + timedelta(hours=2, minutes=20)).isoformat(),
    }
    first = await h.client.post(f"{url}/hours", headers=staff, json=hours)
    assert first.status_code == 201, first.text
    record = first.json()["record"]
    assert (record["hours"], first.json()["total_hours"]) == ("2.0", "2.0")
    assert (record["volunteer_name"], record["id_number"], record["volunteer_number"]) == (
        "王*英",
        "110***********002X",
        number,
    )
    assert record["organisation"] == "幸福里社区" and record["recorded_by"] == "officer-v1"
    fix = {**hours, "ended_at": (served + timedelta(hours=3)).isoformat(), "corrects": record["id"]}
    no_reason = await h.client.post(f"{url}/hours", headers=staff, json=fix)
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "volunteer.reason_required"
    fixed = await h.client.post(
        f"{url}/hours", headers=staff, json={**fix, "reason": "漏记候诊时间"}
    )
    assert fixed.status_code == 201 and fixed.json()["total_hours"] == "3.0"
    again = await h.client.post(f"{url}/hours", headers=staff, json={**fix, "reason": "再次更正"})
    assert again.status_code == 409 and again.json()["code"] == "volunteer.already_corrected"
    records = (await h.client.get(f"{url}/hours", headers=wang)).json()
    assert records["total"] == 2
    assert {(r["hours"], r["corrected"]) for r in records["items"]} == {
        ("2.0", True),
        ("3.0", False),
    }

    # the certificate of hours: issued by the community, the PDF, the public check
    issued = await h.client.post(
        f"{url}/certificates", headers=staff, json={"since": "2026-01-01", "until": "2026-12-31"}
    )
    assert issued.status_code == 201, issued.text
    cert = issued.json()
    assert cert["hours"] == "3.0"
    pdf = await h.client.get(cert["pdf"], headers=wang)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    check = await h.client.get(f"/api/v1/certificates/verify/{cert['code']}")
    assert check.status_code == 200, check.text
    assert (check.json()["holder"], check.json()["standing"]) == ("王*英", "valid")
    assert check.json()["title"]["zh"] == "志愿服务记录证明"

    # the time bank: hours given now, spent on care later, never below zero
    spent = await h.client.post(
        f"{url}/time-bank/spend",
        headers=staff,
        json={"hours": 1.0, "what": "助浴服务", "beneficiary": "母亲"},
    )
    assert spent.status_code == 200, spent.text
    assert (spent.json()["hours"], spent.json()["banked"]) == ("3.0", "2.0")
    short = await h.client.post(
        f"{url}/time-bank/spend", headers=staff, json={"hours": 5, "what": "助餐"}
    )
    assert short.status_code == 409 and short.json()["code"] == "timebank.insufficient"

    suspended = await h.client.post(f"{url}/steps", headers=staff, json={"action": "suspend"})
    assert suspended.status_code == 422
    suspended = await h.client.post(
        f"{url}/steps", headers=staff, json={"action": "suspend", "reason": "外出半年"}
    )
    assert suspended.json()["status_name"]["zh"] == "已暂停"
    later = await h.client.post(f"{url}/hours", headers=staff, json=hours)
    assert later.status_code == 422 and later.json()["code"] == "volunteer.not_certified"

    # events: ids and figures only; the volunteer is told in both languages
    events = await h.read(
        VolunteerChangedV1,
        lambda found: any(e.data["action"] == "suspended" for e in found),
    )
    mine = [e.data for e in events if e.data["volunteer_id"] == me["id"]]
    assert [e["action"] for e in mine] == [
        "registered",
        "certified",
        "booked",
        "hours_recorded",
        "hours_corrected",
        "certificate_issued",
        "hours_spent",
        "suspended",
    ]
    corrected = next(e for e in mine if e["action"] == "hours_corrected")
    assert (corrected["corrects"], corrected["hours"], corrected["total_hours"]) == (
        record["id"],
        3.0,
        3.0,
    )
    assert "王秀英" not in json.dumps(mine, ensure_ascii=False) and ID_NUMBER not in str(mine)

    def hours_told(found: list[Any]) -> list[str]:
        return [
            e.data["variables"]["body"]
            for e in found
            if e.data.get("correlation_id") == me["id"]
            and e.data["template"] == "gov.volunteer.hours"
        ]

    # the recorded hours and their correction are two messages keyed by their records, so
    # they may arrive in either order: wait for the corrected total, not for a count
    told = await h.read(
        NotificationRequestedV1,
        lambda found: (
            sum(1 for e in found if e.data.get("correlation_id") == me["id"]) >= 4
            and any(body.endswith("累计3.0小时。") for body in hours_told(found))
        ),
    )
    texts = {
        e.data["template"]: e.data["variables"]
        for e in told
        if e.data.get("correlation_id") == me["id"]
    }
    assert texts["gov.volunteer.certified"]["body"] == (
        f"您已通过幸福里社区的志愿者认证，志愿者编号{number}。"
    )
    assert texts["gov.volunteer.certified"]["title_en"] == "Volunteer certification approved"
    assert "需要轮椅" in texts["gov.volunteer.booked"]["body"]
    assert sorted(body[-8:] for body in hours_told(told)) == ["累计2.0小时。", "累计3.0小时。"]
    audits = await h.read(
        AuditRecordedV1,
        lambda found: any(e.data.get("action") == "volunteer.register_read" for e in found),
    )
    assert any(e.data.get("action") == "volunteer.register_read" for e in audits)
