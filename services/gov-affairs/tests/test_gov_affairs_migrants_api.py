"""Migrants (流动人口) over HTTP on a real PostgreSQL and Kafka (issue 23 item 4): the
community's desk registers a person living here away from their household registration
(masked in lists, refused twice), accepts a residence-permit application whose conditions are
checked at once (refusals name the conditions in words), the police issue it for a year and
the holder is told; the daily sweep reminds once 7 days before the end (a missed 30-day
reminder is not sent late), lapses it after the end, and an endorsement (签注) revives it; a
person who moves away has their permit cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.welfare import add_months
from gov_affairs_helpers import Harness
from sc_contracts.events import NotificationRequestedV1
from sc_core.validators import id_number_check_char


def _id(born: str, seq: str = "003") -> str:
    first = f"410105{born}{seq}"
    return first + id_number_check_char(first)


def _today() -> date:
    return datetime.now(UTC).astimezone(CHINA).date()


async def test_registration_permit_reminders_lapse_and_endorsement(
    harness: Harness, community: str
) -> None:
    h = harness
    desk = h.staff(community, f"desk-{community}", "community_admin")
    police = h.staff(community, f"police-{community}", "police")
    resident = h.resident(f"hh-{community}")
    account = f"mig-{community}"
    zhao = {
        "community_id": community,
        "building_id": "b-1",
        "room_id": "r-302",
        "name": "赵磊",
        "id_number": _id("19900307"),
        "phone": "13912345670",
        "account_id": account,
        "origin_division": "410105",
        "reason": "work",
        "employer": "幸福里物业服务有限公司",
        "moved_in_on": (_today() - timedelta(days=250)).isoformat(),
    }
    r = await h.client.post("/api/v1/migrants/registrations", headers=desk, json=zhao)
    assert r.status_code == 201, r.text
    reg = r.json()
    assert (reg["name"], reg["id_number"]) == ("赵*", "410***********" + zhao["id_number"][-4:])
    assert reg["reason_text"] == {"zh": "务工", "en": "work"}
    twice = await h.client.post("/api/v1/migrants/registrations", headers=desk, json=zhao)
    assert (twice.status_code, twice.json()["code"]) == (409, "migrant.already_registered")
    assert twice.json()["detail"] == "此人已在本社区登记居住"
    nosy = await h.client.get(
        "/api/v1/migrants/registrations", headers=resident, params={"community_id": community}
    )
    assert nosy.status_code == 403
    listed = await h.client.get(
        "/api/v1/migrants/registrations", headers=desk, params={"community_id": community}
    )
    assert [x["name"] for x in listed.json()["items"]] == ["赵*"]
    assert "赵磊" not in listed.text and zhao["id_number"] not in listed.text
    assert "13912345670" not in listed.text

    # the conditions are checked when the desk accepts the application
    url = f"/api/v1/migrants/registrations/{reg['id']}/permit"
    none = {"employed": False, "owns_or_rents": False, "studying": False}
    refused = await h.client.post(url, headers=desk, json=none)
    assert (refused.status_code, refused.json()["code"]) == (422, "permit.not_eligible")
    assert refused.json()["detail"] == (
        "不符合申领居住证的条件：有合法稳定就业、合法稳定住所或连续就读之一"
    )
    newcomer = {
        **zhao,
        "name": "孙悦",
        "id_number": _id("19950611", "024"),
        "account_id": None,
        "moved_in_on": (_today() - timedelta(days=60)).isoformat(),
    }
    r = await h.client.post("/api/v1/migrants/registrations", headers=desk, json=newcomer)
    early = await h.client.post(
        f"/api/v1/migrants/registrations/{r.json()['id']}/permit",
        headers=desk,
        json={**none, "employed": True},
    )
    assert early.status_code == 422, early.text
    assert "在本地居住满半年" in early.json()["detail"]

    applied = await h.client.post(url, headers=desk, json={**none, "employed": True})
    assert applied.status_code == 201, applied.text
    assert (applied.json()["status"], applied.json()["status_text"]["zh"]) == ("applied", "已受理")
    again = await h.client.post(url, headers=desk, json={**none, "employed": True})
    assert (again.status_code, again.json()["code"]) == (409, "permit.already_live")

    # the police issue it (the committee cannot); the holder is told in words
    permit_id = applied.json()["id"]
    not_desk = await h.client.post(f"/api/v1/migrants/permits/{permit_id}/issue", headers=desk)
    assert not_desk.status_code == 403
    issued = await h.client.post(f"/api/v1/migrants/permits/{permit_id}/issue", headers=police)
    assert issued.status_code == 200, issued.text
    permit = issued.json()
    assert permit["status"] == "issued" and permit["number"].startswith(f"JZ{_today().year}")
    end = add_months(_today(), 12)
    assert permit["valid_until"] == end.isoformat()
    told = await h.read(
        NotificationRequestedV1,
        lambda evs: any(e.data["template"] == "gov.permit.issued" for e in evs),
    )
    [note] = [e for e in told if e.data["template"] == "gov.permit.issued"]
    assert note.data["recipients"]["user_ids"] == [account]
    assert note.data["variables"]["body"] == (
        f"您的居住证已签发，证号{permit['number']}，有效期至{end.isoformat()}。请每年按时签注。"
    )

    # 7 days before the end: one reminder (the missed 30-day one is not sent late), once
    migrants = h.usecases.migrants
    assert await migrants.sweep(today=end - timedelta(days=7)) == 1
    assert await migrants.sweep(today=end - timedelta(days=6)) == 0
    reminded = await h.read(
        NotificationRequestedV1,
        lambda evs: any(e.data["template"] == "gov.permit.reminder" for e in evs),
    )
    [reminder] = [e for e in reminded if e.data["template"] == "gov.permit.reminder"]
    assert "还有7天" in reminder.data["variables"]["body"]
    assert "in 7 days" in reminder.data["variables"]["body_en"]
    # the community's grid workers hear it too: the holder masked, never the ID number
    [desk_note] = [e for e in reminded if e.data["template"] == "gov.permit.desk_reminder"]
    assert desk_note.data["recipients"]["roles_in_scope"] == [
        {"role": "grid_worker", "scope_type": "community", "scope_id": community}
    ]
    desk_body = desk_note.data["variables"]["body"]
    assert (
        "的赵*，居住证" in desk_body and f"{permit['number']}将于{end.isoformat()}到期" in desk_body
    )
    assert "还有7天" in desk_body and "赵磊" not in str(desk_note.data)
    assert zhao["id_number"] not in str(desk_note.data)
    assert "(in 7 days); remind them" in desk_note.data["variables"]["body_en"]

    # past the end without an endorsement it lapses; an endorsement revives it for a year
    await migrants.sweep(today=end + timedelta(days=1))
    permits = await h.client.get(
        "/api/v1/migrants/permits", headers=desk, params={"community_id": community}
    )
    [row] = permits.json()["items"]
    assert (row["status"], row["status_text"]["zh"], row["name"]) == (
        "lapsed",
        "已失效（未签注）",
        "赵*",
    )
    endorsed = await h.client.post(f"/api/v1/migrants/permits/{permit_id}/endorse", headers=police)
    assert endorsed.status_code == 200, endorsed.text
    assert endorsed.json()["status"] == "issued"
    assert endorsed.json()["valid_until"] == add_months(_today(), 12).isoformat()

    # moving away cancels the permit in force
    left = await h.client.post(
        f"/api/v1/migrants/registrations/{reg['id']}/leave",
        headers=desk,
        json={"left_on": _today().isoformat()},
    )
    assert left.status_code == 200, left.text
    assert left.json()["left_on"] == _today().isoformat()
    permits = await h.client.get(
        "/api/v1/migrants/permits",
        headers=desk,
        params={"community_id": community, "status": "cancelled"},
    )
    assert [p["id"] for p in permits.json()["items"]] == [permit_id]
    current = await h.client.get(
        "/api/v1/migrants/registrations", headers=desk, params={"community_id": community}
    )
    assert [x["name"] for x in current.json()["items"]] == ["孙*"]
