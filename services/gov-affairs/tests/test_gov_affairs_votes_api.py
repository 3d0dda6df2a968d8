"""Owners' assembly votes over HTTP on PostgreSQL and Kafka (Civil Code art. 278): the
electorate from identity's room register (owners and exclusive areas from its events), one
ballot per room across the app and paper, the live tally with each threshold's numbers, and
the closing event.

The renovation-fund vote: owners holding most of the area vote, too few owners by head do,
so the tally says the decision failed, and why."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from gov_affairs_helpers import Harness, owner, register
from sc_contracts.events import VoteClosedV1

# room -> exclusive area: three large flats and six small ones (900 m², 9 owners)
ROOMS = {
    "101": 200.0,
    "102": 200.0,
    "201": 200.0,
    "301": 50.0,
    "302": 50.0,
    "401": 50.0,
    "402": 50.0,
    "501": 50.0,
    "502": 50.0,
}


def check(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(c for c in body["checks"] if c["key"] == key)


async def test_a_renovation_fund_vote_met_by_area_but_not_by_head_fails_and_says_why(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, ROOMS)
    staff = h.staff(community, "committee-1", "community_admin")
    now = datetime.now(UTC)
    opened = await h.client.post(
        "/api/v1/votes",
        headers=staff,
        json={
            "community_id": community,
            "title": "使用专项维修资金翻新外立面",
            "title_en": "Renovate the facade from the maintenance fund",
            "matter": "special",
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
        },
    )
    assert opened.status_code == 201, opened.text
    vote = opened.json()
    assert vote["eligible"] == 9 and float(vote["total_area_m2"]) == 900.0
    assert vote["matter_name"]["zh"] == "特别事项（四分之三以上同意）"
    url = f"/api/v1/votes/{vote['id']}"

    # the three large flats vote in the app, one small flat on paper
    for number in ("101", "102", "201"):
        cast = await h.client.post(
            f"{url}/ballots", headers=owner(h, homes[number]), json={"choice": "agree"}
        )
        assert cast.status_code == 200, cast.text
        assert cast.json()["my_ballot"]["channel_name"]["zh"] == "线上"
    paper = await h.client.post(
        f"{url}/paper-ballots",
        headers=staff,
        json={"room_id": f"{community}-r301", "choice": "agree", "serial": "ZP-0001"},
    )
    assert paper.status_code == 200, paper.text

    # never both: a paper ballot for a flat that voted in the app, an app vote after paper
    again = await h.client.post(
        f"{url}/paper-ballots",
        headers=staff,
        json={"room_id": f"{community}-r101", "choice": "disagree", "serial": "ZP-0002"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "vote.already_cast"
    assert again.json()["detail"] == "该业主已经以线上方式表决，不能重复投票"
    late = await h.client.post(
        f"{url}/ballots", headers=owner(h, homes["301"]), json={"choice": "disagree"}
    )
    assert late.status_code == 409 and late.json()["code"] == "vote.already_cast"
    assert "纸质票" in late.json()["messages"]["zh-CN"]
    # a tenant of a flat is not its owner; staff cannot vote in the app either
    tenant = await h.client.post(
        f"{url}/ballots", headers=owner(h, homes["302"], "tenant"), json={"choice": "agree"}
    )
    assert tenant.status_code == 403 and tenant.json()["code"] == "vote.not_an_owner"
    # a paper ballot's serial number is entered once
    twice = await h.client.post(
        f"{url}/paper-ballots",
        headers=staff,
        json={"room_id": f"{community}-r302", "choice": "agree", "serial": "ZP-0001"},
    )
    assert twice.status_code == 409 and twice.json()["code"] == "vote.paper_serial_taken"

    # the live tally, as a resident of the community reads it
    live = (await h.client.get(url, headers=owner(h, homes["502"]))).json()
    assert live["final"] is False and live["status_name"]["zh"] == "表决中"
    assert (live["ballots"], live["in_app"], live["on_paper"]) == (4, 3, 1)
    area = check(live, "participation_area")
    assert (area["counted"], area["of"], area["percent"], area["met"]) == (
        "650.00 m²",
        "900.00 m²",
        "72.22%",
        True,
    )
    heads = check(live, "participation_heads")
    assert (heads["counted"], heads["of"], heads["met"]) == ("4", "9", False)
    assert heads["threshold"]["zh"] == "三分之二以上"
    assert check(live, "approval_area")["met"] and check(live, "approval_heads")["met"]
    assert live["verdict"]["zh"].startswith("表决进行中，按目前的票数：表决未通过")

    # not closed before its time; the closer closes it when the period has ended
    early = await h.client.post(f"{url}/close", headers=staff)
    assert early.status_code == 409 and early.json()["code"] == "vote.still_open"
    assert await h.usecases.assembly.close_due(now + timedelta(days=8)) >= 1
    final = (await h.client.get(url, headers=staff)).json()
    assert final["final"] is True and final["passed"] is False
    assert final["status_name"] == {"zh": "已结束", "en": "closed"}
    assert final["verdict"]["zh"] == (
        "表决未通过：参与表决的业主人数为4/9（44.44%），未达到三分之二以上。"
    )
    assert final["verdict"]["en"] == (
        "Not passed: participating owners was 4 of 9 (44.44%), short of at least 2/3."
    )
    closed = await h.client.post(
        f"{url}/ballots", headers=owner(h, homes["402"]), json={"choice": "agree"}
    )
    assert closed.status_code == 409 and closed.json()["code"] == "vote.closed"

    events = await h.read(
        VoteClosedV1, lambda found: any(e.data["vote_id"] == vote["id"] for e in found)
    )
    event = next(e.data for e in events if e.data["vote_id"] == vote["id"])
    assert event["passed"] is False and event["missed"] == ["participation_heads"]
    assert (event["ballots"], event["eligible"], event["participating_area_m2"]) == (4, 9, 650.0)

    listed = (
        await h.client.get("/api/v1/votes", headers=staff, params={"community_id": community})
    ).json()
    assert [v["title"] for v in listed["items"]] == ["使用专项维修资金翻新外立面"]


async def test_a_register_without_areas_is_refused_and_outsiders_see_nothing(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0, "102": None})
    staff = h.staff(community, "committee-2", "community_admin")
    now = datetime.now(UTC)
    body = {
        "community_id": community,
        "title": "选举业主委员会",
        "title_en": "Elect the owners' committee",
        "matter": "ordinary",
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=3)).isoformat(),
    }
    refused = await h.client.post("/api/v1/votes", headers=staff, json=body)
    assert refused.status_code == 422 and refused.json()["code"] == "vote.room_without_area"
    assert refused.json()["detail"] == "1套房屋在房屋登记中没有专有面积：1号楼1单元102室"
    other = h.staff("c-elsewhere", "committee-3", "community_admin")
    assert (await h.client.post("/api/v1/votes", headers=other, json=body)).status_code == 403
    resident = await h.client.post("/api/v1/votes", headers=owner(h, homes["101"]), json=body)
    assert resident.status_code == 403
    wrong = await h.client.post(
        "/api/v1/votes", headers=staff, json={**body, "closes_at": body["opens_at"]}
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "vote.period_invalid"
    listed = await h.client.get("/api/v1/votes", headers=other, params={"community_id": community})
    assert listed.status_code == 403
    missing = await h.client.get(f"/api/v1/votes/{uuid.uuid4()}", headers=staff)
    assert missing.status_code == 404 and missing.json()["code"] == "vote.not_found"
