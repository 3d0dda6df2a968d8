"""Social organisations and enterprises over HTTP on PostgreSQL (6.5.1 c-d): the community's
office registers them with a checked unified social credit code (once per community),
records their meetings and activities; the community's residents search them by name,
kind and tag; another community's people neither search nor open them. A resident's
complaint about an enterprise is published for work-orders to open a case from, and the
case's state, from work-orders' events, is listed on the organisation's page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from gov_affairs_helpers import Harness, eventually, register
from sc_contracts.events import (
    OrganisationComplaintFiledV1,
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderStatus,
)
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent

ELDER_CARE = "51110105MJ0012345E"  # a social organisation (民政)
GROCER = "91110105MA01ABCD13"  # an enterprise (工商)


async def test_the_office_registers_organisations_and_residents_find_them(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"101": 90.0})
    office = h.staff(community, "gov-org-1", "gov_officer")
    wang = h.issuer.bearer("acc-org-wang", grants=[Grant("resident", "household", homes["101"])])
    made = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json={
            "community_id": community,
            "name": "幸福里社区养老服务中心",
            "kind": "social_organisation",
            "uscc": ELDER_CARE.lower(),
            "address": "幸福里 3 号楼底商",
            "scope": "居家养老上门服务、老年助餐",
            "tags": ["养老", "助餐"],
        },
    )
    assert made.status_code == 201, made.text
    elder = made.json()
    assert elder["uscc"] == ELDER_CARE  # normalised
    assert elder["kind_name"] == {"zh": "社会组织", "en": "social organisation"}
    grocer = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json={
            "community_id": community,
            "name": "幸福里便民超市",
            "kind": "enterprise",
            "uscc": GROCER,
            "address": "幸福里 1 号门",
            "tags": ["便民"],
        },
    )
    assert grocer.status_code == 201, grocer.text

    again = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json={
            "community_id": community,
            "name": "重复登记",
            "kind": "enterprise",
            "uscc": GROCER,
            "address": "某处",
        },
    )
    assert again.status_code == 409
    assert again.json()["code"] == "organisation.already_registered"
    bad_code = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json={
            "community_id": community,
            "name": "错误代码",
            "kind": "enterprise",
            "uscc": GROCER[:-1] + ("0" if GROCER[-1] != "0" else "1"),
            "address": "某处",
        },
    )
    assert bad_code.status_code == 422
    assert "uscc" in bad_code.text
    by_resident = await h.client.post(
        "/api/v1/organisations",
        headers=wang,
        json={
            "community_id": community,
            "name": "居民自建",
            "kind": "enterprise",
            "uscc": "91110105MA01ABCD13",
            "address": "某处",
        },
    )
    assert by_resident.status_code == 403 and by_resident.json()["code"] == "auth.out_of_scope"

    async def names(**params: str) -> list[str]:
        found = await h.client.get(
            "/api/v1/organisations", headers=wang, params={"community_id": community, **params}
        )
        assert found.status_code == 200, found.text
        return [o["name"] for o in found.json()["items"]]

    assert await names() == ["幸福里便民超市", "幸福里社区养老服务中心"]
    assert await names(q="养老") == ["幸福里社区养老服务中心"]
    assert await names(q="助餐") == ["幸福里社区养老服务中心"]  # the scope counts
    assert await names(q=GROCER.lower()) == ["幸福里便民超市"]
    assert await names(kind="enterprise") == ["幸福里便民超市"]
    assert await names(tag="便民") == ["幸福里便民超市"]
    assert await names(q="100%") == []

    url = f"/api/v1/organisations/{elder['id']}"
    meeting = await h.client.post(
        f"{url}/meetings",
        headers=office,
        json={
            "kind": "meeting",
            "held_at": "2026-11-20T14:00:00+08:00",
            "topic": "老年助餐点选址协商",
            "place": "社区议事厅",
            "attendees": 12,
            "minutes": "同意在 3 号楼底商开设助餐点。",
        },
    )
    assert meeting.status_code == 201, meeting.text
    activity = await h.client.post(
        f"{url}/meetings",
        headers=office,
        json={"kind": "activity", "held_at": "2026-11-28T09:00:00+08:00", "topic": "重阳敬老"},
    )
    assert activity.status_code == 201, activity.text
    far_future = await h.client.post(
        f"{url}/meetings",
        headers=office,
        json={"kind": "activity", "held_at": "9999-12-31T23:00:00-08:00", "topic": "太远"},
    )
    assert far_future.status_code == 422
    by_wang = await h.client.post(
        f"{url}/meetings",
        headers=wang,
        json={"held_at": "2026-11-28T09:00:00+08:00", "topic": "居民记录"},
    )
    assert by_wang.status_code == 403

    listed = (await h.client.get(f"{url}/meetings", headers=wang)).json()
    assert [(m["kind_name"]["zh"], m["topic"]) for m in listed["items"]] == [
        ("活动", "重阳敬老"),
        ("议事协商会议", "老年助餐点选址协商"),
    ]
    assert listed["items"][1]["attendees"] == 12

    outsider = h.issuer.bearer("acc-org-x", grants=[Grant("resident", "household", "h-far")])
    assert (await h.client.get(url, headers=outsider)).status_code == 403
    searched = await h.client.get(
        "/api/v1/organisations", headers=outsider, params={"community_id": community}
    )
    assert searched.status_code == 403
    other_office = h.staff("c-other", "gov-org-2", "gov_officer")
    assert (await h.client.get(f"{url}/meetings", headers=other_office)).status_code == 403
    missing = await h.client.get(
        "/api/v1/organisations/00000000-0000-0000-0000-000000000000", headers=office
    )
    assert missing.status_code == 404 and missing.json()["code"] == "organisation.not_found"


async def test_a_complaint_about_an_enterprise_is_a_case_whose_state_its_page_lists(
    harness: Harness, community: str
) -> None:
    h = harness
    homes = await register(h, community, {"201": 90.0, "202": 85.0})
    office = h.staff(community, "gov-org-3", "community_admin")
    zhao = h.issuer.bearer("acc-org-zhao", grants=[Grant("resident", "household", homes["201"])])
    qian = h.issuer.bearer("acc-org-qian", grants=[Grant("tenant", "household", homes["202"])])
    made = await h.client.post(
        "/api/v1/organisations",
        headers=office,
        json={
            "community_id": community,
            "name": "幸福里便民超市",
            "kind": "enterprise",
            "uscc": GROCER,
            "address": "幸福里 1 号门",
        },
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/organisations/{made.json()['id']}"

    filed = await h.client.post(
        f"{url}/complaints", headers=zhao, json={"summary": "超市夜间卸货噪音扰民。"}
    )
    assert filed.status_code == 201, filed.text
    complaint = filed.json()
    assert (complaint["status_name"], complaint["work_order_id"], complaint["mine"]) == (
        {"zh": "已提交", "en": "submitted"},
        None,
        True,
    )
    by_office = await h.client.post(f"{url}/complaints", headers=office, json={"summary": "x"})
    assert by_office.status_code == 403
    assert by_office.json()["code"] == "organisation.not_a_resident"
    outsider = h.issuer.bearer("acc-org-y", grants=[Grant("resident", "household", "h-far")])
    by_outsider = await h.client.post(f"{url}/complaints", headers=outsider, json={"summary": "x"})
    assert by_outsider.status_code == 403
    too_long = await h.client.post(f"{url}/complaints", headers=zhao, json={"summary": "长" * 501})
    assert too_long.status_code == 422

    # published for work-orders, which opens the complaint case from it
    def published(events: list[CloudEvent]) -> bool:
        return any(e.data.get("complaint_id") == complaint["id"] for e in events)

    events = await h.read(OrganisationComplaintFiledV1, published)
    sent = next(e for e in events if e.data.get("complaint_id") == complaint["id"])
    assert sent.type == "community.organisation_complaint.filed.v1"
    assert (sent.data["organisation_name"], sent.data["uscc"]) == ("幸福里便民超市", GROCER)
    assert (sent.data["household_id"], sent.data["filed_by"]) == (homes["201"], "acc-org-zhao")
    assert sent.data["building_id"] == f"{community}-b1"

    # work-orders opened the case and accepted it: its events carry the complaint's id
    case = str(uuid.uuid4())
    for action, status, previous in (
        ("created", WorkOrderStatus.SUBMITTED, None),
        ("accepted", WorkOrderStatus.ACCEPTED, WorkOrderStatus.SUBMITTED),
    ):
        await h.send(
            WorkOrderChangedV1(
                work_order_id=case,
                case_type="complaint",
                action=action,
                status=status,
                previous_status=previous,
                priority=WorkOrderPriority.NORMAL,
                community_id=community,
                source="organisation",
                reporter_id="acc-org-zhao",
                external_ref=complaint["id"],
                occurred_at=datetime.now(UTC),
            ),
            case,
        )

    async def accepted() -> dict[str, Any] | None:
        listed = (await h.client.get(f"{url}/complaints", headers=office)).json()
        found: dict[str, Any] = listed["items"][0]
        return found if found["status"] == "accepted" else None

    seen = await eventually(accepted)
    assert (seen["status_name"]["zh"], seen["work_order_id"], seen["mine"]) == (
        "已受理",
        case,
        False,
    )
    assert seen["summary"] == "超市夜间卸货噪音扰民。"
    own = (await h.client.get(f"{url}/complaints", headers=zhao)).json()
    assert [c["work_order_id"] for c in own["items"]] == [case]
    others = (await h.client.get(f"{url}/complaints", headers=qian)).json()
    assert others["items"] == []  # a neighbour reads no one else's complaint
    page = (await h.client.get(url, headers=qian)).json()
    assert page["complaints"] == {"total": 1, "still_open": 1}
