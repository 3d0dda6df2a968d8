"""What the applicant and the approvers of an alteration request are told, on PostgreSQL and
Kafka (6.5.2 d): the applicant that it was submitted, each signer their task when it opens
and once before its due time (the sweep), the applicant and the approvers the approval, the
start of the works with the inspection due, once a few days before the works' planned end
(the sweep), a failed inspection and the archived file; every message in zh-CN and en
words, the room as people say it, never an id or an enum value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from alteration_helpers import home_and_signers

from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs_helpers import Harness
from sc_contracts.events import NotificationRequestedV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent


async def test_applicant_and_approvers_are_told_at_each_step(
    harness: Harness, community: str
) -> None:
    h = harness
    household, pm_id, ca_id = await home_and_signers(h, community)
    applicant = f"acc-{household}"
    resident = h.issuer.bearer(applicant, grants=[Grant("resident", "household", household)])
    pm = h.staff(community, pm_id, "property_manager")
    ca = h.staff(community, ca_id, "community_admin")
    start = date.today() + timedelta(days=7)
    end = start + timedelta(days=20)
    made = await h.client.post(
        "/api/v1/alterations",
        headers=resident,
        json={
            "kind": "decoration",
            "scopes": ["balcony_enclosure", "floors"],
            "planned_start": start.isoformat(),
            "planned_end": end.isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    alteration = made.json()
    url = f"/api/v1/alterations/{alteration['id']}"

    async def told(template: str, count: int = 1) -> list[CloudEvent]:
        def mine(evs: list[CloudEvent]) -> list[CloudEvent]:
            return [
                e
                for e in evs
                if e.data["correlation_id"] == alteration["id"] and e.data["template"] == template
            ]

        found = mine(await h.read(NotificationRequestedV1, lambda evs: len(mine(evs)) >= count))
        assert len(found) == count, (template, len(found))
        return found

    def to(e: CloudEvent) -> list[str]:
        return list(e.data["recipients"]["user_ids"])

    def says(e: CloudEvent) -> tuple[str, str]:
        return e.data["variables"]["body"], e.data["variables"]["body_en"]

    [submitted] = await told("gov.alteration.submitted")
    assert to(submitted) == [applicant]
    assert says(submitted) == (
        "您为幸福里社区 3号楼2单元502室提交的装修申请已提交，正在物业审核，请留意审批结果。",
        says(submitted)[1],
    )
    assert "decoration request for" in says(submitted)[1] and "Property check" in says(submitted)[1]
    [task] = await told("gov.alteration.task")
    assert to(task) == [pm_id] and "待您审批（物业审核）" in says(task)[0]

    # the sweep: nothing before the reminder's time; one reminder a day before the due time
    sweep: Callable[[datetime], Any] = h.usecases.alteration_reminders.sweep
    due = datetime.fromisoformat(alteration["approval"][0]["due_at"])
    assert await sweep(datetime.now(UTC)) == 0
    assert await sweep(due - timedelta(hours=2)) == 1
    assert await sweep(due - timedelta(hours=1)) == 0
    [reminder] = await told("gov.alteration.reminder")
    assert to(reminder) == [pm_id]
    assert f"将于{due.astimezone(CHINA):%Y-%m-%d %H:%M}到期" in says(reminder)[0]
    assert "is due" in says(reminder)[1]

    async def step(who: dict[str, str], action: str, **extra: Any) -> dict[str, Any]:
        r = await h.client.post(f"{url}/steps", headers=who, json={"action": action, **extra})
        assert r.status_code == 200, r.text
        return dict(r.json())

    await step(pm, "approve", comment="同意")
    tasks = await told("gov.alteration.task", 2)  # two partitions: in no particular order
    [community_task] = [e for e in tasks if to(e) == [ca_id]]
    assert "（社区审批）" in says(community_task)[0]
    await step(ca, "approve")
    [approved] = await told("gov.alteration.approved")
    assert to(approved) == sorted([applicant, pm_id])
    assert says(approved)[0].startswith(f"幸福里社区 3号楼2单元502室的装修申请已批准，可于{start}")

    await step(resident, "start")
    [works] = await told("gov.alteration.inspection_due")
    assert to(works) == sorted([applicant, pm_id])
    assert f"计划{end}完工；完工后由物业进行竣工验收" in says(works)[0]

    # three days before the planned end (Beijing time), once
    three_before = datetime.combine(end - timedelta(days=3), time(9), CHINA)
    assert await sweep(three_before - timedelta(days=1)) == 0
    assert await sweep(three_before) == 1
    assert await sweep(three_before + timedelta(days=1)) == 0
    [ending] = await told("gov.alteration.works_ending")
    assert to(ending) == sorted([applicant, pm_id])
    assert f"计划于{end}完工（还有3天）" in says(ending)[0] and "in 3 days" in says(ending)[1]

    await step(pm, "inspect", passed=False, findings="阳台封闭未按审批图纸施工")
    [rectify] = await told("gov.alteration.rectify")
    assert to(rectify) == [applicant] and "未通过：阳台封闭未按审批图纸施工" in says(rectify)[0]
    await step(pm, "inspect", passed=True, findings="已整改，验收合格")
    await step(pm, "archive")
    [archived] = await told("gov.alteration.archived")
    assert to(archived) == sorted([applicant, ca_id])
    assert says(archived) == (
        "幸福里社区 3号楼2单元502室的装修申请已办结，档案已归档。",
        says(archived)[1],
    )
    assert "decoration request" in says(archived)[1] and "archived" in says(archived)[1]
    for e in (submitted, task, reminder, approved, works, ending, rectify, archived):
        for text in (e.data["variables"]["title"], *says(e)):
            assert alteration["id"] not in text and household not in text and "_" not in text
