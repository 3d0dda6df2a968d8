"""Alteration requests over HTTP on PostgreSQL and Kafka (6.5.2 d): a resident applies for
the room of their household; load-bearing work is refused at once with the law's reason;
a balcony enclosure is approved by the property manager, then the community (the approval
engine of the service hall, each in turn); a second request for the room waits; the works
start, a failed inspection asks for rectification, a passed one lets the property archive
the file; the room register shows the open alteration until then, and
AlterationChangedV1 says so at each step."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from alteration_helpers import home_and_signers

from gov_affairs_helpers import Harness
from sc_contracts.events import AlterationChangedV1
from sc_core.auth import Grant


async def test_a_balcony_enclosure_from_application_to_archive(
    harness: Harness, community: str
) -> None:
    h = harness
    household, pm_id, ca_id = await home_and_signers(h, community)
    resident = h.issuer.bearer(
        f"acc-{household}", grants=[Grant("resident", "household", household)]
    )
    stranger = h.issuer.bearer("acc-other", grants=[Grant("resident", "household", "h-other")])
    pm = h.staff(community, pm_id, "property_manager")
    ca = h.staff(community, ca_id, "community_admin")
    start = date.today() + timedelta(days=7)
    room = f"{community}-r502"

    async def apply(body: dict[str, Any]) -> Any:
        return await h.client.post(
            "/api/v1/alterations",
            headers=resident,
            json={
                "kind": "decoration",
                "planned_start": start.isoformat(),
                "planned_end": (start + timedelta(days=30)).isoformat(),
                **body,
            },
        )

    refused = await apply({"scopes": ["floors", "load_bearing"]})
    assert refused.status_code == 422 and refused.json()["code"] == "alteration.forbidden"
    assert refused.json()["reasons"][0]["zh"].startswith("不得擅自拆改承重墙")
    backwards = await apply(
        {"scopes": ["floors"], "planned_end": (start - timedelta(days=1)).isoformat()}
    )
    assert backwards.status_code == 422 and backwards.json()["code"] == "alteration.bad_dates"
    made = await apply({"scopes": ["balcony_enclosure", "floors"], "contractor": "安居装饰"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["status_name"]["zh"], body["open"], body["waiting_for"]) == (
        "正在审核",
        True,
        [pm_id],
    )
    assert [s["name"]["zh"] for s in body["approval"]] == ["物业审核", "社区审批"]
    url = f"/api/v1/alterations/{body['id']}"
    second = await apply({"scopes": ["floors"]})
    assert second.status_code == 409 and second.json()["code"] == "alteration.already_open"
    assert (await h.client.get(url, headers=stranger)).status_code == 404

    register = await h.client.get(f"/api/v1/alterations?room_id={room}&status=open", headers=pm)
    assert [(a["id"], a["open"]) for a in register.json()["items"]] == [(body["id"], True)]

    async def step(who: dict[str, str], action: str, **extra: Any) -> Any:
        return await h.client.post(f"{url}/steps", headers=who, json={"action": action, **extra})

    early = await step(ca, "approve")
    assert early.status_code == 403 and early.json()["code"] == "approval.not_your_turn"
    inbox = await h.client.get("/api/v1/alterations?waiting_for_me=true", headers=pm)
    assert [a["id"] for a in inbox.json()["items"]] == [body["id"]]
    by_property = await step(pm, "approve", comment="同意，注意施工时间")
    assert by_property.status_code == 200, by_property.text
    assert (by_property.json()["status"], by_property.json()["waiting_for"]) == (
        "submitted",
        [ca_id],
    )
    assert (await step(resident, "start")).json()["code"] == "alteration.bad_state"
    approved = await step(ca, "approve")
    assert approved.json()["status_name"]["zh"] == "已批准"
    assert (await step(resident, "start")).json()["status"] == "in_works"

    by_resident = await step(resident, "inspect", passed=True, findings="我看过了")
    assert by_resident.status_code == 403
    failed = await step(pm, "inspect", passed=False, findings="阳台封闭未按审批图纸施工")
    assert failed.json()["status_name"]["zh"] == "正在整改"
    assert (await step(pm, "archive")).status_code == 409
    passed = await step(pm, "inspect", passed=True, findings="已按图纸整改，验收合格")
    assert [i["passed"] for i in passed.json()["inspections"]] == [False, True]
    archived = await step(pm, "archive")
    assert (archived.json()["status_name"]["zh"], archived.json()["open"]) == ("已归档", False)
    after = await h.client.get(f"/api/v1/alterations?room_id={room}&status=open", headers=pm)
    assert after.json()["items"] == []
    mine = await h.client.get("/api/v1/alterations", headers=resident)
    assert [a["status"] for a in mine.json()["items"]] == ["archived"]

    events = await h.read(
        AlterationChangedV1,
        lambda found: any(
            e.data["alteration_id"] == body["id"] and e.data["status"] == "archived" for e in found
        ),
    )
    steps = [
        (e.data["status"], e.data["open"]) for e in events if e.data["alteration_id"] == body["id"]
    ]
    assert steps[0] == ("submitted", True) and steps[-1] == ("archived", False)
    assert ("rectifying", True) in steps
