"""The full path of a repair (报事报修) through the HTTP API, each step seen by the resident
and by nobody outside the case's scope; plus the rules of the state machine."""

from __future__ import annotations

import asyncio
import uuid

from sc_core.auth import Grant
from wo_helpers import JPEG, PNG, Harness, read_events


async def test_full_repair_path_visible_to_resident_and_nobody_outside(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    resident = h.resident(household, sub=f"u-{household}")
    family = h.resident(household, sub=f"fam-{household}", role="family")
    neighbour = h.resident(f"hh-other-{uuid.uuid4().hex[:6]}")
    staff = h.staff(community, sub="staff-a")
    manager = h.staff(community, sub="mgr-a", role="property_manager")
    other_staff = h.staff(f"c-other-{uuid.uuid4().hex[:6]}", sub="staff-x")

    # the resident reports a leak with a photo
    photo = await h.upload(resident, JPEG)
    wo = await h.create(
        resident,
        case_type="repair",
        title="厨房漏水 Kitchen pipe leaking",
        description="Water under the sink since this morning",
        community_id=community,
        building_id="b-1",
        household_id=household,
        place="1-1-101 kitchen",
        attachment_ids=[photo["id"]],
    )
    wo_id = wo["id"]
    assert wo["status"] == "submitted" and wo["source"] == "app"
    assert wo["priority"] == "normal" and wo["resolution_due_at"] is not None
    assert wo["attachment_ids"] == [photo["id"]]
    assert wo["timeline"][0]["attachment_ids"] == [photo["id"]]

    async def seen_by_resident_only(status: str, action: str) -> None:
        """After each step: the resident and the family see it; outsiders get 404/nothing."""
        for who in (resident, family):
            code, body = await h.get(wo_id, who)
            assert code == 200 and body["status"] == status
            assert body["timeline"][-1]["action"] == action
            assert wo_id in await h.ids(who)
        for outsider in (neighbour, other_staff):
            code, body = await h.get(wo_id, outsider)
            assert code == 404 and body["code"] == "workorder.not_found"
            assert wo_id not in await h.ids(outsider)

    await seen_by_resident_only("submitted", "created")
    # staff of the community: accept, assign, start, reply with a photo and position, resolve
    await h.step(wo_id, "accept", staff)
    await seen_by_resident_only("accepted", "accept")
    await h.register_staff(community, "staff-a")
    await h.step(wo_id, "assign", manager, assignee_id="staff-a")
    await seen_by_resident_only("assigned", "assign")
    await h.step(wo_id, "start", staff)
    await seen_by_resident_only("in_progress", "start")
    reply_photo = await h.upload(staff, PNG, name="after.png")
    replied = await h.step(
        wo_id,
        "reply",
        staff,
        text="Valve replaced",
        attachment_ids=[reply_photo["id"]],
        longitude=116.41,
        latitude=39.90,
    )
    assert replied["timeline"][-1]["longitude"] == 116.41
    await seen_by_resident_only("in_progress", "reply")
    resolved = await h.step(wo_id, "resolve", staff, text="Fixed")
    assert resolved["status"] == "resolved"
    await seen_by_resident_only("resolved", "resolve")

    # after each step the resident (and the family in the household) sees it
    status, seen = await h.get(wo_id, resident)
    assert status == 200
    assert [e["action"] for e in seen["timeline"]] == [
        "created",
        "accept",
        "assign",
        "start",
        "reply",
        "resolve",
    ]
    assert seen["assignee_id"] == "staff-a"
    assert seen["timeline"][4]["text"] == "Valve replaced"
    assert seen["timeline"][4]["attachment_ids"] == [reply_photo["id"]]
    content = await h.client.get(
        f"/api/v1/work-order-attachments/{reply_photo['id']}/content", headers=family
    )
    assert content.status_code == 200 and content.content == PNG
    assert content.headers["content-type"] == "image/png"
    audit = await read_events(
        h.settings.kafka_bootstrap_servers,
        h.audit_topic,
        lambda found: any(e.data["action"] == "attachment.read" for e in found),
    )
    reads = [e.data for e in audit if e.data["action"] == "attachment.read"]
    assert reads[0]["actor_id"] == f"fam-{household}"
    assert reads[0]["resource_id"] == reply_photo["id"]
    steps = {e.data["action"] for e in audit if e.data["resource_id"] == wo_id}
    assert {"workorder.create", "workorder.accept", "workorder.resolve"} <= steps

    # the resident confirms (closes) and rates
    closed = await h.step(wo_id, "close", resident, text="Thanks")
    assert closed["status"] == "closed"
    await seen_by_resident_only("closed", "close")
    # a comment longer than the store and WorkOrderRatedV1 hold is refused, not a 500
    await h.step(wo_id, "rate", resident, expect=422, rating=5, text="好" * 1001)
    rated = await h.step(wo_id, "rate", resident, rating=5, text="Quick and clean")
    await seen_by_resident_only("closed", "rate")
    assert rated["rating"] == 5 and rated["rating_comment"] == "Quick and clean"
    await h.step(wo_id, "rate", resident, expect=409, rating=4)

    # nobody outside its scope sees it: another household, staff of another community
    for outsider in (neighbour, other_staff):
        status, body = await h.get(wo_id, outsider)
        assert status == 404 and body["code"] == "workorder.not_found"
        assert wo_id not in await h.ids(outsider)
        r = await h.client.get(
            f"/api/v1/work-order-attachments/{photo['id']}/content", headers=outsider
        )
        assert r.status_code == 404
        await h.step(wo_id, "reopen", outsider, expect=404)
    assert wo_id in await h.ids(resident)
    assert wo_id in await h.ids(family)
    assert wo_id in await h.ids(staff, status="closed", type="repair")

    # the broker carried every step with the full state, then the rating
    events = await read_events(
        h.settings.kafka_bootstrap_servers,
        h.workorder_topic,
        lambda found: any(e.type.endswith("rated.v1") for e in found),
        key=wo_id,
    )
    changed = [e.data for e in events if e.type == "community.workorder.changed.v1"]
    assert [c["action"] for c in changed] == [
        "created",
        "accept",
        "assign",
        "start",
        "reply",
        "resolve",
        "close",
        "rate",
    ]
    assert changed[-2]["status"] == "closed" and changed[-2]["reporter_id"] == f"u-{household}"
    # a reply carries its text (the hotline view shows it); no other step carries any
    assert [c.get("reply_text") for c in changed] == [None] * 4 + ["Valve replaced"] + [None] * 3
    rated_events = [e.data for e in events if e.type == "community.workorder.rated.v1"]
    assert len(rated_events) == 1 and rated_events[0]["rating"] == 5
    assert rated_events[0]["assignee_id"] == "staff-a"
    # the rating names the case's building (evaluation counts it there)
    assert (
        rated_events[0]["building_id"]
        and rated_events[0]["building_id"] == changed[-1]["building_id"]
    )

    # the resident and staff were told (notification requests, templates workorder.*)
    notes = await read_events(
        h.settings.kafka_bootstrap_servers,
        h.notification_topic,
        lambda found: any(e.data["template"] == "workorder.closed" for e in found),
    )
    mine = [e.data for e in notes if e.data.get("correlation_id") == wo_id]
    templates = {n["template"] for n in mine}
    assert {
        "workorder.created",
        "workorder.accepted",
        "workorder.assigned",
        "workorder.replied",
        "workorder.resolved",
        "workorder.closed",
    } <= templates
    resolved_note = next(n for n in mine if n["template"] == "workorder.resolved")
    assert resolved_note["recipients"]["user_ids"] == [f"u-{household}"]
    assert resolved_note["recipients"]["household_ids"] == [household]
    closed_note = next(n for n in mine if n["template"] == "workorder.closed")
    assert closed_note["recipients"]["user_ids"] == sorted([f"u-{household}", "staff-a"])
    assert resolved_note["variables"]["number"] == wo["number"]


async def test_state_machine_refuses_what_is_not_allowed(harness: Harness, community: str) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    resident = h.resident(household)
    staff = h.staff(community)
    wo = await h.create(
        resident,
        case_type="repair",
        title="Door bell broken",
        community_id=community,
        household_id=household,
    )
    wo_id = wo["id"]
    # resolve before anything: 409 problem+json with the stable code
    r = await h.client.post(f"/api/v1/work-orders/{wo_id}/resolve", headers=staff)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "workorder.invalid_transition"
    # a resident may not accept their own case
    body = await h.step(wo_id, "accept", resident, expect=403)
    assert body["code"] == "workorder.action_forbidden"
    # the resident adds information; then cancels before it is accepted
    await h.step(wo_id, "comment", resident, text="It buzzes only at night")
    cancelled = await h.step(wo_id, "cancel", resident)
    assert cancelled["status"] == "cancelled"
    body = await h.step(wo_id, "accept", staff, expect=409)
    assert body["code"] == "workorder.invalid_transition"

    # a resident may not create a case type reserved for staff, or for another household
    r = await h.client.post(
        "/api/v1/work-orders",
        headers=resident,
        json={
            "case_type": "hotline_ticket",
            "title": "x",
            "community_id": community,
            "household_id": household,
            "external_ref": "12345-1",
        },
    )
    assert r.status_code == 403 and r.json()["code"] == "workorder.create_forbidden"
    r = await h.client.post(
        "/api/v1/work-orders",
        headers=resident,
        json={
            "case_type": "repair",
            "title": "x",
            "community_id": community,
            "household_id": "someone-else",
        },
    )
    assert r.status_code == 403
    # staff of another community may not open a case here
    r = await h.client.post(
        "/api/v1/work-orders",
        headers=h.staff("c-elsewhere"),
        json={"case_type": "repair", "title": "x", "community_id": community},
    )
    assert r.status_code == 403 and r.json()["code"] == "workorder.create_forbidden"
    # a hotline ticket needs its 12345 reference
    r = await h.client.post(
        "/api/v1/work-orders",
        headers=h.staff(community, role="property_manager"),
        json={"case_type": "hotline_ticket", "title": "Noise at night", "community_id": community},
    )
    assert r.status_code == 422 and r.json()["code"] == "workorder.external_ref_required"
    ticket = await h.create(
        h.staff(community, role="property_manager"),
        case_type="hotline_ticket",
        title="Noise at night",
        community_id=community,
        external_ref="12345-2026-0001",
    )
    assert ticket["source"] == "hotline" and ticket["external_ref"] == "12345-2026-0001"


async def test_two_staff_acting_at_once_do_not_both_win(harness: Harness, community: str) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    wo = await h.create(
        h.resident(household),
        case_type="repair",
        title="Light out",
        community_id=community,
        household_id=household,
    )
    wo_id = wo["id"]
    a = h.staff(community, sub="staff-a")
    b = h.staff(community, sub="staff-b")
    results = await asyncio.gather(
        h.client.post(f"/api/v1/work-orders/{wo_id}/accept", headers=a),
        h.client.post(f"/api/v1/work-orders/{wo_id}/accept", headers=b),
    )
    assert sorted(r.status_code for r in results) == [200, 409]
    # If-Match: a step against a stale version is refused
    await h.register_staff(community, "x")
    fresh = (await h.get(wo_id, a))[1]
    stale = fresh["version"] - 1
    r = await h.client.post(
        f"/api/v1/work-orders/{wo_id}/assign",
        json={"assignee_id": "x"},
        headers={**a, "If-Match": f'"{stale}"'},
    )
    assert r.status_code == 412 and r.json()["code"] == "workorder.version_mismatch"
    r = await h.client.post(
        f"/api/v1/work-orders/{wo_id}/assign",
        json={"assignee_id": "x"},
        headers={**a, "If-Match": f'"{fresh["version"]}"'},
    )
    assert r.status_code == 200 and r.headers["etag"] == f'"{fresh["version"] + 1}"'


async def test_inbox_and_assignment_by_skill_and_building(harness: Harness, community: str) -> None:
    h = harness
    manager = h.staff(community, sub="mgr", role="property_manager")
    for user, skills, buildings in (
        ("plumber-1", ["plumbing"], ["b-1"]),
        ("plumber-2", ["plumbing"], ["b-2"]),
        ("guard-1", ["security"], []),
    ):
        r = await h.client.put(
            f"/api/v1/staff-skills/{user}",
            headers=manager,
            json={"community_id": community, "skills": skills, "building_ids": buildings},
        )
        assert r.status_code == 200, r.text
    household = f"hh-{uuid.uuid4().hex[:8]}"
    wo = await h.create(
        h.resident(household),
        case_type="repair",
        title="Pipe",
        community_id=community,
        building_id="b-2",
        household_id=household,
        details={"skill": "plumbing"},
    )
    r = await h.client.get(f"/api/v1/work-orders/{wo['id']}/assignees", headers=manager)
    assert [c["user_id"] for c in r.json()] == ["plumber-2"]
    await h.step(wo["id"], "accept", manager)
    assigned = await h.step(wo["id"], "assign", manager)  # no assignee: the best fit
    assert assigned["assignee_id"] == "plumber-2"

    plumber = h.staff(community, sub="plumber-2")
    inbox = (await h.client.get("/api/v1/work-orders/inbox", headers=plumber)).json()
    assert inbox["pending"]["count"] >= 1
    assert wo["id"] in [i["id"] for i in inbox["pending"]["items"]]
    assert wo["id"] in await h.ids(plumber, assignee="me")
    other = h.staff(f"c-x-{uuid.uuid4().hex[:6]}", sub="plumber-2")
    inbox = (await h.client.get("/api/v1/work-orders/inbox", headers=other)).json()
    assert inbox["pending"]["count"] == 0
    r = await h.client.get("/api/v1/work-orders/inbox", headers=h.resident(household))
    assert r.status_code == 403


async def test_an_outside_provider_works_on_the_booking_assigned_to_them(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    resident = h.resident(household)
    manager = h.staff(community, sub="mgr", role="property_manager")
    provider = h.issuer.bearer("provider-9", grants=[Grant("merchant", "community", "c-shop")])
    booking = await h.create(
        resident,
        case_type="maintenance_booking",
        title="空调清洗 Air-conditioner cleaning",
        community_id=community,
        household_id=household,
    )
    wo_id = booking["id"]
    assert (await h.get(wo_id, provider))[0] == 404  # not theirs yet
    await h.step(wo_id, "accept", manager)
    await h.register_staff(community, "provider-9")  # an outside provider, registered
    await h.step(wo_id, "assign", manager, assignee_id="provider-9")
    assert wo_id in await h.ids(provider, assignee="me")
    await h.step(wo_id, "start", provider)
    await h.step(wo_id, "reply", provider, text="Arriving at 3 pm")
    done = await h.step(wo_id, "resolve", provider, text="Cleaned")
    assert done["status"] == "resolved"
    # but nothing beyond the work itself
    body = await h.step(wo_id, "reopen", provider, expect=403)
    assert body["code"] == "workorder.action_forbidden"


async def test_cases_go_to_registered_staff_and_urgency_is_staff_s_call(
    harness: Harness, community: str
) -> None:
    """Issue 30.12: a case was assigned to any string or to a resident; residents set
    priority urgent."""
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    resident = h.resident(household)
    body = {
        "case_type": "repair",
        "title": "Tap drips",
        "community_id": community,
        "household_id": household,
    }
    urgent = await h.client.post(
        "/api/v1/work-orders", json={**body, "priority": "urgent"}, headers=resident
    )
    assert urgent.status_code == 403, urgent.text
    assert urgent.json()["code"] == "workorder.priority_forbidden"
    assert urgent.json()["detail"] == "只有工作人员可以将工单设为紧急"
    wo = await h.create(resident, **body, building_id="b-7")
    staff = h.staff(community)
    await h.step(wo["id"], "accept", staff)
    await h.register_staff(community, "plumber-far", buildings=["b-9"])
    for assignee in ("anyone-at-all", f"res-{household}", "plumber-far"):
        refused = await h.client.post(
            f"/api/v1/work-orders/{wo['id']}/assign",
            json={"assignee_id": assignee},
            headers=staff,
        )
        assert refused.status_code == 422, (assignee, refused.text)
        assert refused.json()["code"] == "workorder.assignee_not_staff"
    await h.register_staff(community, "plumber-near", buildings=["b-7"])
    done = await h.step(wo["id"], "assign", staff, assignee_id="plumber-near")
    assert done["assignee_id"] == "plumber-near" and done["status"] == "assigned"
