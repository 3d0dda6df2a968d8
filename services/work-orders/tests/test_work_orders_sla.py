"""SLA: a case nearing its deadline reminds the assignee; past it, a breach event and an
escalation to the property manager, each exactly once per case and deadline."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from wo_helpers import Harness, read_events
from work_orders.domain.sla import next_check


async def test_case_past_its_sla_emits_a_breach_and_escalates(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    staff = h.staff(community, sub="fixer")
    await h.register_staff(community, "fixer")
    wo = await h.create(
        h.staff(community, sub="desk"),  # staff mark a case urgent, residents may not
        case_type="repair",
        title="Lift stuck",
        priority="urgent",
        community_id=community,
        household_id=household,
    )
    wo_id = wo["id"]
    await h.step(wo_id, "accept", staff)
    await h.step(wo_id, "assign", staff, assignee_id="fixer")
    due = datetime.fromisoformat(wo["resolution_due_at"])
    assert due - datetime.fromisoformat(wo["created_at"]) == timedelta(hours=4)  # urgent repair

    sla = h.usecases.sla
    assert sla.reminder_before == timedelta(minutes=30)
    # 10 minutes before: a reminder to the assignee, once
    before = await sla.sweep(now=due - timedelta(minutes=10))
    assert before["reminders"] >= 1
    again = await sla.sweep(now=due - timedelta(minutes=5))
    # past the deadline: breach and escalation; a second pass does nothing more
    after = await sla.sweep(now=due + timedelta(minutes=1))
    assert after["breaches"] >= 1
    await sla.sweep(now=due + timedelta(minutes=2))
    assert again == {"reminders": 0, "breaches": 0}

    manager = h.staff(community, sub="boss", role="property_manager")
    status, body = await h.get(wo_id, manager)
    assert status == 200 and body["escalated"] is True
    assert [e["action"] for e in body["timeline"]].count("escalated") == 1
    step = next(e for e in body["timeline"] if e["action"] == "escalated")
    # in words with the local time, never the deadline's code or an ISO timestamp
    assert step["text"].startswith("未在 ") and step["text"].endswith("，已升级至物业经理。")
    assert not re.search(r"[A-Za-z]", step["text"]), step["text"]

    events = await read_events(
        h.settings.kafka_bootstrap_servers,
        h.workorder_topic,
        lambda found: any(e.type.endswith("sla_breached.v1") for e in found),
        key=wo_id,
    )
    breaches = [e.data for e in events if e.type == "community.workorder.sla_breached.v1"]
    assert len(breaches) == 1
    assert breaches[0]["escalated_to_role"] == "property_manager"
    assert datetime.fromisoformat(breaches[0]["due_at"]) == due

    notes = await read_events(
        h.settings.kafka_bootstrap_servers,
        h.notification_topic,
        lambda found: any(
            e.data["template"] == "workorder.sla_breached" and e.data["correlation_id"] == wo_id
            for e in found
        ),
    )
    mine = [e.data for e in notes if e.data.get("correlation_id") == wo_id]
    escalations = [n for n in mine if n["template"] == "workorder.sla_breached"]
    assert len(escalations) == 1
    assert escalations[0]["recipients"]["roles_in_scope"] == [
        {"role": "property_manager", "scope_type": "community", "scope_id": community}
    ]
    reminders = [n for n in mine if "sla_reminder:resolution" in n["request_id"]]
    assert len(reminders) == 1 and reminders[0]["recipients"]["user_ids"] == ["fixer"]

    # the overdue filter and the inbox show it
    assert wo_id in await h.ids(manager, overdue="false")  # the real clock: not yet due
    resolved = await h.step(wo_id, "start", staff)
    assert resolved["escalated"] is True


async def test_every_overdue_case_is_handled_however_many_there_are(
    harness: Harness, community: str
) -> None:
    h = harness
    created = []
    for i in range(7):
        hh = f"hh-many-{uuid.uuid4().hex[:6]}"
        created.append(
            await h.create(
                h.resident(hh),
                case_type="suggestion",
                title=f"s{i}",
                community_id=community,
                household_id=hh,
            )
        )
    later = max(datetime.fromisoformat(c["resolution_due_at"]) for c in created) + timedelta(
        minutes=1
    )
    # small batches: cases still open after a pass must not hide the ones behind them
    done = await h.usecases.sla.sweep(now=later, batch=3)
    assert done["breaches"] >= 14  # response and resolution deadlines of each of the 7
    again = await h.usecases.sla.sweep(now=later, batch=3)
    assert again == {"reminders": 0, "breaches": 0}
    manager = h.staff(community, role="property_manager")
    for c in created:
        assert (await h.get(c["id"], manager))[1]["escalated"] is True


def test_next_check_plans_the_reminder_then_the_deadline() -> None:
    from work_orders.db.models import WorkOrder

    t0 = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    wo = WorkOrder(
        status="accepted",
        response_due_at=t0 + timedelta(hours=1),
        resolution_due_at=t0 + timedelta(hours=4),
    )
    step = timedelta(minutes=30)
    assert next_check(wo, step, t0) == t0 + timedelta(hours=3, minutes=30)
    assert next_check(wo, step, t0 + timedelta(hours=3, minutes=40)) == t0 + timedelta(hours=4)
    assert next_check(wo, step, t0 + timedelta(hours=5)) is None
    wo.status = "submitted"  # the response deadline runs too
    assert next_check(wo, step, t0) == t0 + timedelta(minutes=30)
